"""ruff's fix loop, shared by `check --fix` and the server's fix-all: apply every allowed fix that
does not overlap another, re-check, repeat."""

from __future__ import annotations

from fastapi_status.core.analyze import Analysis, Settings, analyze
from fastapi_status.core.diagnostics import Diagnostic, Edit, Fix, apply_edits
from fastapi_status.core.text import parse_quietly

MAX_ROUNDS = 20


def allowed_fix(d: Diagnostic, unsafe: bool) -> Fix | None:
    fix = d.preferred_fix
    if fix is None or (not fix.is_safe and not unsafe):
        return None
    return fix


def fix_failure(d: Diagnostic, fix: Fix) -> str:
    """The internal error for a fix whose edits could not be built (`Fix.error`)."""
    start = d.range.start
    return f"line {start.line}, column {start.col + 1}: the fix for {d.code} failed and was skipped: {fix.error}"


def fix_source(source: str, settings: Settings, unsafe: bool) -> tuple[str, int, Analysis, list[str]]:
    """The fixed text, how many problems were fixed, the analysis of the result, and errors."""
    fixed = 0
    errors: list[str] = []
    reported: set[str] = set()
    result = analyze(source, settings)
    for _ in range(MAX_ROUNDS):
        if not result.parsed:
            break
        taken: list[Edit] = []
        count = 0
        for d in result.diagnostics:
            fix = allowed_fix(d, unsafe)
            if fix is None:
                continue
            edits = fix.edits()
            if fix.error is not None and fix.error not in reported:
                reported.add(fix.error)
                errors.append(fix_failure(d, fix))
            if not edits or any(e.range.overlaps(t.range) for e in edits for t in taken):
                continue
            taken.extend(edits)
            count += 1
        if not taken:
            break
        candidate = apply_edits(source, taken)
        try:
            parse_quietly(candidate)
        except (SyntaxError, ValueError) as exc:
            codes = sorted({d.code for d in result.diagnostics})
            errors.append(f"a fix for {', '.join(codes)} produced code that does not parse ({exc}); the file was left as it was")
            break
        source = candidate
        fixed += count
        result = analyze(source, settings)
    return source, fixed, result, errors
