"""How a fix refers to `HTTPException` or `status` in the user's module, adding the import
(`from fastapi import HTTPException, status`) only when nothing usable is bound already."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from fastapi_status.core.diagnostics import Edit, FixNotApplicable, Position, Range
from fastapi_status.core.imports import canonical
from fastapi_status.core.index import NodeIndex
from fastapi_status.core.model import STATUS_MODULE
from fastapi_status.core.statuses import STATUSES, http_status_member
from fastapi_status.fixes.cst import line_break, snippet_at
from fastapi_status.fixes.lazy import cst
from fastapi_status.fixes.scope import shadowed

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


def _bound_names(index: NodeIndex) -> set[str]:
    names = {n.id for n in index.of(ast.Name) if isinstance(n.ctx, ast.Store)}
    names |= {n.name for n in index.of_types(ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)}
    names |= {a.arg for a in index.of(ast.arg)}
    for node in index.of_types(ast.Import, ast.ImportFrom):
        names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def references(ctx: "Context", qualnames: list[str], before_line: int) -> tuple[list[str], list[Edit]]:
    """Expressions naming each of `qualnames` (e.g. "fastapi.HTTPException"), and the import
    edits they need. The import goes before `before_line` so decorators can use it."""
    texts, missing = plan_references(ctx, qualnames)
    for text in texts:
        if shadowed(ctx, text, before_line):  # `def list_items(status: str)` has its own `status`
            raise FixNotApplicable(f"{text!r} means something else at line {before_line}")
    return texts, (_import_edits(ctx, missing, before_line) if missing else [])


def can_reference(ctx: "Context", qualnames: list[str]) -> bool:
    """Whether `references` will succeed (cheap: no libcst), so a rule offers only fixes it can build."""
    try:
        plan_references(ctx, qualnames)
    except FixNotApplicable:
        return False
    return True


def plan_references(ctx: "Context", qualnames: list[str]) -> tuple[list[str], list[str]]:
    """The texts for `qualnames` and the names that must be imported from fastapi."""
    texts: list[str] = []
    missing: list[str] = []
    imports = ctx.model.imports
    fastapi_alias = next(iter(imports.local_names_for("fastapi")), None)
    bound = None
    for qualname in qualnames:
        target = canonical(qualname)
        local = next(iter(imports.local_names_for(target)), None)
        if local:
            texts.append(local)
            continue
        short = target.rsplit(".", 1)[-1]
        if fastapi_alias:
            texts.append(f"{fastapi_alias}.{short}")
            continue
        if bound is None:
            bound = ctx.memo("bound-names", lambda: _bound_names(ctx.model.index))
        if short in bound:
            raise FixNotApplicable(f"the name {short!r} is taken in this module")
        texts.append(short)
        missing.append(short)
    return texts, missing


def _import_edits(ctx: "Context", names: list[str], before_line: int) -> list[Edit]:
    tree = ctx.tree
    existing = None
    last_import = None
    for stmt in tree.body:
        if stmt.lineno >= before_line:
            break
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            last_import = stmt
            if (
                isinstance(stmt, ast.ImportFrom)
                and stmt.module == "fastapi"
                and not stmt.level
                and all(a.name != "*" for a in stmt.names)
            ):
                existing = stmt
    if existing is not None:
        snippet = snippet_at(ctx, existing.lineno)
        node = snippet.find(existing, cst.ImportFrom)
        assert isinstance(node, cst.ImportFrom)

        def extend(updated: cst.CSTNode) -> cst.CSTNode:
            assert isinstance(updated, cst.ImportFrom) and not isinstance(updated.names, cst.ImportStar)
            aliases = list(updated.names)
            last = aliases[-1]
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if isinstance(last.comma, cst.Comma):  # a parenthesised list with a trailing comma
                # The new names go where the next one would: after the separator the others use
                # (`,\n    ` in a list one name a line), the last keeping the closing layout.
                between = aliases[-2].comma if len(aliases) > 1 else None
                if not isinstance(between, cst.Comma):
                    lpar = updated.lpar
                    between = cst.Comma(whitespace_after=lpar.whitespace_after if lpar else cst.SimpleWhitespace(" "))
                kept, closing = between, last.comma
                after = last.comma.whitespace_after
                if isinstance(after, cst.ParenthesizedWhitespace) and isinstance(
                    between.whitespace_after, cst.ParenthesizedWhitespace
                ):
                    # The old last name keeps its comment; the line after it starts where the others do.
                    kept = last.comma.with_changes(
                        whitespace_after=after.with_changes(last_line=between.whitespace_after.last_line)
                    )
                    closing = last.comma.with_changes(
                        whitespace_after=after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
                    )
                aliases[-1] = last.with_changes(comma=kept)
                new = [cst.ImportAlias(cst.Name(n), comma=between) for n in names]
                new[-1] = new[-1].with_changes(comma=closing)
            else:
                aliases[-1] = last.with_changes(comma=comma)
                new = [cst.ImportAlias(cst.Name(n), comma=comma) for n in names]
                new[-1] = new[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(names=aliases + new)

        return snippet.edits({node: extend})
    if last_import is not None:
        line = (last_import.end_lineno or last_import.lineno) + 1
    else:
        line = _after_docstring(tree)
    newline = next((line_break(text) for text in ctx.lines if line_break(text)), "\n")  # the file's
    code = cst.Module(
        body=[
            cst.SimpleStatementLine(
                [cst.ImportFrom(module=cst.Name("fastapi"), names=[cst.ImportAlias(cst.Name(n)) for n in names])]
            )
        ],
        default_newline=newline,
    ).code
    if line > len(ctx.lines) and ctx.lines and not ctx.lines[-1].endswith(("\n", "\r")):
        code = newline + code
    pos = Position(line, 0)
    return [Edit(Range(pos, pos), code)]


def _after_docstring(tree: ast.Module) -> int:
    line = 1
    for stmt in tree.body:
        is_doc = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
        if is_doc and stmt is tree.body[0]:
            line = (stmt.end_lineno or stmt.lineno) + 1
        else:
            break
    return line


def status_reference(ctx: "Context", code: int, before_line: int) -> tuple[str, list[Edit]]:
    """How to write status `code` here: `status.HTTP_201_CREATED` when the module uses the
    `status` constants (or the setting says so), `HTTPStatus.CREATED` when it uses
    `http.HTTPStatus`, else `201`."""
    info = STATUSES.get(code)
    style = ctx.settings.status_style
    if info is None or style == "number":
        return str(code), []
    alias = ctx.model.status_module_alias
    if alias and shadowed(ctx, alias, before_line):
        return str(code), []
    if alias:
        return f"{alias}.{info.constant}", []
    member = http_status_member(code)
    http_alias = ctx.model.http_status_alias
    if style == "auto" and http_alias and member and not shadowed(ctx, http_alias, before_line):
        return f"{http_alias}.{member}", []
    if style == "constant":
        try:
            (ref,), edits = references(ctx, [STATUS_MODULE], before_line)
        except FixNotApplicable:
            return str(code), []
        return f"{ref}.{info.constant}", edits
    return str(code), []
