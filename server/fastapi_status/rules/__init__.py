"""The rule registry: every rule, in code order, and selection by code or prefix.

The rule classes (`ALL_RULES`, `RULES_BY_CODE`, `Rule`, `Invalid`) are imported on first use:
choosing rules needs only their codes (`CODES`, with the selection functions, in
core/codes.py), and a check served from the cache never runs one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from fastapi_status.core.codes import (  # noqa: F401 (the registry's names)
    CODES,
    SYNTAX_ERROR_CODE,
    default_selection,
    expand_selector,
    resolve_selection,
)

if TYPE_CHECKING:
    from fastapi_status.rules.base import Invalid, Rule


@functools.cache
def all_rules() -> "tuple[type[Rule], ...]":
    """Every rule class, in code order (imports them all, once)."""
    from fastapi_status.rules import catalog

    return tuple(sorted(catalog.RULES, key=lambda r: r.code))


@functools.cache
def rules_by_code() -> "dict[str, type[Rule]]":
    return {r.code: r for r in all_rules()}


def __getattr__(name: str) -> Any:
    if name == "ALL_RULES":
        return all_rules()
    if name == "RULES_BY_CODE":
        return rules_by_code()
    if name in ("Rule", "Invalid"):
        from fastapi_status.rules import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_rule(code: str) -> "type[Rule] | None":
    return rules_by_code().get(code.upper())


__all__ = [
    "ALL_RULES",
    "CODES",
    "Invalid",
    "Rule",
    "RULES_BY_CODE",
    "SYNTAX_ERROR_CODE",
    "all_rules",
    "default_selection",
    "expand_selector",
    "get_rule",
    "resolve_selection",
    "rules_by_code",
]
