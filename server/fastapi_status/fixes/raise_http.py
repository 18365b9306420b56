"""The fix FST201–FST203 and FST209 share: replace a `return` (or a `raise` of another
exception) with `raise HTTPException(...)`."""

from __future__ import annotations

import ast
import io
import tokenize
from typing import TYPE_CHECKING, Callable

from fastapi_status.core.diagnostics import Applicability, Fix, FixNotApplicable
from fastapi_status.core.model import HTTP_EXCEPTION, STATUS_MODULE
from fastapi_status.core.statuses import STATUSES
from fastapi_status.fixes.cst import rewrite, statement
from fastapi_status.fixes.imports import plan_references, references, status_reference
from fastapi_status.fixes.lazy import cst
from fastapi_status.fixes.scope import shadowed

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


def raise_instead_fix(
    ctx: "Context",
    return_node: ast.Return | ast.Raise,
    code: int,
    detail: str | Callable[[], str] | None,
    cause: str | None = None,
    title: str | None = None,
    remove: ast.stmt | None = None,
) -> list[Fix]:
    """`detail` is source text (an expression), a function giving it (called only when the
    fix is built), or None; `cause` a name for `from cause`;
    `remove` a statement made dead by the change (the assignment of the returned local).
    Empty when `HTTPException` cannot be named at the return (the name is taken or shadowed)."""
    if not _can_name_exception(ctx, return_node.lineno):
        return []

    def build():
        detail_text = detail() if callable(detail) else detail
        raise_text, import_edits = http_raise(ctx, code, detail_text, return_node.lineno)
        code_text = raise_text + (f" from {cause}" if cause else "")
        return _replace(ctx, return_node, code_text, remove) + import_edits

    return [Fix(title or f"Raise HTTPException({code}) instead", Applicability.UNSAFE, build)]


def http_raise(ctx: "Context", code: int, detail_text: str | None, line: int) -> tuple[str, list]:
    """`raise HTTPException(status_code=…, detail=…)` as the module writes it at `line`, and the
    import edits it needs."""
    names = [HTTP_EXCEPTION]
    if _needs_status_import(ctx, code, line):
        names.append(STATUS_MODULE)
    texts, import_edits = references(ctx, names, before_line=line)
    if len(names) > 1:
        status_text = f"{texts[1]}.{STATUSES[code].constant}"
    else:
        status_text = status_reference(ctx, code, line)[0]
        if "." in status_text and shadowed(ctx, status_text, line):
            status_text = str(code)  # `status` is a parameter or a local here: write the number
    args = f"status_code={status_text}" + (f", detail={detail_text}" if detail_text else "")
    return f"raise {texts[0]}({args})", import_edits


def check_none_fix(ctx: "Context", return_node: ast.Return, value: ast.expr, name: str, detail_text: str) -> list[Fix]:
    """`return repo.get(item_id)` becomes `item = repo.get(item_id)`, `if item is None: raise
    HTTPException(404, …)`, `return item` (the return's comment stays on the last line)."""
    if not _can_name_exception(ctx, return_node.lineno):
        return []

    def build():
        raise_text, import_edits = http_raise(ctx, 404, detail_text, return_node.lineno)
        value_text = ctx.text(value)

        def plan(snippet):
            line = snippet.parent_statement(snippet.find(return_node, cst.Return))
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                raise FixNotApplicable("the return shares its line")
            local = value.id if isinstance(value, ast.Name) else name  # (`return item`: test it there)
            check = cst.parse_statement(f"if {local} is None:\n    {raise_text}\n").with_changes(
                leading_lines=line.leading_lines
            )
            back = cst.parse_statement(f"return {local}\n").with_changes(trailing_whitespace=line.trailing_whitespace)
            if isinstance(value, ast.Name):
                return {line: lambda _: cst.FlattenSentinel([check, back])}
            assign = cst.parse_statement(f"{name} = {value_text}\n").with_changes(leading_lines=line.leading_lines)
            return {line: lambda _: cst.FlattenSentinel([assign, check.with_changes(leading_lines=()), back])}

        return rewrite(ctx, return_node, plan) + import_edits

    return [Fix("Raise HTTPException(404) when it is None (clients then receive 404 instead of 200 and null)",
                Applicability.UNSAFE, build)]


def reraise_at_end_fix(ctx: "Context", clause: ast.ExceptHandler) -> list[Fix]:
    """Add `raise` at the end of an `except` clause that swallows the failure."""

    def build():
        def plan(snippet):
            target = snippet.find(clause, cst.ExceptHandler)

            def change(handler):
                block = handler.body
                return handler.with_changes(body=block.with_changes(body=[*block.body, cst.parse_statement("raise\n")]))

            return {target: change}

        return rewrite(ctx, clause, plan)

    return [Fix("Re-raise it (clients then receive 500 Internal Server Error instead of an empty 200)",
                Applicability.UNSAFE, build)]


def _needs_status_import(ctx: "Context", code: int, line: int) -> bool:
    """The settings ask for `status` constants, the module has no `status` yet, and one can be
    imported that means it at `line`."""
    if ctx.settings.status_style != "constant" or ctx.model.status_module_alias or code not in STATUSES:
        return False
    try:
        (text,), _ = plan_references(ctx, [STATUS_MODULE])
    except FixNotApplicable:
        return False
    return not shadowed(ctx, text, line)


