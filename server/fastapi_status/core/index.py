"""Every node of a module grouped by type: one breadth-first pass per top-level statement.

The model and the rules ask the index for the nodes they look at (`index.of(ast.Call)`) instead
of each walking the whole tree again: on a 23,000-line module one walk costs about a third of
`ast.parse`, so walking once is what keeps analysis cheaper than parsing.

The index is kept per top-level statement, so that an edit inside one function replaces that
statement's part and shares the others (`with_statement`), and so that an analysis limited to
one statement can ask for that statement's nodes alone (`of_statement`). Module-wide lists come
in statement order, breadth-first within each statement.
"""

from __future__ import annotations

import ast
from collections import deque
from typing import TypeVar

N = TypeVar("N", bound=ast.AST)
_AST = ast.AST
Part = dict[type, list[ast.AST]]


def index_nodes(root: ast.AST) -> Part:
    """`root` and every node below it, by type, breadth-first (the order of `ast.walk`)."""
    by_type: Part = {}
    get = by_type.get
    queue = deque([root])
    pop, push = queue.popleft, queue.append
    while queue:
        node = pop()
        kind = node.__class__
        bucket = get(kind)
        if bucket is None:
            by_type[kind] = [node]
        else:
            bucket.append(node)
        for name in node._fields:
            if name == "ctx":  # Load/Store/Del markers: read as attributes, never indexed
                continue
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, _AST):
                        push(item)
            elif isinstance(value, _AST):
                push(value)
    return by_type


class NodeIndex:
    __slots__ = ("parts", "_merged")

    def __init__(self, tree: ast.Module, parts: list[Part] | None = None) -> None:
        # One part per statement of `tree.body`; the Module node itself is not indexed.
        self.parts: list[Part] = parts if parts is not None else [index_nodes(stmt) for stmt in tree.body]
        self._merged: dict[type, list[ast.AST]] = {}

    def with_statement(self, position: int, stmt: ast.stmt) -> "NodeIndex":
        """A new index for the module whose top-level statement `position` is now `stmt`
        (the other statements' parts are shared, not walked again)."""
        parts = list(self.parts)
        parts[position] = index_nodes(stmt)
        return NodeIndex(None, parts)  # type: ignore[arg-type]

    def of(self, kind: type[N]) -> list[N]:
        """The module's nodes of exactly this type (shared: do not modify)."""
        merged = self._merged.get(kind)
        if merged is None:
            merged = []
            for part in self.parts:
                nodes = part.get(kind)
                if nodes:
                    merged.extend(nodes)
            self._merged[kind] = merged
        return merged  # type: ignore[return-value]

    def derived(self, key: str, compute) -> list:
        """`compute(part)` for every statement's part, concatenated. Each part keeps its own
        result, so after an edit only the replaced statement computes it again. `compute` must
        read nothing but the part's nodes."""
        merged = self._merged.get(key)  # type: ignore[call-overload]
        if merged is None:
            merged = []
            for part in self.parts:
                found = part.get(key)  # type: ignore[call-overload]
                if found is None:
                    found = part[key] = compute(part)  # type: ignore[index]
                if found:
                    merged.extend(found)
            self._merged[key] = merged  # type: ignore[index]
        return merged

    def of_types(self, *kinds: type) -> list[ast.AST]:
        """Nodes of any of these types, grouped by type."""
        return [node for kind in kinds for node in self.of(kind)]

    def of_statement(self, position: int, kind: type[N]) -> list[N]:
        """The nodes of this type inside top-level statement `position`."""
        return self.parts[position].get(kind, [])  # type: ignore[return-value]

    def functions(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        return self.of_types(ast.FunctionDef, ast.AsyncFunctionDef)  # type: ignore[return-value]


def module_level_first(nodes: list[N], tree: ast.Module) -> list[N]:
    """`nodes` with the module's own top-level statements first, then the rest in source order:
    where two definitions bind one name, the module-level one wins (as it did with `ast.walk`)."""
    top = {id(stmt) for stmt in tree.body}
    first = [n for n in nodes if id(n) in top]
    rest = [n for n in nodes if id(n) not in top]
    first.sort(key=lambda n: n.lineno)  # type: ignore[attr-defined]
    rest.sort(key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
    return first + rest
