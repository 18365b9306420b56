"""Re-analysing an edit at the cost of the function it touched, not of the whole module.

When an edit stays inside one top-level function and keeps the line count, only that statement
is parsed again (its lines, as a module of their own), its part of the node index is replaced,
the module model is rebuilt from the index (no walk), and the rules run on that statement
alone; the previous diagnostics of every other statement are kept. This is only done when the
rest of the module provably cannot see the change:

- the edited statement is a function definition before and after, under the same name;
- it binds the same names as before (other statements' fixes depend on the module's bound
  names);
- if a function it defines is named anywhere else (a helper other routes follow into, a
  dependency), what those rules read of it is unchanged: its raises, calls, `try`/`except`
  blocks and parameters;
- its imports, classes and `global` declarations are the same as before (a function's own
  imports resolve names for the whole module), and it registers no route with `add_api_route`;
- it names no deprecated status constant (FST303 renames their uses across the module).

Module-wide facts a rule reads (does the module answer 422 anywhere?) are kept per statement
and updated. Anything else falls back to `analyze()`: the result is always identical to a full
analysis (tests/core/test_incremental.py checks it on random edits).
"""

from __future__ import annotations

import ast
import bisect
from collections import Counter

from fastapi_status.core.analyze import Analysis, Settings, analyze, collector_paused, run_rules
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.model import ModuleModel, statement_first_line
from fastapi_status.core.status_sites import ANSWERS_422, answers_422, status_sites
from fastapi_status.core.statuses import DEPRECATED_CONSTANTS
from fastapi_status.core.text import line_starts, parse_quietly, split_lines

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
_VISIBLE = (ast.Import, ast.ImportFrom, ast.ClassDef, ast.Global, ast.Nonlocal)


def analyze_edit(previous: Analysis, source: str, first_line: int, last_line: int, settings: Settings) -> Analysis:
    """The analysis of `source`: the text `previous` analysed, edited only within lines
    `first_line`..`last_line` (1-based, inclusive), with the same number of lines."""
    with collector_paused():
        quick = _try_statement(previous, source, first_line, last_line, settings)
    return quick if quick is not None else analyze(source, settings)


def _try_statement(previous: Analysis, source: str, first: int, last: int, settings: Settings) -> Analysis | None:
    old = previous.context
    if old is None or not previous.parsed or old.settings != settings or previous.errors:
        return None  # (a rule that failed had all its results dropped: run it on everything)
    lines = _edited_lines(previous, source, first, last)
    if lines is None:
        return None
    tree, model = old.tree, old.model
    position = _statement_position(model, first)
    if position is None:
        return None
    old_stmt = tree.body[position]
    start, end = statement_first_line(old_stmt), old_stmt.end_lineno or old_stmt.lineno
    if not (start <= first and last <= end) or not isinstance(old_stmt, _FUNCTIONS):
        return None
    try:
        parsed = parse_quietly("".join(lines[start - 1 : end]))
    except (SyntaxError, ValueError):
        return None  # the full analysis reports it
    if len(parsed.body) != 1 or not isinstance(parsed.body[0], _FUNCTIONS) or parsed.body[0].name != old_stmt.name:
        return None
    new_stmt = parsed.body[0]
    ast.increment_lineno(new_stmt, start - 1)
    if statement_first_line(new_stmt) != start:
        return None

    index = model.index.with_statement(position, new_stmt)
    old_part, new_part = model.index.parts[position], index.parts[position]
    if not _same_footprint(old_part, new_part):
        return None
    names = _name_counts(previous)
    if _named_elsewhere(names, old_part) and _seen_by_callers(old_part) != _seen_by_callers(new_part):
        return None

    body = list(tree.body)
    body[position] = new_stmt
    new_tree = ast.Module(body=body, type_ignores=tree.type_ignores)
    ctx = Context(source, new_tree, settings, model=ModuleModel(new_tree, index=index), scope=position)
    ctx.__dict__["lines"] = lines  # the cached property, already computed

    # The one module-wide fact a rule reads: does the module answer 422 anywhere?
    answering_422 = set(_statements_answering_422(previous))
    if _answers_422(ctx):
        answering_422.add(position)
    else:
        answering_422.discard(position)
    ctx.memo(ANSWERS_422, lambda: bool(answering_422))
    own, errors = run_rules(ctx)

    kept = [d for d in previous.diagnostics if not start <= d.range.start.line <= end]
    result = Analysis(sorted(kept + own, key=Diagnostic.sort_key), errors, context=ctx)
    result.facts["answering_422"] = answering_422
    result.facts["name_counts"] = names - _names(old_part) + _names(new_part)
    shift = len(source) - len(previous.context.source)  # type: ignore[union-attr]
    starts = previous.facts["line_starts"]
    inner, offset = [], starts[start - 1]
    for text in lines[start - 1 : end - 1]:
        offset += len(text)
        inner.append(offset)
    result.facts["line_starts"] = starts[:start] + inner + [s + shift for s in starts[end:]]
    return result


