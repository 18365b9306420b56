"""Shared helpers for the rule tests: run every rule on a source, keep one code's diagnostics,
apply a diagnostic's preferred fix and check the result."""

from __future__ import annotations

import ast
from typing import Callable, Iterable

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.diagnostics import Diagnostic, apply_edits
from fastapi_status.rules import RULES_BY_CODE

ALL = Settings(select=frozenset(RULES_BY_CODE))


def finder(default_code: str) -> Callable[..., list[Diagnostic]]:
    """`found(source, code=default_code, settings=ALL)`: that code's diagnostics, asserting no rule raised."""

    def found(source: str, code: str = default_code, settings: Settings = ALL) -> list[Diagnostic]:
        result = analyze(source, settings)
        assert not result.errors, result.errors
        return [d for d in result.diagnostics if d.code == code]

    return found


def fixer(default_code: str, clean: Iterable[str] | None = None) -> Callable[..., str]:
    """`fixed(source, settings=ALL)`: apply the one diagnostic's preferred fix, check the result
    parses and that none of `clean` (default: the rule itself) fires on it any more."""
    codes = set(clean or [default_code])
    found = finder(default_code)

    def fixed(source: str, settings: Settings = ALL) -> str:
        (diag,) = found(source, settings=settings)
        out = apply_edits(source, diag.preferred_fix.edits())
        ast.parse(out)
        assert [d.code for d in analyze(out, ALL).diagnostics if d.code in codes] == []
        return out

    return fixed
