"""Re-analysing an edit at the cost of the function it touched, not of the whole module.

The edited lines are found by comparing the new text with the one analysed before. When they
lie inside one top-level function (or `if`/`try`/`with`/loop block), only that statement is
parsed again (its lines, as a module of their own), its part of the node index is replaced,
the module model is rebuilt from the index (no walk), and the rules run on that statement
alone; the previous diagnostics of every other statement are kept. When the edit added or removed lines, the statements after it are
moved by as many lines, in place: the previous analysis is used up (its nodes now belong to the
new one), and the kept diagnostics' fixes are built again, when asked for, from the new state.
An edit of blank and comment lines between statements analyses nothing again at all.
A statement is analysed alone only when the rest of the module provably cannot see the change:

- the edited statement is the same kind of statement before and after (a function under the
  same name, or a block: `if`, `try`, `with`, a loop), not a class or a plain assignment;
- it binds the same names as before (other statements' fixes depend on the module's bound
  names);
- if a function it defines is named anywhere else (a helper other routes follow into, a
  dependency), what those rules read of it is unchanged: its raises, calls, `try`/`except`
  blocks, parameters and returns;
- its imports, classes and `global` declarations are the same as before (a function's own
  imports resolve names for the whole module), and it registers no route with `add_api_route`;
- the apps and routers it assigns (`app = FastAPI()`, at any depth) are the same, it uses
  `status.…` as before, and its routes have the same paths (each counts for the whole module:
  routes elsewhere, fix texts, a `POST /items` next to `/items/{id}`);
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
from fastapi_status.core.diagnostics import Diagnostic, Fix, Position, Range, Related
from fastapi_status.core.index import ATTRIBUTE_BASES, NodeIndex
from fastapi_status.core.model import (
    HTTP_STATUS,
    STATUS_MODULE,
    ModuleModel,
    app_assignments,
    last_name,
    literal_str,
    statement_first_line,
)
from fastapi_status.core.status_sites import ANSWERS_422, answers_422, status_sites
from fastapi_status.core.statuses import DEPRECATED_CONSTANTS
from fastapi_status.core.text import common_prefix, line_starts, parse_quietly, split_lines

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# The top-level statements re-analysed alone: functions, and the blocks that hold code (a route
# defined under `if settings.debug:`, a `try:` around an optional import). Not classes (the
# module reads every class), nor a plain `name = …` (other statements read module-level values).
_ALONE = (*_FUNCTIONS, ast.If, ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()), ast.With,
          ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
_VISIBLE = (ast.Import, ast.ImportFrom, ast.ClassDef, ast.Global, ast.Nonlocal)


def analyze_edit(previous: Analysis, source: str, settings: Settings) -> Analysis:
    """The analysis of `source`, an edited version of the text `previous` analysed.

    `previous` must not be used afterwards (nor given to another call): when the edit moved
    lines, the nodes it shares with the result have been moved."""
    with collector_paused():
        quick = _try_statement(previous, source, settings)
    return quick if quick is not None else analyze(source, settings)


def _try_statement(previous: Analysis, source: str, settings: Settings) -> Analysis | None:
    old = previous.context
    if old is None or not previous.parsed or old.settings != settings or previous.errors:
        return None  # (a rule that failed had all its results dropped: run it on everything)
    edit = _edited_lines(previous, source)
    if edit is None:
        return None
    first, last, lines = edit
    delta = len(lines) - len(old.lines)
    tree, model = old.tree, old.model
    if all(model.top_level_statement(line) is None for line in range(first, last + 1)):
        return _between_statements(previous, source, first, last, lines, settings)
    position = _statement_position(model, first)
    if position is None:
        return None
    old_stmt = tree.body[position]
    start, end = statement_first_line(old_stmt), old_stmt.end_lineno or old_stmt.lineno
    if not (start <= first and last <= end) or not isinstance(old_stmt, _ALONE):
        return None
    try:
        parsed = parse_quietly("".join(lines[start - 1 : end + delta]))
    except (SyntaxError, ValueError):
        return None  # the full analysis reports it
    if len(parsed.body) != 1 or type(parsed.body[0]) is not type(old_stmt):
        return None
    if getattr(parsed.body[0], "name", None) != getattr(old_stmt, "name", None):
        return None
    new_stmt = parsed.body[0]
    ast.increment_lineno(new_stmt, start - 1)
    if statement_first_line(new_stmt) != start:
        return None

    index = model.index.with_statement(position, new_stmt)
    old_part, new_part = model.index.parts[position], index.parts[position]
    if not _same_footprint(old_part, new_part) or _module_facts(old_part, model) != _module_facts(new_part, model):
        return None
    names = _name_counts(previous)
    if _named_elsewhere(names, old_part) and _seen_by_callers(old_part) != _seen_by_callers(new_part):
        return None

    answering_422 = set(_statements_answering_422(previous))  # (read before anything moves)
    if delta:
        _move(model.index.parts[position + 1 :], delta)  # (from here on, `previous` is used up)
    body = list(tree.body)
    body[position] = new_stmt
    new_tree = ast.Module(body=body, type_ignores=tree.type_ignores)
    new_model = ModuleModel(new_tree, index=index)
    ctx = _scoped_context(source, lines, new_tree, settings, new_model, position, answering_422)
    if _answers_422(ctx):
        answering_422.add(position)
    else:
        answering_422.discard(position)
    own, errors = run_rules(ctx)

    kept = _kept(previous, start, end, delta, source, lines, new_tree, settings, new_model, answering_422)
    result = Analysis(sorted(kept + own, key=Diagnostic.sort_key), errors, context=ctx)
    result.facts["answering_422"] = answering_422
    result.facts["name_counts"] = names - _names(old_part) + _names(new_part)
    result.facts["line_starts"] = _moved_starts(previous.facts["line_starts"], lines, start, end, delta, len(source) - len(old.source))
    result.facts["incremental"] = True
    return result


def _between_statements(previous: Analysis, source: str, first: int, last: int, lines: list[str], settings: Settings):
    """An edit of blank and comment lines between top-level statements: nothing to analyse
    again; the statements after it move when it added or removed lines."""
    old = previous.context
    assert old is not None
    delta = len(lines) - len(old.lines)
    if not all(_blank_or_comment(text) for text in [*old.lines[first - 1 : last], *lines[first - 1 : last + delta]]):
        return None
    model = old.model
    index = NodeIndex(None, list(model.index.parts))  # type: ignore[arg-type]
    answering_422 = set(_statements_answering_422(previous)) if delta else previous.facts.get("answering_422")
    if delta:
        later = bisect.bisect_right(model._top_starts, last)  # the first statement after the edit
        _move(index.parts[later:], delta)  # (from here on, `previous` is used up)
    tree = ast.Module(body=list(old.tree.body), type_ignores=old.tree.type_ignores)
    new_model = ModuleModel(tree, index=index)
    kept = _kept(previous, first, last, delta, source, lines, tree, settings, new_model, answering_422)
    ctx = Context(source, tree, settings, model=new_model)
    ctx.__dict__["lines"] = lines
    result = Analysis(kept, [], context=ctx)
    result.facts.update(previous.facts)
    result.facts["line_starts"] = _moved_starts(previous.facts["line_starts"], lines, first, last, delta, len(source) - len(old.source))
    if answering_422 is not None:
        result.facts["answering_422"] = answering_422
    result.facts["incremental"] = True
    return result


def _blank_or_comment(line: str) -> bool:
    text = line.strip()
    return not text or text.startswith("#")


def _moved_starts(starts: list[int], lines: list[str], first: int, last: int, delta: int, shift: int) -> list[int]:
    """The line start offsets of the new text: lines `first`..`last` of the old one became
    `first`..`last + delta` (`lines` is the new text's), `shift` characters more."""
    inner, offset = [], starts[first - 1]
    for text in lines[first - 1 : last + delta]:
        inner.append(offset)
        offset += len(text)
    return starts[: first - 1] + inner + [s + shift for s in starts[last:]]


def _scoped_context(source, lines, tree, settings, model, position, answering_422) -> Context:
    """The analysis state of the new text, with the rules limited to statement `position`; the
    one module-wide fact a rule reads (does the module answer 422 anywhere?) is taken from
    `answering_422` (statements that do), the scoped statement's own answer included."""
    ctx = Context(source, tree, settings, model=model, scope=position)
    ctx.__dict__["lines"] = lines  # the cached property, already computed
    ctx.memo(ANSWERS_422, lambda: bool(answering_422 - {position}) or _answers_422(ctx))
    return ctx


def _move(parts: list[dict], delta: int) -> None:
    """Move every node of these statements' index parts `delta` lines (each node of a statement
    is in its part exactly once). The nodes of one line share one new line number (one object
    allocated per line, not one per node)."""
    moved: dict[int, int] = {}
    for part in parts:
        for kind, nodes in part.items():
            if kind.__class__ is str or not _positioned(kind):
                continue  # (the named tables hold the same nodes again)
            for node in nodes:
                line = node.lineno
                new = moved.get(line)
                if new is None:
                    new = moved[line] = line + delta
                node.lineno = new
                line = node.end_lineno
                new = moved.get(line)
                if new is None:
                    new = moved[line] = line + delta
                node.end_lineno = new


_POSITIONED: dict[type, bool] = {}


def _positioned(kind: type) -> bool:
    known = _POSITIONED.get(kind)
    if known is None:
        known = _POSITIONED[kind] = "lineno" in getattr(kind, "_attributes", ())
    return known


def _kept(previous: Analysis, start: int, end: int, delta: int, *state) -> list[Diagnostic]:
    """The previous diagnostics outside lines `start`..`end` (the old lines edited), moved by
    `delta` lines when they lie after them (see `_moved`)."""
    kept = [d for d in previous.diagnostics if not start <= d.range.start.line <= end]
    return [_moved(d, end, delta, *state) for d in kept] if delta else kept


def _moved(d: Diagnostic, end: int, delta: int, *state) -> Diagnostic:
    """A kept diagnostic in the moved text: its lines moved when it lies after line `end`, and
    its fixes built again from the new state (the old ones read nodes that have moved)."""

    def at(r: Range) -> Range:
        if r.start.line <= end:
            return r
        return Range(Position(r.start.line + delta, r.start.col), Position(r.end.line + delta, r.end.col))

    rng = at(d.range)
    key = (d.code, rng, d.message)
    fixes = [Fix(f.title, f.applicability, _rebuild(key, i, *state)) for i, f in enumerate(d.fixes)]
    return Diagnostic(
        d.code, d.message, rng, d.severity, fixes, [Related(at(r.range), r.message) for r in d.related], d.deprecated
    )


def _rebuild(key: tuple, index: int, source, lines, tree, settings, model, answering_422):
    """The edits of fix `index` of the diagnostic `key` (code, range, message): the rules run
    again on its statement, in the new state. (The key, not the diagnostic: a diagnostic that
    held the function holding it would be freed only by the cycle collector.)"""

    def build():
        position = _statement_position(model, key[1].start.line)
        if position is None:
            return ()
        ctx = _scoped_context(source, lines, tree, settings, model, position, answering_422)
        for again in run_rules(ctx)[0]:
            if (again.code, again.range, again.message) == key and index < len(again.fixes):
                return again.fixes[index].edits()
        return ()

    return build


def _edited_lines(previous: Analysis, source: str) -> tuple[int, int, list[str]] | None:
    """The first and last line of the analysed text that the edit changed (1-based), and the
    new text's lines, built from the analysed lines and the new text of those (no split of
    the whole text). None when nothing changed or the edit cannot be located by lines."""
    old = previous.context
    assert old is not None
    old_lines, old_source = old.lines, old.source
    starts = previous.facts.get("line_starts")
    if starts is None:
        starts = previous.facts["line_starts"] = line_starts(old_source)
    same_start = common_prefix(old_source, source)
    if same_start == len(old_source) == len(source) or not old_lines:
        return None
    same_end = _common_suffix(old_source, source, min(len(old_source), len(source)) - same_start)
    first = min(bisect.bisect_right(starts, same_start), len(old_lines))
    changed_end = max(len(old_source) - same_end - 1, same_start)
    last = max(first, min(bisect.bisect_right(starts, changed_end), len(old_lines)))
    inserted = source[same_start : len(source) - same_end]
    if (
        first > 1
        and same_start == starts[first - 1]
        and len(old_source) - same_end == same_start
        and inserted.endswith(("\n", "\r"))
    ):
        first = last = first - 1  # whole lines put in at a line start: Enter at the end of the line before
    head = starts[first - 1]
    tail = len(old_source) - (starts[last] if last < len(starts) else len(old_source))
    if len(source) - tail < head:
        return None
    middle = split_lines(source[head : len(source) - tail])
    if tail and middle and not middle[-1].endswith(("\n", "\r")):
        return None
    if (head and source[head - 1] == "\r" and source.startswith("\n", head)) or (
        tail and middle and middle[-1].endswith("\r") and source.startswith("\n", len(source) - tail)
    ):
        return None  # a `\r` and a `\n` the edit joined into one line break
    return first, last, old_lines[: first - 1] + middle + old_lines[last:]


def _common_suffix(a: str, b: str, limit: int) -> int:
    """The length of the longest common suffix, at most `limit`."""
    low, high = 0, limit
    la, lb = len(a), len(b)
    while low < high:
        mid = (low + high + 1) // 2
        if a[la - mid : la - low] == b[lb - mid : lb - low]:
            low = mid
        else:
            high = mid - 1
    return low


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


def _module_facts(part: dict, model: ModuleModel) -> tuple:
    """What the module model takes from a statement for the whole module, besides names: the
    apps and routers it assigns (at any depth), whether it writes `status.…` or `HTTPStatus.…`
    (the fixes of every statement then write `status.HTTP_201_CREATED` or `HTTPStatus.CREATED`
    rather than `201`), the paths of
    the routes it registers (FST101 reads the module's other routes: `/items/{id}` next to a
    `POST /items`), the exceptions it registers handlers for, and the dependencies it names."""
    apps = [ast.dump(n) for n in app_assignments(part, model.app_class_names)]
    statuses = [
        alias in part[ATTRIBUTE_BASES]
        for module in (STATUS_MODULE, HTTP_STATUS)
        for alias in model.imports.local_names_for(module)
    ]
    paths = [  # (literal paths only: the model knows no other; and no ast.dump, which makes cycles)
        [literal_str(a) for a in (*d.args[:1], *(k.value for k in d.keywords if k.arg == "path"))]
        for kind in _FUNCTIONS
        for f in part.get(kind, ())
        for d in f.decorator_list
        if isinstance(d, ast.Call)
    ]
    # The exceptions it maps to answers (`@app.exception_handler(ValueError)`): FST207 is silent
    # for them everywhere in the module.
    handlers = [
        last_name(c.args[0]) if c.args else None
        for c in part.get(ast.Call, ())
        if last_name(c.func) in ("exception_handler", "add_exception_handler")
    ]
    # The functions it names as dependencies (`Depends(current_user)`): FST209 reads what a
    # dependency raises wherever it is defined in the module.
    depended = [
        last_name(c.args[0]) if c.args else None
        for c in part.get(ast.Call, ())
        if last_name(c.func) in ("Depends", "Security")
    ]
    # Whether it writes a 404 (FST202 reads whether the module answers 404 anywhere).
    answers_404 = any(isinstance(n.value, int) and n.value == 404 for n in part.get(ast.Constant, ())) or any(
        "404" in a.attr or a.attr == "NOT_FOUND" for a in part.get(ast.Attribute, ())
    )
    return apps, statuses, paths, handlers, depended, answers_404


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
    """What rules that follow a function from its callers read of it (FST204, FST401, FST101):
    the HTTPExceptions it raises and where, the module functions it calls, the `except` clauses
    and `try` blocks around them, its parameters (`Depends(...)`), and what it returns (a
    helper that builds the handler's Response) and is annotated to return."""
    raises = [ast.dump(n, include_attributes=True) for n in part.get(ast.Raise, ())]
    calls = [ast.dump(n.func) for n in part.get(ast.Call, ()) if isinstance(n.func, ast.Name)]
    handlers = [
        (h.lineno, h.end_lineno, h.name, ast.dump(h.type) if h.type else None) for h in part.get(ast.ExceptHandler, ())
    ]
    tries = [(t.lineno, t.end_lineno) for kind in _TRIES for t in part.get(kind, ())]
    params = [ast.dump(f.args) for kind in _FUNCTIONS for f in part.get(kind, ())]
    returns = [ast.dump(n) for n in part.get(ast.Return, ())]
    returns += [ast.dump(f.returns) for kind in _FUNCTIONS for f in part.get(kind, ()) if f.returns]
    return raises, calls, handlers, tries, params, returns


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
