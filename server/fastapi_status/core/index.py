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
import operator
from typing import Iterator, TypeVar

N = TypeVar("N", bound=ast.AST)
_AST = ast.AST
Part = dict[type, list[ast.AST]]


CALLS_BY_NAME = "calls-by-name"  # {last name of the callee: [calls]}
ATTRIBUTES_BY_NAME = "attributes-by-name"  # {attr: [Attribute nodes]}
ATTRIBUTE_BASES = "attribute-bases"  # {name: None} for each `name.attr`
_Call, _Attribute, _Name, _Constant = ast.Call, ast.Attribute, ast.Name, ast.Constant
_LISTS_WITH_NONE = {ast.Dict, ast.arguments}  # Dict.keys, arguments.kw_defaults


# Fields that never hold a node worth indexing: names and numbers, Load/Store/Del markers,
# operators (`+`, `==`), and a constant's Python value.
_LEAF_FIELDS = {"ctx", "id", "attr", "arg", "name", "module", "level", "type_comment", "kind", "conversion",
                "is_async", "op", "ops", "tag", "asname", "rest", "kwd_attrs", "simple", "lineno"}


def _child_fields(kind: type) -> tuple[str, ...]:
    if not issubclass(kind, _AST) or kind is ast.Constant:
        return ()
    if kind in (ast.Global, ast.Nonlocal, ast.MatchSingleton):
        return ()  # plain names, or a constant
    return tuple(name for name in kind._fields if name not in _LEAF_FIELDS)


class _FieldTable(dict):
    """Node type -> its fields that can hold child nodes (filled on first use of each type)."""

    def __missing__(self, kind: type) -> tuple[str, ...]:
        fields = self[kind] = _child_fields(kind)
        return fields


_CHILD_FIELDS: dict[type, tuple[str, ...]] = _FieldTable()


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes of `node` that can matter (like `ast.iter_child_nodes`, without the
    Load/Store markers and operators), in field order."""
    out: list[ast.AST] = []
    for name in _CHILD_FIELDS[node.__class__]:
        value = getattr(node, name, None)
        if value.__class__ is list:
            out.extend(item for item in value if item is not None)
        elif value is not None:
            out.append(value)
    return out


# The fields that hold statements (or the `except` clauses and `case`s that hold them): a search
# for statements (`raise`, `x = …`) need not walk the expressions.
_STATEMENT_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")


def statement_children(node: ast.AST) -> list[ast.AST]:
    """The statements (and `except` clauses, `case`s) right below `node`, in field order:
    `children` without the expressions."""
    out: list[ast.AST] = []
    for name in _STATEMENT_FIELDS:
        value = getattr(node, name, None)
        if value:
            out.extend(value)
    return out

_SCOPES = {ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef}
_TRIES = {ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ())}


def scope_nodes(body: list[ast.stmt]) -> list[ast.AST]:
    """The statements of `body` and the nodes below them, breadth-first, without entering a
    function, lambda or class nested below them (those nodes are left out; a `def` that is
    itself one of the `body` statements is walked)."""
    queue: list[ast.AST] = list(body)
    push = queue.append
    child_fields = _CHILD_FIELDS
    scopes = _SCOPES
    for node in queue:
        kind = node.__class__
        if kind is _Name or kind is _Constant:
            continue
        for name in child_fields[kind]:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if item is not None and item.__class__ not in scopes:
                        push(item)
            elif value is not None and value.__class__ not in scopes:
                push(value)
    return queue


def nodes_leaving(body: list[ast.stmt], skips_body=lambda try_node: False) -> Iterator[ast.AST]:
    """The nodes of `body` whose exceptions can leave it, in source order: not in a function,
    lambda or class nested below, nor in the body of a `try` for which `skips_body(try)` says
    its handlers decide (its `except`, `else` and `finally` blocks are walked)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        if node.__class__ in _SCOPES:
            continue
        yield node
        kids = children(node)
        if node.__class__ in _TRIES and skips_body(node):
            kids = [c for c in kids if not any(c is b for b in node.body)]  # type: ignore[attr-defined]
        stack.extend(reversed(kids))


