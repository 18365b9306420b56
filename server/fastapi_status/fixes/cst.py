"""Edits built with libcst on one top-level statement at a time.

A fix never parses the whole module with libcst: it takes the lines of the top-level statement
that holds the code at fault, parses them as a module of their own, swaps nodes, prints the
result and returns the smallest text edit that turns the old lines into the new ones. Comments
and formatting outside the swapped nodes are kept byte for byte.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Mapping, Union

from fastapi_status.core.diagnostics import Edit, FixNotApplicable, Position, Range
from fastapi_status.core.model import statement_first_line
from fastapi_status.core.text import byte_col_to_char, split_lines
from fastapi_status.fixes.layout import fit
from fastapi_status.fixes.lazy import cst, metadata

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

if TYPE_CHECKING:
    import libcst

    Replacement = Union[libcst.CSTNode, libcst.RemovalSentinel, libcst.FlattenSentinel]
    Change = Callable[[libcst.CSTNode], Replacement]

_REPLACER: list[type] = []


def _replacer(changes: "Mapping[cst.CSTNode, Change]"):
    """A transformer that applies `changes` (the class is made on first use: libcst is lazy)."""
    if not _REPLACER:

        class Replacer(cst.CSTTransformer):
            def __init__(self, changes) -> None:
                super().__init__()
                self._changes = {id(k): v for k, v in changes.items()}

            def on_leave(self, original_node, updated_node):  # type: ignore[override]
                change = self._changes.get(id(original_node))
                return change(updated_node) if change else updated_node

        _REPLACER.append(Replacer)
    return _REPLACER[0](changes)


# libcst's parser (native code) overflows the thread's stack and kills the process at about
# 5,000 levels of nesting (8,000 `+` terms crash it, 4,000 parse); a fix is not built past this.
LIBCST_MAX_DEPTH = 2_500


def nesting_depth(node: ast.AST) -> int:
    """How deeply `node`'s syntax tree nests (without recursion: it may be deep)."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > deepest:
            deepest = depth
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(current))
    return deepest


