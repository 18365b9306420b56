from __future__ import annotations

import ast
from typing import Iterable

import libcst as cst

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.model import FunctionNode, Route, kwarg
from fastapi_status.core.statuses import describe, phrase
from fastapi_status.fixes.cst import rewrite, set_keyword
from fastapi_status.fixes.imports import status_reference
from fastapi_status.rules.base import Invalid, Rule

AUTO_DOCUMENTED = {422}  # FastAPI documents validation errors itself


class UndocumentedStatus(Rule):
    """
    ## What it does
    Flags a route that raises `HTTPException` with statuses its `responses=` does not
    document: raised in the handler, in functions of the same module it calls, or in the
    `Depends(...)` functions of its parameters and `dependencies=`. Off by default: enable it
    with `extend-select = ["FST401"]` where the OpenAPI document is a contract.

    ## Why is this bad?
    FastAPI's OpenAPI document lists only the declared success status (and 422). Clients and SDK
    generators built from it do not know the route can answer 404 or 409, so they cannot type
    or handle those answers.

    ## Example
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int):
        item = await repo.get(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        return item
    ```

    ## Use instead
    ```python
    @router.get("/items/{item_id}", responses={404: {"description": "Not Found"}})
    async def read_item(item_id: int):
        item = await repo.get(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        return item
    ```

    ## Fix safety
    The fix is safe: it only adds documentation entries; what the route sends is unchanged.
    """

    code = "FST401"
    name = "undocumented-status"
    summary = "Route raises HTTPException statuses that `responses=` does not document"
    default_enabled = False
    fix_summary = "Add the entries to `responses=` (safe)"

    VALID = [
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items/{i}', responses={404: {'description': 'Not Found'}})\ndef read(i: int):\n"
        "    raise HTTPException(404)\n",
        # 422 is documented by FastAPI itself; unresolvable statuses are not guessed.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.post('/items')\ndef create(i: int, code: int):\n    if i < 0:\n        raise HTTPException(422)\n"
        "    raise HTTPException(code)\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{i}')\ndef read(i: int):\n    raise HTTPException(404)\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{i}', responses={404: {'description': 'Not Found'}})\ndef read(i: int):\n"
            "    raise HTTPException(404)\n",
        ),
        # Through a dependency and a helper; the existing dict is extended.
        Invalid(
            "from fastapi import APIRouter, Depends, HTTPException\nrouter = APIRouter()\n"
            "def current_user(token: str = ''):\n    if not token:\n        raise HTTPException(401)\n    return token\n"
            "def load(i):\n    raise HTTPException(status_code=404)\n"
            "@router.get('/items/{i}', responses={404: {'description': 'Missing'}})\n"
            "def read(i: int, user=Depends(current_user)):\n    return load(i)\n",
            fixed="from fastapi import APIRouter, Depends, HTTPException\nrouter = APIRouter()\n"
            "def current_user(token: str = ''):\n    if not token:\n        raise HTTPException(401)\n    return token\n"
            "def load(i):\n    raise HTTPException(status_code=404)\n"
            "@router.get('/items/{i}', responses={404: {'description': 'Missing'}, 401: {'description': 'Unauthorized'}})\n"
            "def read(i: int, user=Depends(current_user)):\n    return load(i)\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for route in ctx.routes:
            raised = _raised_codes(ctx, route)
            documented = _documented(ctx, route)
            if documented is None:
                continue
            missing = sorted(raised - documented - AUTO_DOCUMENTED)
            if not missing:
                continue
            listed = ", ".join(describe(c) for c in missing)
            yield ctx.diagnostic(
                self,
                route.registration,
                f"route can answer {listed}, which `responses=` does not document",
                [_document_fix(ctx, route, missing)],
            )


def _documented(ctx: Context, route: Route) -> set[int] | None:
    """Statuses in `responses=`; None when it is not a dict literal we can read."""
    if route.responses is None:
        return set()
    if not isinstance(route.responses.value, ast.Dict):
        return None
    codes = set()
    for key in route.responses.value.keys:
        if key is None:
            return None  # `**common_responses`
        code = ctx.model.status_of(key)
        if code is None and isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isdigit():
            code = int(key.value)
        if code is not None:
            codes.add(code)
    return codes


def _raised_codes(ctx: Context, route: Route) -> set[int]:
    codes: set[int] = set()
    seen: set[int] = set()
    queue: list[FunctionNode] = [route.handler, *_dependencies(ctx, route)]
    while queue:
        fn = queue.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        for node in ast.walk(fn):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and ctx.model.is_http_exception(node.exc.func):
                call = node.exc
                expr = call.args[0] if call.args else (kwarg(call, "status_code").value if kwarg(call, "status_code") else None)
                code = ctx.model.status_of(expr)
                if code is not None:
                    codes.add(code)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ctx.model.functions:
                queue.append(ctx.model.functions[node.func.id])
    return codes


def _dependencies(ctx: Context, route: Route) -> list[FunctionNode]:
    found = []
    places: list[ast.AST] = [*route.handler.args.defaults, *route.handler.args.kw_defaults]
    places += [a.annotation for a in [*route.handler.args.args, *route.handler.args.kwonlyargs] if a.annotation]
    deps = kwarg(route.registration, "dependencies")
    if deps is not None:
        places.append(deps.value)
    for place in places:
        for node in ast.walk(place) if place is not None else ():
            if (
                isinstance(node, ast.Call)
                and ctx.model.qualname(node.func) in ("fastapi.Depends", "fastapi.Security")
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in ctx.model.functions
            ):
                found.append(ctx.model.functions[node.args[0].id])
    return found


def _document_fix(ctx: Context, route: Route, missing: list[int]) -> Fix:
    def build():
        line = route.registration.lineno
        entries = []
        import_edits = []
        for code in missing:
            key, edits = status_reference(ctx, code, before_line=line)
            import_edits = import_edits or edits
            entries.append((key, phrase(code) or str(code)))

        def plan(snippet):
            call = snippet.find(route.registration, cst.Call)

            def change(updated: cst.Call) -> cst.Call:
                for arg in updated.args:
                    if arg.keyword is not None and arg.keyword.value == "responses" and isinstance(arg.value, cst.Dict):
                        elements = list(arg.value.elements)
                        quote = _quote_of(arg.value)
                        new = [
                            cst.DictElement(
                                cst.parse_expression(k), cst.parse_expression(f"{{{quote}description{quote}: {quote}{d}{quote}}}")
                            )
                            for k, d in entries
                        ]
                        if elements and elements[-1].comma is cst.MaybeSentinel.DEFAULT:
                            elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                            for i in range(len(new) - 1):
                                new[i] = new[i].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                        else:
                            new = [e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in new]
                        new_args = [
                            a.with_changes(value=arg.value.with_changes(elements=elements + new)) if a is arg else a
                            for a in updated.args
                        ]
                        return updated.with_changes(args=new_args)
                quote = "'" if "'description'" in ctx.source or "'" in ctx.text(route.registration) else '"'
                text = ", ".join(f"{k}: {{{quote}description{quote}: {quote}{d}{quote}}}" for k, d in entries)
                return set_keyword(updated, "responses", "{" + text + "}")

            return {call: change}

        return rewrite(ctx, route.registration, plan) + import_edits

    return Fix("Document the statuses in `responses=`", Applicability.SAFE, build)


def _quote_of(node: cst.Dict) -> str:
    for element in node.elements:
        key = getattr(element, "key", None)
        if isinstance(key, cst.SimpleString):
            return key.value[0]
        value = getattr(element, "value", None)
        if isinstance(value, cst.Dict):
            return _quote_of(value)
    return '"'
