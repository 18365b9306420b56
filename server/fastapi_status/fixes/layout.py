"""Keeping a fixed statement within the project's line length, the way ruff's formatter wraps.

A fix that makes a line longer than `Settings.line_length` (where the original lines were not)
has that line wrapped as ruff format (and black) would: the bracket that closes last on the
line is split, its contents first kept together on one indented line ("hugged"),

    raise HTTPException(
        status_code=status.HTTP_404_NOT_FOUND, detail="Item not found"
    )

and, when even that line is too long, one item a line with a trailing comma ("exploded"), the
items themselves wrapped the same way when still too long:

    @router.get(
        "/items/{item_id}",
        response_model=Item,
        responses={status.HTTP_404_NOT_FOUND: {"description": "Not Found"}},
    )

Only the lines the fix changed are wrapped; a line the author wrote too long stays as it is,
and a bracket that holds a comment is left alone. Each wrap works on the smallest statement (or
decorator, or compound statement header) around the line, and must parse to the same tree as
before, or it is not made.
"""

from __future__ import annotations

import ast
import difflib
from typing import TYPE_CHECKING

from fastapi_status.fixes.lazy import cst, metadata

if TYPE_CHECKING:
    import libcst

_MAX_ROUNDS = 24


def fit(old_text: str, new_module: "libcst.Module", limit: int) -> str:
    """The code of `new_module` (the fixed version of `old_text`) with the lines the fix made
    too long wrapped."""
    code = new_module.code
    if limit <= 0 or not _too_long(old_text, code, limit):
        return code
    out = code
    for _ in range(_MAX_ROUNDS):
        lines = _too_long(old_text, out, limit)
        if not lines:
            break
        wrapped = _wrap_line(out, lines[0], limit)
        if wrapped is None:
            break
        out = wrapped
    return out


def _wrap_line(code: str, line: int, limit: int) -> str | None:
    """`code` with one bracket on `line` wrapped, working on the smallest statement (or
    decorator) around the line only, so a wrap costs what that statement costs."""
    piece = _piece_around(code, line)
    if piece is None:
        return None
    first, last, indent, kind = piece
    lines = code.splitlines(keepends=True)
    chunk = lines[first - 1 : last]
    if any(text.strip() and not text.startswith(" " * indent) for text in chunk):
        return None  # a continuation line left of the statement: leave it alone
    fragment = "".join(text[indent:] if text.strip() else text for text in chunk)
    if not fragment.endswith(("\n", "\r")):
        fragment += "\n"
    # What makes the piece a module of its own: a function for a decorator, a body for a header.
    suffix = {"decorator": "def _():\n    pass\n", "header": "    pass\n"}.get(kind, "")
    try:
        module = cst.parse_module(fragment + suffix)
    except cst.ParserSyntaxError:
        return None
    changed = _wrap_one(module, line - first + 1, limit - indent)
    if changed is None:
        return None
    if not _same_tree(fragment + suffix, changed.code):
        return None  # (never: wrapping moves only whitespace; checked all the same)
    new_fragment = changed.code[: len(changed.code) - len(suffix)] if suffix else changed.code
    if not chunk[-1].endswith(("\n", "\r")):
        new_fragment = new_fragment.rstrip("\r\n")
    pad = " " * indent
    rebuilt = "".join(pad + text if text.strip() else text for text in new_fragment.splitlines(keepends=True))
    return "".join(lines[: first - 1]) + rebuilt + "".join(lines[last:])


def _piece_around(code: str, line: int) -> tuple[int, int, int, str] | None:
    """(first line, last line, column, kind) of the smallest simple statement ("statement"),
    decorator ("decorator") or compound statement header ("header") around `line`."""
    try:
        tree = ast.parse(_dedented(code))
    except SyntaxError:
        return None
    shift = 1 if code[:1] in (" ", "\t") else 0  # (`_dedented` put a line before)
    target = line + shift
    best = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for dec in node.decorator_list:
                if dec.lineno <= target <= (dec.end_lineno or dec.lineno):
                    best = (dec.lineno, dec.end_lineno or dec.lineno, dec.col_offset - 1, "decorator")
        if not isinstance(node, ast.stmt) or node is tree:
            continue
        start, end, kind = node.lineno, node.end_lineno or node.lineno, "statement"
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end, kind = body[0].lineno - 1, "header"  # a compound statement: its header only
            if end < start or body[0].lineno == node.lineno:
                continue  # (`if x: y` on one line: nothing to wrap there)
        if start <= target <= end and (best is None or end - start < best[1] - best[0]):
            best = (start, end, node.col_offset, kind)
    if best is None:
        return None
    first, last, col, decorator = best
    return first - shift, last - shift, col, decorator


def _too_long(old_text: str, new_text: str, limit: int) -> list[int]:
    """The 1-based lines of `new_text` longer than `limit` that the change made or changed,
    where the lines they replace were all within it."""
    old, new = old_text.splitlines(), new_text.splitlines()
    found = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or any(len(line) > limit for line in old[i1:i2]):
            continue
        found += [j + 1 for j in range(j1, j2) if len(new[j]) > limit]
    return found


def _same_tree(a: str, b: str) -> bool:
    try:
        return ast.dump(ast.parse(_dedented(a))) == ast.dump(ast.parse(_dedented(b)))
    except SyntaxError:
        return False


def _dedented(text: str) -> str:
    """A statement cut out of a block (indented) parses as the body of an `if`."""
    return "if True:\n" + text if text[:1] in (" ", "\t") else text


# -- one wrap --------------------------------------------------------------------------------