class Snippet:
    """The top-level statement around `line`, parsed by libcst."""

    def __init__(self, ctx: "Context", line: int) -> None:
        stmt = ctx.model.top_level_statement(line)
        if stmt is None:
            raise FixNotApplicable(f"no statement at line {line}")
        self.ctx = ctx
        self.start_line = statement_first_line(stmt)
        self.end_line = stmt.end_lineno or stmt.lineno
        self.text = "".join(ctx.lines[self.start_line - 1 : self.end_line])
        # libcst drops a form feed that starts a line (a page break before a decorator) and
        # counts columns without it: parse without them, and put the edits back after them.
        self.form_feeds: dict[int, int] = {}  # line of the snippet -> form feeds removed
        if "\f" in self.text:
            lines = split_lines(self.text)
            for i, text in enumerate(lines):
                if text.startswith("\f"):
                    kept = text.lstrip("\f")
                    self.form_feeds[i + 1] = len(text) - len(kept)
                    lines[i] = kept
            self.text = "".join(lines)
        if nesting_depth(stmt) > LIBCST_MAX_DEPTH:
            raise FixNotApplicable(f"the statement at line {self.start_line} nests too deeply for libcst")
        try:
            self.module = cst.parse_module(self.text)
        except cst.ParserSyntaxError as exc:
            raise FixNotApplicable(str(exc)) from exc
        wrapper = metadata.MetadataWrapper(self.module, unsafe_skip_copy=True)
        self._positions = wrapper.resolve(metadata.PositionProvider)

    def find(self, node: ast.AST, kind: type[cst.CSTNode] | tuple[type[cst.CSTNode], ...]) -> cst.CSTNode:
        """The libcst node of type `kind` that starts where the `ast` node starts."""
        line = node.lineno - self.start_line + 1  # type: ignore[attr-defined]
        col = byte_col_to_char(self.ctx.lines[node.lineno - 1], node.col_offset)  # type: ignore[attr-defined]
        col -= self.form_feeds.get(line, 0)
        found = None
        for cnode, pos in self._positions.items():
            if isinstance(cnode, kind) and pos.start.line == line and pos.start.column == col:
                # Prefer the outermost node of that kind starting there (e.g. `a.b(c)` vs `a.b`).
                if found is None or self._covers(cnode, found):
                    found = cnode
        if found is None:
            raise FixNotApplicable(f"no {kind} at {node.lineno}:{col}")  # type: ignore[attr-defined]
        return found

    def _covers(self, a: cst.CSTNode, b: cst.CSTNode) -> bool:
        pa, pb = self._positions[a], self._positions[b]
        return (pa.end.line, pa.end.column) >= (pb.end.line, pb.end.column)

    def parent_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        """The statement line (SimpleStatementLine or compound statement) holding `node`."""
        target_pos = self._positions[node]
        best = None
        for cnode, pos in self._positions.items():
            if isinstance(cnode, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and (
                (pos.start.line, pos.start.column) <= (target_pos.start.line, target_pos.start.column)
                and (pos.end.line, pos.end.column) >= (target_pos.end.line, target_pos.end.column)
            ):
                if best is None or (self._positions[best].start.line, self._positions[best].start.column) <= (
                    pos.start.line,
                    pos.start.column,
                ):
                    best = cnode
        if best is None:
            raise FixNotApplicable("no enclosing statement")
        return best

    def edits(self, changes: Mapping[cst.CSTNode, Change]) -> list[Edit]:
        new_module = self.module.visit(_replacer(changes))
        code = fit(self.text, new_module, self.ctx.settings.line_length)  # wrapped as ruff format would
        ending = line_break(self.text)
        if ending and not code.endswith(ending):
            code = code.rstrip("\r\n") + ending  # (libcst drops a last lone "\r")
        edit = minimal_edit(self.text, code, self.start_line)
        if edit is None:
            return []
        if self.form_feeds:
            edit = Edit(Range(self._original(edit.range.start), self._original(edit.range.end)), edit.content)
        return [edit]

    def _original(self, pos: Position) -> Position:
        """A position in the text without its form feeds, in the file's text."""
        return Position(pos.line, pos.col + self.form_feeds.get(pos.line - self.start_line + 1, 0))


def line_break(text: str) -> str:
    """The line break `text` ends with ("\r\n", "\r", "\n"), or ""."""
    if text.endswith("\r\n"):
        return "\r\n"
    return text[-1] if text.endswith(("\r", "\n")) else ""


def minimal_edit(old: str, new: str, first_line: int) -> Edit | None:
    """One edit turning `old` (which starts at column 0 of `first_line`) into `new`."""
    if old == new:
        return None
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    start, end = prefix, len(old) - suffix
    return Edit(Range(_pos(old, start, first_line), _pos(old, end, first_line)), new[prefix : len(new) - suffix])


def _pos(text: str, offset: int, first_line: int) -> Position:
    before = text[:offset]
    # Same line breaks as the core (\r\n, \r, \n).
    normalized = before.replace("\r\n", "\n").replace("\r", "\n")
    line = normalized.count("\n")
    last_break = max(before.rfind("\n"), before.rfind("\r"))
    return Position(first_line + line, offset - (last_break + 1))


def snippet_at(ctx: "Context", line: int) -> Snippet:
    """The parsed statement around `line`, parsed once per analysis however many fixes use it."""
    stmt = ctx.model.top_level_statement(line)
    key = f"snippet:{statement_first_line(stmt) if stmt is not None else line}"
    return ctx.memo(key, lambda: Snippet(ctx, line))


def rewrite(ctx: "Context", anchor: ast.AST, plan: Callable[[Snippet], Mapping[cst.CSTNode, Change]]) -> list[Edit]:
    """Parse the statement around `anchor`, let `plan` pick nodes and their replacements."""
    snippet = snippet_at(ctx, anchor.lineno)  # type: ignore[attr-defined]
    return snippet.edits(plan(snippet))


# -- small node builders shared by the fixes ------------------------------------------------


def set_keyword(call: cst.Call, name: str, value: str) -> cst.Call:
    """`call` with keyword `name=value` added (after the last argument) or replaced."""
    expr = cst.parse_expression(value)
    args = list(call.args)
    for i, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            args[i] = arg.with_changes(value=expr)
            return call.with_changes(args=args)
    new_arg = cst.Arg(keyword=cst.Name(name), value=expr, equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
    if args:
        last = args[-1]
        if last.comma is cst.MaybeSentinel.DEFAULT or last.comma is None:
            # Keep the author's layout: a call split over lines gets the new argument on its own
            # line; what stood before `)` (`f(\n    a, b\n)`: a line break) follows the new one.
            whitespace = _whitespace_before_last_arg(call)
            args[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=whitespace), whitespace_after_arg=cst.SimpleWhitespace("")
            )
            args.append(new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg))
        else:  # trailing comma: the new argument takes it (and the closing layout)
            separator = last.comma.with_changes(whitespace_after=_whitespace_before_last_arg(call))
            args[-1] = last.with_changes(comma=separator)
            args.append(new_arg.with_changes(comma=last.comma))
    else:
        args.append(new_arg)
    return call.with_changes(args=args)


def _whitespace_before_last_arg(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    if len(call.args) >= 2:
        prev_comma = call.args[-2].comma
        if isinstance(prev_comma, cst.Comma):
            return prev_comma.whitespace_after
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return call.whitespace_before_args  # `f(\n    a,\n)`: one argument a line
    return cst.SimpleWhitespace(" ")


def remove_keyword(call: cst.Call, name: str) -> cst.Call:
    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == name)]
    if args and len(args) < len(call.args):
        last = call.args[-1]
        if args[-1] is not last:  # the removed one was last: give its comma style to the new last
            args[-1] = args[-1].with_changes(comma=last.comma)
    return call.with_changes(args=args)


def statement(code: str) -> cst.BaseSmallStatement:
    """Parse one small statement, e.g. `raise HTTPException(404)`."""
    line = cst.parse_statement(code + "\n")
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        raise FixNotApplicable(f"not a simple statement: {code!r}")
    return line.body[0]
