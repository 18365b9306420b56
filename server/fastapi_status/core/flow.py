"""What a route handler does on each path: its returns, raises and `response.status_code` writes.

A small forward walk over the handler's statements (if/else, loops, try/except/finally, with,
match, break/continue), never into nested functions or classes. For each return it records which
`response.status_code = …` assignments may have run before it on some path, the innermost
`except` clause around it, and the `if` tests that lead to it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fastapi_status.core.model import FunctionNode, ModuleModel

State = frozenset[int] | None  # ids of assignments that may have run; None: unreachable


def _union(*states: State) -> State:
    live = [s for s in states if s is not None]
    if not live:
        return None
    out: frozenset[int] = frozenset()
    for s in live:
        out |= s
    return out


@dataclass
class StatusAssignment:
    node: ast.stmt
    target: ast.Attribute  # `response.status_code`
    value: ast.expr


@dataclass
class ReturnSite:
    node: ast.Return | None  # None: the handler runs off its end
    value: ast.expr | None
    assignments: frozenset[int]
    handler: ast.ExceptHandler | None
    conditions: tuple[tuple[ast.expr, bool], ...]
    previous: ast.stmt | None  # the statement before it in the same block


@dataclass
class RaiseSite:
    node: ast.Raise
    handler: ast.ExceptHandler | None


@dataclass
class HandlerFlow:
    returns: list[ReturnSite] = field(default_factory=list)
    raises: list[RaiseSite] = field(default_factory=list)
    assignments: list[StatusAssignment] = field(default_factory=list)
    # Every value assigned to a plain local name, in source order (flow-insensitive).
    locals: dict[str, list[ast.expr]] = field(default_factory=dict)
    # `name.status_code = …` on any local name (response objects built in the handler).
    attribute_status_writes: dict[str, list[ast.stmt]] = field(default_factory=dict)
    response_param: str | None = None


def response_parameter(handler: FunctionNode, model: ModuleModel) -> str | None:
    """The parameter FastAPI injects as the outgoing `Response` (annotated `Response`)."""
    args = handler.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.annotation is not None and model.qualname(arg.annotation) == "fastapi.responses.Response":
            return arg.arg
    return None


class _Walker:
    def __init__(self, flow: HandlerFlow) -> None:
        self.flow = flow
        self.handler: ast.ExceptHandler | None = None
        self.conditions: tuple[tuple[ast.expr, bool], ...] = ()
        self.loops: list[tuple[list[State], list[State]]] = []  # (breaks, continues)
        self.try_frames: list[list[State]] = []
        # Loop bodies are walked more than once: record each node once, merging the states.
        self._returns: dict[int, ReturnSite] = {}
        self._raises: set[int] = set()
        self._assign_ids: dict[int, int] = {}
        self._seen_values: set[int] = set()

    def _record_return(self, site: ReturnSite) -> None:
        key = id(site.node)
        known = self._returns.get(key)
        if known is None:
            self._returns[key] = site
            self.flow.returns.append(site)
        else:
            known.assignments = known.assignments | site.assignments

    def block(self, stmts: list[ast.stmt], state: State) -> State:
        previous = None
        for stmt in stmts:
            if state is None:
                break
            state = self.stmt(stmt, state, previous)
            previous = stmt
        return state

    def _note(self, state: State) -> None:
        for frame in self.try_frames:
            frame.append(state)

    def stmt(self, s: ast.stmt, state: frozenset[int], previous: ast.stmt | None) -> State:
        flow = self.flow
        if isinstance(s, ast.Return):
            self._record_return(ReturnSite(s, s.value, state, self.handler, self.conditions, previous))
            return None
        if isinstance(s, ast.Raise):
            if id(s) not in self._raises:
                self._raises.add(id(s))
                flow.raises.append(RaiseSite(s, self.handler))
            return None
        if isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            return self._assign(s, state)
        if isinstance(s, ast.If):
            saved = self.conditions
            self.conditions = saved + ((s.test, True),)
            a = self.block(s.body, state)
            self.conditions = saved + ((s.test, False),)
            b = self.block(s.orelse, state)
            self.conditions = saved
            return _union(a, b)
        if isinstance(s, (ast.For, ast.AsyncFor, ast.While)):
            return self._loop(s, state)
        if isinstance(s, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return self._try(s, state)
        if isinstance(s, (ast.With, ast.AsyncWith)):
            return self.block(s.body, state)
        if isinstance(s, ast.Match):
            outs = [self.block(case.body, state) for case in s.cases]
            irrefutable = any(
                isinstance(c.pattern, ast.MatchAs) and c.pattern.pattern is None and c.guard is None for c in s.cases
            )
            return _union(*outs, None if irrefutable else state)
        if isinstance(s, ast.Break):
            if self.loops:
                self.loops[-1][0].append(state)
            return None
        if isinstance(s, ast.Continue):
            if self.loops:
                self.loops[-1][1].append(state)
            return None
        return state  # expressions, nested defs (not entered), pass, …

    def _assign(self, s: ast.stmt, state: frozenset[int]) -> State:
        flow = self.flow
        targets = s.targets if isinstance(s, ast.Assign) else [s.target]
        value = s.value
        first_visit = id(s) not in self._seen_values
        self._seen_values.add(id(s))
        for t in targets:
            if not first_visit and not (isinstance(t, ast.Attribute) and t.attr == "status_code"):
                continue
            if isinstance(t, ast.Name) and value is not None and not isinstance(s, ast.AugAssign):
                flow.locals.setdefault(t.id, []).append(value)
            elif isinstance(t, (ast.Tuple, ast.List)):
                for elt in t.elts:  # unpacked: the value is unknown
                    if isinstance(elt, ast.Name):
                        flow.locals.setdefault(elt.id, []).append(elt)
            elif isinstance(t, ast.Attribute) and t.attr == "status_code" and isinstance(t.value, ast.Name):
                if first_visit:
                    flow.attribute_status_writes.setdefault(t.value.id, []).append(s)
                if t.value.id == flow.response_param and value is not None:
                    if id(s) not in self._assign_ids:
                        self._assign_ids[id(s)] = len(flow.assignments)
                        flow.assignments.append(StatusAssignment(s, t, value))
                    state = state | {self._assign_ids[id(s)]}
                    self._note(state)
        return state

    def _loop(self, s: ast.For | ast.AsyncFor | ast.While, state: frozenset[int]) -> State:
        infinite = isinstance(s, ast.While) and isinstance(s.test, ast.Constant) and bool(s.test.value)
        entry: State = state
        breaks: list[State] = []
        for _ in range(3):  # the state only grows; three rounds reach the fixpoint for our facts
            self.loops.append((breaks, continues := []))
            end = self.block(s.body, entry)
            self.loops.pop()
            new_entry = _union(entry, end, *continues)
            if new_entry == entry:
                break
            entry = new_entry
        exit_state = None if infinite else entry
        after_else = self.block(s.orelse, exit_state) if exit_state is not None else None
        return _union(after_else, *breaks)

    def _try(self, s: ast.Try, state: frozenset[int]) -> State:
        frame: list[State] = [state]
        self.try_frames.append(frame)
        body_end = self.block(s.body, state)
        self.try_frames.pop()
        handler_entry = _union(*frame)
        outs = [self.block(s.orelse, body_end) if body_end is not None else None]
        saved = self.handler
        for h in s.handlers:
            self.handler = h
            outs.append(self.block(h.body, handler_entry))
        self.handler = saved
        out = _union(*outs)
        if s.finalbody:
            final = self.block(s.finalbody, out if out is not None else handler_entry)
            return final if out is not None else None
        return out


def analyze_handler(handler: FunctionNode, model: ModuleModel) -> HandlerFlow:
    flow = HandlerFlow(response_param=response_parameter(handler, model))
    walker = _Walker(flow)
    end = walker.block(handler.body, frozenset())
    if end is not None:
        flow.returns.append(ReturnSite(None, None, end, None, (), handler.body[-1] if handler.body else None))
    flow.returns.sort(key=lambda r: (r.node.lineno, r.node.col_offset) if r.node else (10**9, 0))
    return flow


def conditions_at(function: FunctionNode, node: ast.AST) -> list[tuple[ast.expr, bool]]:
    """The `if` tests on the way from the function's start to `node`, outermost first, each
    with whether it held there (`True` in the `if` body, `False` in its `else`)."""
    line = node.lineno  # type: ignore[attr-defined]
    found: list[tuple[ast.expr, bool]] = []
    body: list[ast.stmt] = function.body
    while body:
        stmt = next((s for s in body if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
        if stmt is None or stmt is node or isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            break
        if isinstance(stmt, ast.If):
            in_body = bool(stmt.body) and stmt.body[0].lineno <= line <= (stmt.body[-1].end_lineno or 0)
            if stmt.test.lineno <= line <= (stmt.test.end_lineno or stmt.test.lineno):
                break  # (in the test itself)
            found.append((stmt.test, in_body))
            body = stmt.body if in_body else stmt.orelse
            continue
        blocks = [getattr(stmt, f, None) or [] for f in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(stmt, "handlers", ())] + [c.body for c in getattr(stmt, "cases", ())]
        body = next(
            (b for b in blocks if b and b[0].lineno <= line <= (b[-1].end_lineno or b[-1].lineno)), []
        )
    return found