def _wrap_one(module: "libcst.Module", line: int, limit: int) -> "libcst.Module | None":
    """Wrap one bracket that makes `line` too long: the innermost one whose hugged body the line
    is (exploded), else the one that closes last on the line (hugged, or exploded when hugging
    is not enough). None when there is none that can be wrapped."""
    wrapper = metadata.MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(metadata.PositionProvider)
    text_lines = module.code.splitlines()
    if text_lines[line - 1].startswith("\t"):
        return None  # (indented with tabs: ruff's wrapping is written in spaces here)
    indent = _indent(text_lines[line - 1])
    starting, around = [], []
    for node, pos in positions.items():
        if isinstance(node, cst.ImportFrom) and pos.start.line == line and not node.lpar:
            if isinstance(node.names, cst.ImportStar) or _has_comment(node):
                return None
            return _replace(module, node, _explode_import(node, indent))
        if not _bracketed(node) or not _items(node):
            continue
        if pos.start.line == line and pos.end.line == line:
            starting.append((pos.end.column, -pos.start.column, node))
        elif pos.start.line < line <= pos.end.line and not _exploded(node):
            around.append((pos.start.line, pos.start.column, node))
    if around:  # the line is the hugged body of a bracket: one item a line
        node = max(around, key=lambda t: (t[0], t[1]))[2]  # the innermost: it started last
        if _has_comment(node):
            return None
        start_line = positions[node].start.line
        return _replace(module, node, _explode(node, _indent(text_lines[start_line - 1])))
    if starting:  # the bracket that closes last on the line: hugged if that fits, else exploded
        node = max(starting, key=lambda t: (t[0], t[1]))[2]
        if _has_comment(node):
            return None
        hugged = _replace(module, node, _hug(node, indent))
        if max(len(x) for x in hugged.code.splitlines()[line - 1 : line + 2]) <= limit:
            return hugged
        return _replace(module, node, _explode(node, indent))
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _bracketed(node) -> bool:
    return isinstance(node, (cst.Call, cst.Dict, cst.List, cst.Set)) or (
        isinstance(node, cst.Tuple) and bool(node.lpar)
    )


def _items(node) -> list:
    return list(node.args if isinstance(node, cst.Call) else node.elements)


def _exploded(node) -> bool:
    """Already one item a line (a trailing comma on the last item)."""
    items = _items(node)
    return isinstance(items[-1].comma, cst.Comma)


def _has_comment(node) -> bool:
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Comment(self, _node) -> None:
            found.append(True)

    node.visit(Finder())
    return bool(found)


def _newline(spaces: int):
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=False,
        last_line=cst.SimpleWhitespace(" " * spaces),
    )


def _hug(node, indent: int):
    """All items on one line, one level in: `f(\\n    a, b\\n)`."""
    items = _items(node)
    inner = [_with_comma(item, cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for item in items[:-1]]
    inner.append(_with_comma(items[-1], cst.MaybeSentinel.DEFAULT))
    return _rebuilt(node, inner, _newline(indent + 4), _newline(indent))


def _explode(node, indent: int):
    """One item a line, a trailing comma after the last: `f(\\n    a,\\n    b,\\n)`."""
    items = _items(node)
    inner = [_with_comma(item, cst.Comma(whitespace_after=_newline(indent + 4))) for item in items[:-1]]
    inner.append(_with_comma(items[-1], cst.Comma(whitespace_after=cst.SimpleWhitespace(""))))
    return _rebuilt(node, inner, _newline(indent + 4), _newline(indent))


def _explode_import(node, indent: int):
    """`from m import (\n    a,\n    b,\n)`: ruff puts an import that does not fit one name a line."""
    names = list(node.names)
    inner = [n.with_changes(comma=cst.Comma(whitespace_after=_newline(indent + 4))) for n in names[:-1]]
    inner.append(names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(""))))
    return node.with_changes(
        names=inner,
        lpar=cst.LeftParen(whitespace_after=_newline(indent + 4)),
        rpar=cst.RightParen(whitespace_before=_newline(indent)),
    )


def _with_comma(item, comma):
    if isinstance(item, cst.Arg):
        return item.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
    return item.with_changes(comma=comma)


def _rebuilt(node, items, after_open, before_close):
    if isinstance(node, cst.Call):
        last = items[-1]
        items[-1] = last.with_changes(whitespace_after_arg=before_close)
        return node.with_changes(args=items, whitespace_before_args=after_open)
    if isinstance(node, cst.Dict):
        return node.with_changes(
            elements=items,
            lbrace=node.lbrace.with_changes(whitespace_after=after_open),
            rbrace=node.rbrace.with_changes(whitespace_before=before_close),
        )
    if isinstance(node, cst.Set):
        return node.with_changes(
            elements=items,
            lbrace=node.lbrace.with_changes(whitespace_after=after_open),
            rbrace=node.rbrace.with_changes(whitespace_before=before_close),
        )
    if isinstance(node, cst.List):
        return node.with_changes(
            elements=items,
            lbracket=node.lbracket.with_changes(whitespace_after=after_open),
            rbracket=node.rbracket.with_changes(whitespace_before=before_close),
        )
    lpar, rpar = node.lpar[0], node.rpar[-1]
    return node.with_changes(
        elements=items,
        lpar=[lpar.with_changes(whitespace_after=after_open), *node.lpar[1:]],
        rpar=[*node.rpar[:-1], rpar.with_changes(whitespace_before=before_close)],
    )


def _replace(module, old, new):
    class Swap(cst.CSTTransformer):
        def on_leave(self, original_node, updated_node):  # type: ignore[override]
            return new if original_node is old else updated_node

    return module.visit(Swap())
