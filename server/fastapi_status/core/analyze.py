"""The entry point of the core: source text in, diagnostics out. No I/O.

`analyze` never raises on bad input: a file that does not parse gives one FST000 diagnostic,
and an exception inside a rule is recorded in `Analysis.errors` while the other rules run.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi_status.core.diagnostics import Diagnostic, Edit, Position, Range, Severity
from fastapi_status.core.failures import failure_report
from fastapi_status.core.settings import Settings, StatusStyle  # noqa: F401 (the engine's API)
from fastapi_status.core.text import (  # noqa: F401 (collector_paused: the engine's API)
    TooDeeplyNested,
    collector_paused,
    deep_enough,
    parse_quietly,
    split_lines,
)
from fastapi_status.rules import SYNTAX_ERROR_CODE, all_rules

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


@dataclass
class Analysis:
    diagnostics: list[Diagnostic]
    # (rule code, failure_report) for each rule that raised; that rule's results are dropped.
    errors: list[tuple[str, str]] = field(default_factory=list)
    parsed: bool = True
    # The analysed state (tree, model, flows) for features that read it: hover, inlay hints.
    context: "Context | None" = None
    # Facts an incremental re-analysis carries over (see core/incremental.py), filled lazily.
    facts: dict = field(default_factory=dict)


_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def noqa_codes(line: str) -> set[str] | None:
    """None: no noqa comment; empty set: a bare `# noqa` (silences everything on the line)."""
    if "#" not in line:
        return None
    m = _NOQA.search(line)
    if not m:
        return None
    codes = m.group("codes")
    if not codes:
        return set()
    return {c.upper() for c in re.split(r"[\s,]+", codes) if c}


def noqa_edit(line: str, row: int, code: str) -> Edit:
    """The edit that silences `code` on line `row` (text `line`, without its newline): extends
    an existing `# noqa: A, B` comment, or appends `  # noqa: CODE`."""
    m = _NOQA.search(line) if "#" in line else None
    if m is None:
        end = Position(row, len(line.rstrip("\r\n")))
        return Edit(Range(end, end), f"  # noqa: {code}")
    codes = noqa_codes(line) or set()
    start, end = Position(row, m.start()), Position(row, m.end())
    return Edit(Range(start, end), "# noqa: " + ", ".join(sorted(codes | {code})))


# Syntax of later Pythons that the running one refuses: (version, what, the failing line's pattern).
_NEWER_SYNTAX = (
    ((3, 12), "type parameters (PEP 695)", re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\[")),
    ((3, 12), "a `type` alias (PEP 695)", re.compile(r"^\s*type\s+\w+\s*(?:\[[^\]]*\])?\s*=")),
    ((3, 12), "quotes reused inside an f-string (PEP 701)", re.compile(r"""(?i)\b(?:rb|br|fr|rf|f)(["']).*\{[^}]*\1""")),
    ((3, 14), "`except` without parentheses (PEP 758)", re.compile(r"^\s*except\*?\s+[^(:][^:]*,[^:]*:")),
    ((3, 14), "a template string (PEP 750)", re.compile(r"""(?i)(?<![\w"'])(?:t|tr|rt)["']""")),
)


def newer_syntax(exc: SyntaxError) -> tuple[tuple[int, int], str] | None:
    """The Python version and feature a syntax error points at, when the running Python is
    older than that version (a module written for 3.12 checked on 3.11)."""
    text = exc.text or ""
    for version, what, pattern in _NEWER_SYNTAX:
        if sys.version_info < version and pattern.search(text):
            return version, what
    return None


def syntax_error_diagnostic(exc: SyntaxError | ValueError, source: str) -> Diagnostic:
    severity = Severity.ERROR
    if isinstance(exc, SyntaxError):
        line = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        msg = f"SyntaxError: {exc.msg}; the file was not checked"
        if isinstance(exc, TooDeeplyNested):
            msg = f"Cannot parse: {exc.msg} (a generated expression?); the file was not checked"
        newer = newer_syntax(exc)
        if newer is not None:
            (major, minor), what = newer
            running = f"{sys.version_info.major}.{sys.version_info.minor}"
            msg = (
                f"this file uses Python {major}.{minor} syntax, {what}, but this check runs on Python {running}: "
                f"run it with Python {major}.{minor} or newer to check this file"
            )
            severity = Severity.WARNING
    else:  # ast.parse raises ValueError for NUL bytes
        line, col = 1, 0
        msg = f"Cannot parse: {exc}; the file was not checked"
    lines = split_lines(source)
    if lines and line > len(lines):
        line, col = len(lines), len(lines[-1].rstrip("\r\n"))
    pos = Position(line, col)
    return Diagnostic(SYNTAX_ERROR_CODE, msg, Range(pos, pos), severity)


def analyze(source: str, settings: Settings | None = None, tree: ast.Module | None = None) -> Analysis:
    from fastapi_status.core.context import Context

    settings = settings or Settings()
    deep_enough()
    with collector_paused():
        if tree is None:
            try:
                tree = parse_quietly(source)  # type: ignore[assignment]
            except (SyntaxError, ValueError) as exc:
                return Analysis([syntax_error_diagnostic(exc, source)], parsed=False)
        ctx = Context(source, tree, settings)
        diagnostics, errors = run_rules(ctx)
    return Analysis(diagnostics, errors, context=ctx)


def run_rules(ctx: "Context") -> tuple[list[Diagnostic], list[tuple[str, str]]]:
    """Every selected rule on the context (a rule that raises is skipped and reported), less
    what `# noqa` silences, sorted."""
    diagnostics: list[Diagnostic] = []
    errors: list[tuple[str, str]] = []
    if ctx.model.mentions_framework:
        for rule_cls in all_rules():
            if rule_cls.code not in ctx.settings.select:
                continue
            try:
                diagnostics.extend(rule_cls().check(ctx))
            except Exception as exc:  # one broken rule must not take the others down
                errors.append((rule_cls.code, failure_report(exc)))
    lines = ctx.lines
    kept = []
    for d in diagnostics:
        idx = d.range.start.line - 1
        codes = noqa_codes(lines[idx]) if 0 <= idx < len(lines) else None
        if codes is not None and (not codes or d.code in codes):
            continue
        kept.append(d)
    kept.sort(key=Diagnostic.sort_key)
    return kept, errors
