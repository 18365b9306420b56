from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import (
    Applicability,
    Diagnostic,
    Fix,
    Position,
    Range,
)
from fastapi_status.core.index import NodeIndex
from fastapi_status.core.model import STATUS_MODULE, last_name
from fastapi_status.core.statuses import DEPRECATED_CONSTANTS
from fastapi_status.fixes.cst import rewrite
from fastapi_status.fixes.lazy import cst
from fastapi_status.rules.base import Invalid, Rule

# What a compatibility shim catches: the new name missing (an import or an attribute), nothing else.
_SHIM_EXCEPTIONS = {"ImportError", "AttributeError", "ModuleNotFoundError"}
# What a shim's `try` body holds: the import or the attribute access, and nothing that does work.
_SHIM_STATEMENTS = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.Pass)


class DeprecatedStatusConstant(Rule):
    """
    ## What it does
    Flags the status constants that Starlette renamed and now deprecates:
    `HTTP_413_REQUEST_ENTITY_TOO_LARGE`, `HTTP_414_REQUEST_URI_TOO_LONG`,
    `HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE` and `HTTP_422_UNPROCESSABLE_ENTITY`, used through
    `fastapi.status` or `starlette.status`.

    ## Why is this bad?
    RFC 9110 renamed these codes (413 Content Too Large, 414 URI Too Long, 416 Range Not
    Satisfiable, 422 Unprocessable Content). Starlette keeps the old names only as deprecated
    aliases that emit a `DeprecationWarning` on every access, and will drop them.

    Compatibility code is left alone: an import or an assignment of the name in a `try` that
    catches `ImportError`/`AttributeError` (and holds nothing else), the fallback of
    `getattr(status, "HTTP_422_UNPROCESSABLE_CONTENT", …)`, and a name under a
    `hasattr(status, …)` test are deliberate shims for older Starlette versions. A name read in
    a handler's `try: … except Exception:` is not: that `try` is about the handler's work.

    Projects that pin a Starlette older than 0.48 (or a FastAPI older than 0.116.2) in their
    `pyproject.toml` or `requirements.txt` (`fastapi~=0.115.0`, `starlette<0.48`) are left
    alone: there the old names are the current ones and the new ones do not exist yet.

    ## Example
    ```python
    from fastapi import HTTPException, status

    raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="Bad payload")
    ```

    ## Use instead
    ```python
    from fastapi import HTTPException, status

    raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="Bad payload")
    ```

    ## Fix safety
    The fix is safe: both names hold the same number. The new names exist from Starlette 0.48,
    the first release that deprecates the old ones; the rule is silent where the project's
    declared dependencies allow no such Starlette.
    """

    code = "FST303"
    name = "deprecated-status-constant"
    summary = "Deprecated Starlette status constant name"
    fix_summary = "Rename to the current constant (safe)"

    VALID = [
        "from fastapi import status\ncode = status.HTTP_422_UNPROCESSABLE_CONTENT\n",
        # A shim for older Starlette versions.
        "from fastapi import status\n"
        "UNPROCESSABLE = getattr(status, 'HTTP_422_UNPROCESSABLE_CONTENT', status.HTTP_422_UNPROCESSABLE_ENTITY)\n",
        "try:\n"
        "    from starlette.status import HTTP_422_UNPROCESSABLE_CONTENT as UNPROCESSABLE\n"
        "except ImportError:\n"
        "    from starlette.status import HTTP_422_UNPROCESSABLE_ENTITY as UNPROCESSABLE\n",
        "from fastapi import status\n"
        "if hasattr(status, 'HTTP_413_CONTENT_TOO_LARGE'):\n"
        "    TOO_LARGE = status.HTTP_413_CONTENT_TOO_LARGE\n"
        "else:\n"
        "    TOO_LARGE = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE\n",
        "from fastapi import status\n"
        "try:\n"
        "    UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_CONTENT\n"
        "except AttributeError:  # Starlette < 0.48\n"
        "    UNPROCESSABLE = status.HTTP_422_UNPROCESSABLE_ENTITY\n",
        # Not Starlette's status module.
        "import myapp.status as status\ncode = status.HTTP_422_UNPROCESSABLE_ENTITY\n",
    ]
    INVALID = [
        # A handler's `try: … except Exception:` is about its work, not a compatibility shim.
        Invalid(
            "from fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n"
            "@router.post('/items')\nasync def create(item: dict):\n"
            "    try:\n"
            "        if not item:\n"
            "            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, 'empty')\n"
            "        return await save(item)\n"
            "    except Exception as exc:\n"
            "        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc))\n",
            count=2,
        ),
        # `except AttributeError` around work that is not the name's access.
        Invalid(
            "from fastapi import status\n"
            "try:\n"
            "    code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE\n"
            "    limit = settings.load_limit()\n"
            "except (ImportError, AttributeError):\n"
            "    limit = None\n",
            fixed="from fastapi import status\n"
            "try:\n"
            "    code = status.HTTP_413_CONTENT_TOO_LARGE\n"
            "    limit = settings.load_limit()\n"
            "except (ImportError, AttributeError):\n"
            "    limit = None\n",
        ),
        Invalid(
            "from fastapi import HTTPException, status\n"
            "raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail='Bad payload')\n",
            fixed="from fastapi import HTTPException, status\n"
            "raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail='Bad payload')\n",
        ),
        Invalid(
            "from starlette import status as http_status\n"
            "LIMIT = http_status.HTTP_413_REQUEST_ENTITY_TOO_LARGE  # too big\n",
            fixed="from starlette import status as http_status\n"
            "LIMIT = http_status.HTTP_413_CONTENT_TOO_LARGE  # too big\n",
        ),
        Invalid(
            "import fastapi\ncode = fastapi.status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE\n",
            fixed="import fastapi\ncode = fastapi.status.HTTP_416_RANGE_NOT_SATISFIABLE\n",
        ),
        Invalid(
            "from starlette.status import HTTP_414_REQUEST_URI_TOO_LONG\n"
            "def check(n):\n"
            "    return HTTP_414_REQUEST_URI_TOO_LONG if n else 200\n",
            fixed="from starlette.status import HTTP_414_URI_TOO_LONG\n"
            "def check(n):\n"
            "    return HTTP_414_URI_TOO_LONG if n else 200\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        if not ctx.settings.new_status_names:
            return  # the project pins a Starlette where the old names are the current ones
        model = ctx.model
        index = model.index
        candidates: list[ast.AST] = list(ctx.attributes_named(DEPRECATED_CONSTANTS))
        candidates += [n for n in ctx.nodes(ast.ImportFrom) if any(a.name in DEPRECATED_CONSTANTS for a in n.names)]
        if not candidates:
            return
        shims = _shim_nodes(ctx.nodes_of(ast.Try, ast.Call, ast.If))
        for node in candidates:
            if id(node) in shims:
                continue
            if isinstance(node, ast.Attribute):
                if model.qualname(node.value) != STATUS_MODULE:
                    continue
                end = ctx.range(node).end
                start = Position(end.line, end.col - len(node.attr))
                yield self._diagnostic(ctx, node, node.attr, Range(start, end), [node])
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module in ("fastapi.status", "starlette.status"):
                for alias in node.names:
                    if alias.name not in DEPRECATED_CONSTANTS:
                        continue
                    uses = [] if alias.asname else _name_uses(index, alias.name)
                    rng = _alias_range(ctx, node, alias)
                    yield self._diagnostic(ctx, node, alias.name, rng, uses, import_node=node)

    def _diagnostic(self, ctx, node, old, rng, uses, import_node=None) -> Diagnostic:
        new = DEPRECATED_CONSTANTS[old]

        def build():
            edits = []
            if import_node is not None:
                alias = next(a for a in import_node.names if a.name == old)
                edits += rewrite(ctx, alias, lambda s: _rename_plan(s, alias, old, new, cst.ImportAlias))
            for use in uses:
                edits += rewrite(ctx, use, lambda s, use=use: _rename_plan(s, use, old, new, (cst.Attribute, cst.Name)))
            return edits

        fix = Fix(f"Rename to `{new}`", Applicability.SAFE, build)
        return ctx.diagnostic(self, rng, f"`{old}` is deprecated; use `{new}`", [fix], deprecated=True)


def _rename_plan(snippet, node, old, new, kind):
    target = snippet.find(node, kind)

    def rename(updated):
        if isinstance(updated, cst.Attribute):
            return updated.with_changes(attr=cst.Name(new))
        if isinstance(updated, cst.ImportAlias):
            return updated.with_changes(name=cst.Name(new))
        return updated.with_changes(value=new)

    return {target: rename}


def _name_uses(index: NodeIndex, name: str) -> list[ast.Name]:
    return [n for n in index.of(ast.Name) if n.id == name]


def _alias_range(ctx: Context, node: ast.ImportFrom, alias: ast.alias) -> Range:
    if hasattr(alias, "lineno"):
        return ctx.range(alias)
    return ctx.range(node)


def _shim_statement(stmt: ast.stmt) -> bool:
    """An import, `pass`, or a name bound to a plain access (`X = status.HTTP_…`): no work."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return isinstance(stmt.value, (ast.Attribute, ast.Name))
    return isinstance(stmt, _SHIM_STATEMENTS)


def _shim_nodes(nodes: list[ast.AST]) -> set[int]:
    """Nodes inside version-compatibility code, which may name the old constants on purpose."""
    shim: set[int] = set()

    def mark(nodes):
        for n in nodes:
            for sub in ast.walk(n):
                shim.add(id(sub))

    for node in nodes:
        if isinstance(node, ast.Try):
            caught = set()
            for h in node.handlers:
                types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type] if h.type else []
                caught |= {last_name(t) for t in types}
            if caught & _SHIM_EXCEPTIONS and all(_shim_statement(s) for s in node.body):
                mark(node.body)
                mark(node.handlers)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
            mark(node.args[2:])
        elif isinstance(node, ast.If) and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("hasattr", "getattr")
            for n in ast.walk(node.test)
        ):
            mark([node])
    return shim