def _edited_lines(previous: Analysis, source: str, first: int, last: int) -> list[str] | None:
    """The new text's lines, from the previous lines and the text of the edited ones (no
    split of the whole text); None when the edit changed the number of lines or reached
    outside `first`..`last`."""
    old = previous.context
    assert old is not None
    old_lines, old_source = old.lines, old.source
    if not 1 <= first <= last <= len(old_lines):
        return None
    starts = previous.facts.get("line_starts")
    if starts is None:
        starts = previous.facts["line_starts"] = line_starts(old_source)
    head = starts[first - 1]
    tail = len(old_source) - (starts[last] if last < len(starts) else len(old_source))
    if len(source) - tail < head or source[:head] != old_source[:head]:
        return None
    if tail and source[-tail:] != old_source[-tail:]:
        return None
    middle = split_lines(source[head : len(source) - tail])
    if len(middle) != last - first + 1 or (tail and not middle[-1].endswith(("\n", "\r"))):
        return None
    return old_lines[:first - 1] + middle + old_lines[last:]


def _statement_position(model: ModuleModel, line: int) -> int | None:
    stmt = model.top_level_statement(line)
    if stmt is None:
        return None
    return bisect.bisect_right(model._top_starts, line) - 1


def _same_footprint(old: dict, new: dict) -> bool:
    """What the rest of the module can see of a statement is the same before and after."""
    for kind in _VISIBLE:  # imports (even local ones resolve names module-wide), classes, globals
        if [ast.dump(n) for n in old.get(kind, ())] != [ast.dump(n) for n in new.get(kind, ())]:
            return False
    for part in (old, new):
        for call in part.get(ast.Call, ()):
            if isinstance(call.func, ast.Attribute) and call.func.attr == "add_api_route":
                return False
        if any(n.id in DEPRECATED_CONSTANTS for n in part.get(ast.Name, ())):
            return False
    return _bound(old) == _bound(new)


def _bound(part: dict) -> tuple:
    names = Counter(n.id for n in part.get(ast.Name, ()) if isinstance(n.ctx, ast.Store))
    args = Counter(a.arg for a in part.get(ast.arg, ()))
    defs = Counter(f.name for kind in _FUNCTIONS for f in part.get(kind, ()))
    return names, args, defs


def _names(part: dict) -> Counter:
    return Counter(n.id for n in part.get(ast.Name, ()))


def _name_counts(analysis: Analysis) -> Counter:
    """How often each name appears in the module (kept up to date across edits)."""
    counts = analysis.facts.get("name_counts")
    if counts is None:
        assert analysis.context is not None
        counts = analysis.facts["name_counts"] = Counter(n.id for n in analysis.context.model.index.of(ast.Name))
    return counts


def _named_elsewhere(counts: Counter, part: dict) -> bool:
    """A function the statement defines is named in another statement (called, passed on)."""
    defined = {f.name for kind in _FUNCTIONS for f in part.get(kind, ())}
    own = Counter(n.id for n in part.get(ast.Name, ()) if n.id in defined)
    return any(counts[name] > own[name] for name in defined)


def _seen_by_callers(part: dict) -> tuple:
    """What rules that follow a function from its callers read of it (FST204, FST401): the
    HTTPExceptions it raises and where, the module functions it calls, the `except` clauses and
    `try` blocks around them, and its parameters (`Depends(...)`)."""
    raises = [ast.dump(n, include_attributes=True) for n in part.get(ast.Raise, ())]
    calls = [ast.dump(n.func) for n in part.get(ast.Call, ()) if isinstance(n.func, ast.Name)]
    handlers = [
        (h.lineno, h.end_lineno, h.name, ast.dump(h.type) if h.type else None) for h in part.get(ast.ExceptHandler, ())
    ]
    tries = [(t.lineno, t.end_lineno) for kind in _TRIES for t in part.get(kind, ())]
    params = [ast.dump(f.args) for kind in _FUNCTIONS for f in part.get(kind, ())]
    return raises, calls, handlers, tries, params


def _statements_answering_422(analysis: Analysis) -> set[int]:
    """The top-level statements with a status site that answers 422 (computed once)."""
    found = analysis.facts.get("answering_422")
    if found is None:
        ctx = analysis.context
        assert ctx is not None
        positions = {
            _statement_position(ctx.model, site.expr.lineno)
            for site in status_sites(ctx, whole_module=True)
            if answers_422(ctx.model, site)
        }
        found = analysis.facts["answering_422"] = {p for p in positions if p is not None}
    return found


def _answers_422(ctx: Context) -> bool:
    return any(answers_422(ctx.model, site) for site in status_sites(ctx))
