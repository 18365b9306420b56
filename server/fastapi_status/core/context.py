"""What a rule sees: the source, its tree, the module model, per-handler flows and settings,
with helpers to turn `ast` nodes into ranges and diagnostics."""

from __future__ import annotations

import ast
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Protocol, TypeVar

from fastapi_status.core.diagnostics import Diagnostic, Fix, Position, Range, Related, Severity
from fastapi_status.core.flow import HandlerFlow, analyze_handler
from fastapi_status.core.model import FunctionNode, ModuleModel, Route, statement_first_line
from fastapi_status.core.text import byte_col_to_char, split_lines
from fastapi_status.core.values import Kind, value_kind

N = TypeVar("N", bound=ast.AST)

if TYPE_CHECKING:
    from fastapi_status.core.settings import Settings


class Reporter(Protocol):
    """What a diagnostic needs of the rule that reports it (a rule class of rules/ is one; the
    core does not import them)."""

    code: str
    severity: Severity


class Context:
    """`scope`, when given, is the position of one top-level statement: the rules then report
    only on that statement (the model and the module-wide facts still cover the whole module).
    The incremental analysis of an edit uses it; everything else sees the whole module."""

    def __init__(
        self,
        source: str,
        tree: ast.Module,
        settings: "Settings",
        model: ModuleModel | None = None,
        scope: int | None = None,
    ) -> None:
        self.source = source
        self.tree = tree
        self.settings = settings
        self.model = model if model is not None else ModuleModel(tree)
        self.scope = scope
        self._flows: dict[int, HandlerFlow] = {}
        self._memo: dict[str, object] = {}

    def unscoped(self) -> "Context":
        """The same module seen whole (shares the model; flows are computed again)."""
        return Context(self.source, self.tree, self.settings, model=self.model)

    def nodes(self, kind: type[N]) -> list[N]:
        """The nodes of this type that the rules report on: the module's, or the scope's."""
        if self.scope is None:
            return self.model.index.of(kind)
        return self.model.index.of_statement(self.scope, kind)

    def calls_named(self, names) -> list[ast.Call]:
        """The calls the rules report on whose callee's last name is one of `names`."""
        return self.model.index.calls_named(names, self.scope)

    def attributes_named(self, names) -> list[ast.Attribute]:
        return self.model.index.attributes_named(names, self.scope)

    def call_names(self) -> set[str]:
        return self.model.index.call_names(self.scope)

    def nodes_of(self, *kinds: type) -> list[ast.AST]:
        return [node for kind in kinds for node in self.nodes(kind)]

    def memo(self, key: str, compute):
        """A per-analysis cache for facts several rules or fixes need (computed once)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def lines(self) -> list[str]:
        return split_lines(self.source)

    # -- per-handler facts -------------------------------------------------------------------

    def flow(self, handler: FunctionNode) -> HandlerFlow:
        key = id(handler)
        if key not in self._flows:
            self._flows[key] = analyze_handler(handler, self.model)
        return self._flows[key]

    def kind(self, expr: ast.expr | None, handler: FunctionNode | None = None) -> Kind:
        return value_kind(expr, self.model, self.flow(handler) if handler else None)

    @property
    def routes(self) -> list[Route]:
        """The routes the rules report on: all, or those registered inside the scope."""
        if self.scope is None:
            return self.model.routes
        routes = self._memo.get("scoped-routes")
        if routes is None:
            stmt = self.tree.body[self.scope]
            first, last = statement_first_line(stmt), stmt.end_lineno or stmt.lineno
            routes = [r for r in self.model.routes if first <= r.registration.lineno <= last]
            self._memo["scoped-routes"] = routes
        return routes  # type: ignore[return-value]

    # -- positions ---------------------------------------------------------------------------

    def position(self, line: int, byte_col: int) -> Position:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return Position(line, byte_col_to_char(text, byte_col))

    def range(self, node: ast.AST, end: ast.AST | None = None) -> Range:
        """The range of `node` (up to the end of `end` when given)."""
        last = end or node
        return Range(
            self.position(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.position(last.end_lineno, last.end_col_offset),  # type: ignore[attr-defined]
        )

    def except_header(self, clause: ast.ExceptHandler) -> Range:
        """The header of an `except` clause, without its body: `except ValueError as exc`."""
        start = self.position(clause.lineno, clause.col_offset)
        if clause.type is None:
            return Range(start, Position(start.line, start.col + len("except")))
        end = self.range(clause.type).end
        if clause.name:
            line = self.lines[end.line - 1]
            idx = line.find(clause.name, end.col)
            if idx >= 0:
                end = Position(end.line, idx + len(clause.name))
        return Range(start, end)

    def text(self, node: ast.AST) -> str:
        """The source of `node` (from the line table: no pass over the whole file)."""
        rng = self.range(node)
        lines = self.lines[rng.start.line - 1 : rng.end.line]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][rng.start.col : rng.end.col]
        return lines[0][rng.start.col :] + "".join(lines[1:-1]) + lines[-1][: rng.end.col]

    # -- diagnostics -------------------------------------------------------------------------

    def diagnostic(
        self,
        rule: Reporter,
        at: ast.AST | Range,
        message: str,
        fixes: Iterable[Fix] = (),
        related: Iterable[tuple[ast.AST | Range, str]] = (),
        deprecated: bool = False,
    ) -> Diagnostic:
        rng = at if isinstance(at, Range) else self.range(at)
        return Diagnostic(
            code=rule.code,
            message=message,
            range=rng,
            severity=rule.severity,
            fixes=list(fixes),
            related=[Related(r if isinstance(r, Range) else self.range(r), msg) for r, msg in related],
            deprecated=deprecated,
        )