def reraise_fix(ctx: "Context", return_node: ast.Return, title: str) -> list[Fix]:
    """Replace the `return` with a bare `raise` (in an `except HTTPException` clause)."""
    return [Fix(title, Applicability.UNSAFE, lambda: _replace(ctx, return_node, "raise", None))]


def _replace(ctx: "Context", return_node: ast.Return | ast.Raise, code_text: str, remove: ast.stmt | None):
    replacement = statement(code_text)

    def plan(snippet):
        changes = {snippet.find(return_node, (cst.Return, cst.Raise)): lambda _: replacement}
        if remove is not None:
            target = snippet.parent_statement(snippet.find(remove, (cst.Assign, cst.AnnAssign)))
            if isinstance(target, cst.SimpleStatementLine) and len(target.body) == 1:
                changes[target] = lambda _: cst.RemoveFromParent()
        return changes

    return rewrite(ctx, return_node, plan)


def _can_name_exception(ctx: "Context", line: int) -> bool:
    try:
        (text,), _ = plan_references(ctx, [HTTP_EXCEPTION])
    except FixNotApplicable:  # the name is taken in this module
        return False
    return not shadowed(ctx, text, line)


def string_literal(ctx: "Context", text: str) -> str:
    """`text` as a string literal in the quotes the module mostly uses."""
    quote = ctx.memo("fixes.preferred-quote", lambda: _preferred_quote(ctx.source))
    literal = repr(text)
    if quote == '"' and literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _preferred_quote(source: str) -> str:
    single = double = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.STRING:
                body = tok.string.lstrip("rbuRBUfF")
                if body.startswith(('"""', "'''")):
                    continue  # docstrings say nothing about the style of short strings
                if body.startswith('"'):
                    double += 1
                elif body.startswith("'"):
                    single += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return '"' if double > single else "'"


def guard_fix(
    ctx: "Context", node: ast.AST, kind, exception: str, code: int, detail_text: str, title: str
) -> list[Fix]:
    """Wrap the simple statement holding `node` (whose libcst type is `kind`) in
    `try: … except <exception> as exc: raise HTTPException(<code>, <detail>) from exc`.
    Not for a node in a compound statement's header (an `if` test, a `for` target)."""
    if not _can_name_exception(ctx, node.lineno) or not _simple_statement_around(ctx, node):  # type: ignore[attr-defined]
        return []

    def build():
        raise_text, import_edits = http_raise(ctx, code, detail_text, node.lineno)  # type: ignore[attr-defined]
        top = ctx.model.top_level_statement(node.lineno) or ctx.tree  # type: ignore[attr-defined]
        bound = {n.id for n in ast.walk(top) if isinstance(n, ast.Name)}
        name = next(n for n in ("exc", "error", "exc_") if n not in bound)

        def plan(snippet):
            line = snippet.parent_statement(snippet.find(node, kind))
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                raise FixNotApplicable("not a statement of its own")
            wrapper = cst.parse_statement(f"try:\n    pass\nexcept {exception} as {name}:\n    {raise_text} from {name}\n")
            inner = line.with_changes(leading_lines=())
            return {line: lambda _: wrapper.with_changes(body=wrapper.body.with_changes(body=[inner]),
                                                           leading_lines=line.leading_lines)}

        return rewrite(ctx, node, plan) + import_edits

    return [Fix(title, Applicability.UNSAFE, build)]


def _simple_statement_around(ctx: "Context", node: ast.AST) -> bool:
    """The innermost statement holding `node` is a simple one (`x = int(v)`), not a compound
    statement whose header holds it (`if int(v) > 3:`, `with open(p[k]):`)."""
    stmt = ctx.model.top_level_statement(node.lineno)  # type: ignore[attr-defined]
    start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]
    while stmt is not None:
        blocks = [getattr(stmt, f, None) or [] for f in ("body", "orelse", "finalbody")]
        blocks += [h.body for h in getattr(stmt, "handlers", ())] + [c.body for c in getattr(stmt, "cases", ())]
        inner = next(
            (
                s for block in blocks for s in block
                if isinstance(s, ast.stmt) and (s.lineno, s.col_offset) <= start
                and end <= (s.end_lineno or s.lineno, s.end_col_offset or 0)
            ),
            None,
        )
        if inner is None:
            return not any(blocks)
        stmt = inner
    return False


def assert_to_raise_fix(ctx: "Context", node: ast.Assert, detail_text: str) -> list[Fix]:
    """`assert cond, "msg"` becomes `if not (cond): raise HTTPException(400, "msg")`."""
    if not _can_name_exception(ctx, node.lineno):
        return []

    def build():
        raise_text, import_edits = http_raise(ctx, 400, detail_text, node.lineno)
        test = ctx.text(node.test)
        negated = f"not {test}" if isinstance(node.test, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) else f"not ({test})"

        def plan(snippet):
            line = snippet.parent_statement(snippet.find(node, cst.Assert))
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                raise FixNotApplicable("the assert shares its line")
            if line.trailing_whitespace.comment is not None:
                raise FixNotApplicable("the assert has a comment of its own")
            check = cst.parse_statement(f"if {negated}:\n    {raise_text}\n")
            return {line: lambda _: check.with_changes(leading_lines=line.leading_lines)}

        return rewrite(ctx, node, plan) + import_edits

    return [Fix("Raise HTTPException(400) instead (clients then receive 400 instead of 500)", Applicability.UNSAFE, build)]
