"""Every node of a module grouped by type, from one breadth-first pass (the order of `ast.walk`).

The model and the rules ask the index for the nodes they look at (`index.of(ast.Call)`) instead
of each walking the whole tree again: on a 23,000-line module one walk costs about a third of
`ast.parse`, so walking once is what keeps analysis cheaper than parsing.
"""

from __future__ import annotations

import ast
from collections import deque
from typing import TypeVar

N = TypeVar("N", bound=ast.AST)
_AST = ast.AST


class NodeIndex:
    __slots__ = ("_by_type",)

    def __init__(self, tree: ast.AST) -> None:
        by_type: dict[type, list[ast.AST]] = {}
        get = by_type.get
        queue = deque([tree])
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
        self._by_type = by_type

    def of(self, kind: type[N]) -> list[N]:
        """The nodes of exactly this type, in `ast.walk` order (shared: do not modify)."""
        return self._by_type.get(kind, [])  # type: ignore[return-value]

    def of_types(self, *kinds: type) -> list[ast.AST]:
        """Nodes of any of these types, grouped by type."""
        return [node for kind in kinds for node in self._by_type.get(kind, ())]

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