def scope_statements(body: list[ast.stmt]) -> list[ast.AST]:
    """The statements of `body` and those nested in them (and their `except` clauses and
    `case`s), without entering any function or class, nor any expression: for a search of
    statements (`x = …`), a fraction of `scope_nodes`."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        if node.__class__ in _SCOPES:
            continue
        found.append(node)
        stack.extend(reversed(statement_children(node)))
    return found


def index_nodes(root: ast.AST) -> Part:
    """`root` and every node below it, by type, breadth-first (the order of `ast.walk`); calls
    also by the last name of what they call (`HTTPException` in `fastapi.HTTPException(...)`)
    and attributes by name, so that rules look up the few they care about."""
    by_type: Part = {}
    calls: dict[str, list[ast.AST]] = {}
    attributes: dict[str, list[ast.AST]] = {}
    bases: dict[str, None] = {}  # names used as `name.attr`, in order
    get = by_type.get
    child_fields = _CHILD_FIELDS
    queue = [root]
    push, extend = queue.append, queue.extend
    for node in queue:  # a list that grows while it is read: breadth-first, like ast.walk
        kind = node.__class__
        bucket = get(kind)
        if bucket is None:
            by_type[kind] = [node]
        else:
            bucket.append(node)
        if kind is _Name or kind is _Constant:
            continue  # leaves (the most common nodes: tested first)
        if kind is _Call:
            func = node.func  # type: ignore[attr-defined]
            fkind = func.__class__
            last = func.attr if fkind is _Attribute else func.id if fkind is _Name else None
            if last is not None:
                found = calls.get(last)
                if found is None:
                    calls[last] = [node]
                else:
                    found.append(node)
        elif kind is _Attribute:
            found = attributes.get(node.attr)  # type: ignore[attr-defined]
            if found is None:
                attributes[node.attr] = [node]  # type: ignore[attr-defined]
            else:
                found.append(node)
            base = node.value  # type: ignore[attr-defined]
            if base.__class__ is _Name:
                bases[base.id] = None
        for name in child_fields[kind]:
            # The fields left hold a node, None, or a list of nodes; only two lists can hold
            # None (`{**x}`'s key, a keyword-only parameter without a default).
            value = getattr(node, name, None)
            if value.__class__ is list:
                if kind in _LISTS_WITH_NONE:
                    extend([item for item in value if item is not None])
                else:
                    extend(value)
            elif value is not None:
                push(value)
    by_type[CALLS_BY_NAME] = calls  # type: ignore[index]
    by_type[ATTRIBUTES_BY_NAME] = attributes  # type: ignore[index]
    by_type[ATTRIBUTE_BASES] = bases  # type: ignore[index]
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

    def calls_named(self, names, position: int | None = None) -> list[ast.Call]:
        """Calls whose callee's last name is one of `names` (in the module, or in one
        top-level statement), grouped by name."""
        return self._named(CALLS_BY_NAME, names, position)  # type: ignore[return-value]

    def attributes_named(self, names, position: int | None = None) -> list[ast.Attribute]:
        return self._named(ATTRIBUTES_BY_NAME, names, position)  # type: ignore[return-value]

    def uses_as_base(self, name: str) -> bool:
        """`name.something` appears in the module."""
        return any(name in part[ATTRIBUTE_BASES] for part in self.parts)  # type: ignore[index]

    def call_names(self, position: int | None = None) -> set[str]:
        """Every last name called (to find, say, all the `…Response(...)` calls)."""
        if position is None:
            return set(self._where(CALLS_BY_NAME))
        return set(self.parts[position][CALLS_BY_NAME])  # type: ignore[index]

    def _named(self, key: str, names, position: int | None) -> list[ast.AST]:
        """The nodes under `names` in table `key`, statement by statement (in the statements
        that have any: a module has a thousand statements, a name is in a few)."""
        if position is None:
            where = self._where(key)
            hits: set[int] = set()
            for name in names:
                found_in = where.get(name)
                if found_in:
                    hits.update(found_in)
            positions: list[int] = sorted(hits)
        else:
            positions = [position]
        parts = self.parts
        found: list[ast.AST] = []
        for at in positions:
            table = parts[at][key]  # type: ignore[index]
            for name in names:
                nodes = table.get(name)
                if nodes:
                    found.extend(nodes)
        return found

    def _where(self, key: str) -> dict[str, list[int]]:
        """For table `key`: each name, and the positions of the statements where it occurs."""
        where = self._merged.get(("where", key))  # type: ignore[call-overload]
        if where is None:
            where = {}
            for at, part in enumerate(self.parts):
                for name in part[key]:  # type: ignore[index]
                    found_in = where.get(name)
                    if found_in is None:
                        where[name] = [at]
                    else:
                        found_in.append(at)
            self._merged[("where", key)] = where  # type: ignore[index]
        return where

    def of_types(self, *kinds: type) -> list[ast.AST]:
        """Nodes of any of these types, grouped by type."""
        return [node for kind in kinds for node in self.of(kind)]

    def of_statement(self, position: int, kind: type[N]) -> list[N]:
        """The nodes of this type inside top-level statement `position`."""
        return self.parts[position].get(kind, [])  # type: ignore[return-value]

    def functions(self) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
        return self.of_types(ast.FunctionDef, ast.AsyncFunctionDef)  # type: ignore[return-value]


def cached_on(node: ast.AST, key: str, compute):
    """A fact about `node` that depends on nothing but its subtree, kept on the node itself:
    computed once per tree, and still there after an edit elsewhere (the incremental analysis
    shares unchanged statements' nodes between analyses)."""
    attribute = "_fastapi_status_" + key
    value = getattr(node, attribute, None)
    if value is None:
        value = compute()
        setattr(node, attribute, value)
    return value


_LINE, _LINE_COLUMN = operator.attrgetter("lineno"), operator.attrgetter("lineno", "col_offset")


def module_level_first(nodes: list[N], tree: ast.Module) -> list[N]:
    """`nodes` with the module's own top-level statements first, then the rest in source order:
    where two definitions bind one name, the module-level one wins (as it did with `ast.walk`)."""
    top = {id(stmt) for stmt in tree.body}
    first = [n for n in nodes if id(n) in top]
    rest = [n for n in nodes if id(n) not in top]
    first.sort(key=_LINE)
    rest.sort(key=_LINE_COLUMN)
    return first + rest
