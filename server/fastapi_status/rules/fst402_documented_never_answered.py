from __future__ import annotations

import ast
import io
import tokenize
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.flow import HandlerFlow, analyze_handler
from fastapi_status.core.model import ModuleModel, Route, kwarg, last_name
from fastapi_status.core.project import ModuleInfo, ProjectIndex
from fastapi_status.core.project_answers import Answers, route_answers
from fastapi_status.core.project_routes import module_model
from fastapi_status.core.raises import callee
from fastapi_status.core.statuses import describe
from fastapi_status.core.values import Kind, value_kind
from fastapi_status.fixes.cst import remove_keyword, rewrite
from fastapi_status.fixes.lazy import cst
from fastapi_status.rules.base import Invalid, Rule

# Statuses an app's OpenAPI may rightly document although no code of the route answers them:
# those a gateway, a proxy or the server in front answer (authentication, rate limits, sizes,
# time-outs), 422 (FastAPI's own), and every 5xx (any route can fail).
_IN_FRONT = frozenset({401, 403, 407, 408, 413, 414, 422, 429, 431})
# Middleware that never answers for a route: what it adds is headers or compression.
_QUIET_MIDDLEWARE = frozenset({"CORSMiddleware", "GZipMiddleware"})
_MIDDLEWARE_MEMO = "fst402.middleware"


class DocumentedNeverAnswered(Rule):
    """
    ## What it does
    Flags an entry of a route's `responses=` for a status the route never answers: every
    status it can answer is known (core/route_statuses.py, the map of `fastapi-status routes`,
    across the project's modules), and that one is not among them. Off by default, like
    FST401: enable it with `extend-select = ["FST402"]` where the OpenAPI document is a
    contract.

    It speaks only when the whole map is known: every dependency, helper, exception and
    status along the way is resolved, the app that serves the route is found (its exception
    handlers apply), every return of the handler is a plain value or a `Response` whose
    status is known, and the project adds no middleware (which could answer anything) other
    than `CORSMiddleware` and `GZipMiddleware`. Never flagged: 5xx (any route can fail), 422
    (FastAPI's), and the statuses a gateway or a proxy in front of the app answers (401, 403,
    407, 408, 413, 414, 429, 431); ranges (`"4XX"`) and `"default"`; the `responses=` of a
    router or an app, shared by routes that answer different things.

    ## Why is this bad?
    The OpenAPI document promises an answer the server never sends: SDK generators build
    types and error branches for it, and readers look for the case that produces it. It is
    usually left over from a copied route, or from code that no longer raises it.

    ## Example
    ```python
    @router.get("/health", responses={404: {"description": "Not Found"}})
    def health():
        return {"ok": True}
    ```

    ## Use instead
    ```python
    @router.get("/health")
    def health():
        return {"ok": True}
    ```

    ## Fix safety
    The fix is safe: it deletes the entry (with the description or the model written for it),
    and only the OpenAPI document changes; what the route sends does not. It is unsafe when a
    comment is on the entry's lines: the comment goes with it.
    """

    code = "FST402"
    name = "documented-never-answered"
    summary = "`responses=` documents a status the route never answers"
    default_enabled = False
    fix_summary = "Remove the entry from `responses=` (safe); with the comment on its lines (unsafe)"

    VALID = [
        # Answered: raised in the handler, or by a helper it calls.
        "from fastapi import FastAPI, HTTPException\napp = FastAPI()\n"
        "def find(i: int):\n    if i == 0:\n        raise HTTPException(404)\n    return {'i': i}\n"
        "@app.get('/items/{i}', responses={404: {'description': 'Not Found'}})\ndef read(i: int):\n"
        "    return find(i)\n",
        # Statuses a proxy or a gateway answers, a 5xx, ranges: never flagged.
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.get('/items', responses={401: {}, 429: {}, 503: {}, '4XX': {}, 'default': {}})\ndef items():\n"
        "    return []\n",
        # A dependency that is not resolved could answer anything.
        "from fastapi import Depends, FastAPI\nfrom auth import current_user\napp = FastAPI()\n"
        "@app.get('/me', responses={404: {'description': 'Not Found'}})\ndef me(user=Depends(current_user)):\n"
        "    return user\n",
        # The handler returns what a call builds: it may be a Response with any status.
        "from fastapi import FastAPI\nfrom .service import load\napp = FastAPI()\n"
        "@app.get('/items/{i}', responses={404: {'description': 'Not Found'}})\nasync def read(i: int):\n"
        "    return await load(i)\n",
        # A middleware can answer anything.
        "from fastapi import FastAPI\nfrom .auth import AuthMiddleware\napp = FastAPI()\n"
        "app.add_middleware(AuthMiddleware)\n"
        "@app.get('/items', responses={404: {'description': 'Not Found'}})\ndef items():\n    return []\n",
        # A router no app of the module includes: the app's handlers and dependencies are not known.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items', responses={404: {'description': 'Not Found'}})\ndef items():\n    return []\n",
        # A custom exception an exception handler answers with the documented status.
        "from fastapi import FastAPI, Request\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n"
        "class Missing(Exception):\n    pass\n"
        "@app.exception_handler(Missing)\nasync def missing(request: Request, exc: Missing):\n"
        "    return JSONResponse({'detail': 'missing'}, status_code=404)\n"
        "@app.get('/items/{i}', responses={404: {'description': 'Not Found'}})\ndef read(i: int):\n"
        "    if i == 0:\n        raise Missing()\n    return {'i': i}\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health', responses={404: {'description': 'Not Found'}})\ndef health():\n"
            "    return {'ok': True}\n",
            fixed="from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get('/health')\ndef health():\n    return {'ok': True}\n",
        ),
        # One entry of several; the route answers 404 and 200, never 409.
        Invalid(
            "from fastapi import FastAPI, HTTPException, status\napp = FastAPI()\n"
            "@app.get(\n    '/items/{i}',\n    responses={\n"
            "        status.HTTP_404_NOT_FOUND: {'description': 'Not Found'},\n"
            "        status.HTTP_409_CONFLICT: {'description': 'Conflict'},\n    },\n)\n"
            "def read(i: int):\n    if i == 0:\n        raise HTTPException(status.HTTP_404_NOT_FOUND)\n    return {'i': i}\n",
            fixed="from fastapi import FastAPI, HTTPException, status\napp = FastAPI()\n"
            "@app.get(\n    '/items/{i}',\n    responses={\n"
            "        status.HTTP_404_NOT_FOUND: {'description': 'Not Found'},\n    },\n)\n"
            "def read(i: int):\n    if i == 0:\n        raise HTTPException(status.HTTP_404_NOT_FOUND)\n    return {'i': i}\n",
        ),
        # With a comment on its line, the fix is unsafe (the comment goes with the entry).
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get(\n    '/health',\n    responses={\n        404: {'description': 'Not Found'},  # copied\n    },\n)\n"
            "def health():\n    return {'ok': True}\n",
            fixed="from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.get(\n    '/health',\n)\n"
            "def health():\n    return {'ok': True}\n",
        ),
        # A 200 documented on a route that answers 201.
        Invalid(
            "from fastapi import FastAPI, HTTPException\napp = FastAPI()\n"
            "@app.post('/items', status_code=201, responses={200: {'description': 'OK'}, 400: {}})\n"
            "def create_item(name: str):\n    if not name:\n        raise HTTPException(400)\n    return {'name': name}\n",
            fixed="from fastapi import FastAPI, HTTPException\napp = FastAPI()\n"
            "@app.post('/items', status_code=201, responses={400: {}})\n"
            "def create_item(name: str):\n    if not name:\n        raise HTTPException(400)\n    return {'name': name}\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        candidates = [r for r in ctx.routes if r.responses is not None and isinstance(r.responses.value, ast.Dict)]
        if not candidates:
            return
        answers = route_answers(ctx, alone=True)
        if not answers or _adds_middleware(ctx):
            return
        for route in candidates:
            found = answers.get((route.handler.name, route.handler.lineno, route.registration.lineno))
            if not found or not _all_known(ctx, route, found):
                continue
            answered = frozenset().union(*(a.statuses.codes for a in found))
            value = route.responses.value  # type: ignore[union-attr]
            for key in value.keys:  # type: ignore[union-attr]
                code = _documented_code(ctx, key)
                if code is None or code in answered or code in _IN_FRONT or not 200 <= code < 500:
                    continue
                listed = ", ".join(str(c) for c in sorted(answered))
                yield ctx.diagnostic(
                    self,
                    key,  # type: ignore[arg-type]
                    f"`responses=` documents {describe(code)}, which this route never answers (it answers {listed})",
                    _remove_fix(ctx, route, key),  # type: ignore[arg-type]
                )


def _documented_code(ctx: Context, key: ast.expr | None) -> int | None:
    if key is None:
        return None
    code = ctx.model.status_of(key)
    if code is None and isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.strip().isdigit():
        code = int(key.value.strip())
    return code


def _all_known(ctx: Context, route: Route, found: list[Answers]) -> bool:
    """Every inclusion of the route is served by a known app, in the OpenAPI, with nothing
    unresolved; and every return of the handler is provably not a Response the status model
    did not read (a value an unknown call builds may be a Response with any status)."""
    for a in found:
        if a.route.app is None or a.statuses.unresolved or not a.documented.in_schema or not a.documented.responses_read:
            return False
    info = found[0].route.module
    flow = ctx.flow(route.handler)
    return all(_plain(ctx, info, ctx.model, flow, site.value, 0) for site in flow.returns)


_PLAIN_DEPTH = 3  # calls followed to see what a returned call gives back


def _plain(ctx: Context, info: ModuleInfo, model: ModuleModel, flow: HandlerFlow, value: ast.expr | None, depth: int) -> bool:
    """The returned value is a plain value, None or a Response built right there (whose status
    the model reads): not something a call builds that could be any Response. A call to a
    function of the module or the project counts when everything it returns is so."""
    value = value.value if isinstance(value, ast.Await) else value
    if value_kind(value, model, flow) is not Kind.UNKNOWN:
        return True
    if depth >= _PLAIN_DEPTH:
        return False
    if isinstance(value, ast.Name):
        values = flow.locals.get(value.id) or []
        return bool(values) and all(
            not (isinstance(v, ast.Name) and v.id == value.id) and _plain(ctx, info, model, flow, v, depth + 1) for v in values
        )
    if not isinstance(value, ast.Call):
        return False
    target = callee(ctx.settings.project, info, value)
    if target is None:
        return False
    callee_info, function = target.module, target.function
    callee_model = module_model(callee_info) if callee_info is not info else model
    if function.returns is not None and callee_model.response_class_of(function.returns):
        return False
    callee_flow = analyze_handler(function, callee_model)
    return all(_plain(ctx, callee_info, callee_model, callee_flow, site.value, depth + 1) for site in callee_flow.returns)


def _adds_middleware(ctx: Context) -> bool:
    """The project (or the module, alone) adds middleware that may answer for a route:
    `app.add_middleware(X)`, `@app.middleware("http")`, `FastAPI(middleware=[...])`, other
    than CORS and GZip."""
    view = ctx.settings.project
    if view is None or view.name is None:
        return _module_adds_middleware(ctx.tree)
    index = view.index
    known = index.memo.get(_MIDDLEWARE_MEMO)
    if not isinstance(known, tuple):
        known = index.memo[_MIDDLEWARE_MEMO] = (_project_adds_middleware(index), frozenset(index.modules))
    return known[0] or _module_adds_middleware(ctx.tree)


def _project_adds_middleware(index: ProjectIndex) -> bool:
    for name in index.modules:
        if not index.mentions(name, ("middleware",)):
            continue
        info = index.module(name)
        if info is not None and _module_adds_middleware(info.tree):
            return True
    return False


def _module_adds_middleware(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if kwarg(node, "middleware") is not None and last_name(node.func) in ("FastAPI", "Starlette"):
            return True
        if isinstance(node.func, ast.Attribute) and node.func.attr == "middleware":
            return True  # `@app.middleware("http")`
        if isinstance(node.func, ast.Attribute) and node.func.attr == "add_middleware":
            if not node.args or last_name(node.args[0]) not in _QUIET_MIDDLEWARE:
                return True
    return False


def _remove_fix(ctx: Context, route: Route, key: ast.expr) -> list[Fix]:
    value = route.responses.value  # type: ignore[union-attr]
    assert isinstance(value, ast.Dict)
    position = next(i for i, k in enumerate(value.keys) if k is key)

    def build():
        def plan(snippet):
            call = snippet.find(route.registration, cst.Call)

            def change(updated: cst.Call) -> cst.Call:
                if len(value.keys) == 1:
                    return remove_keyword(updated, "responses")
                args = []
                for arg in updated.args:
                    if arg.keyword is not None and arg.keyword.value == "responses" and isinstance(arg.value, cst.Dict):
                        arg = arg.with_changes(value=_without(arg.value, position))
                    args.append(arg)
                return updated.with_changes(args=args)

            return {call: change}

        return rewrite(ctx, route.registration, plan)

    value_node = value.values[position]
    commented = _has_comment(ctx, key.lineno, value_node.end_lineno or value_node.lineno)
    return [Fix("Remove the entry from `responses=`", Applicability.UNSAFE if commented else Applicability.SAFE, build)]


def _has_comment(ctx: Context, first: int, last: int) -> bool:
    """A comment on lines `first`..`last` (a string holding `#` is not one). When the lines do
    not tokenize on their own, a `#` anywhere counts."""
    text = "".join(line + "\n" for line in ctx.lines[first - 1 : last])
    if "#" not in text:
        return False
    try:
        return any(t.type == tokenize.COMMENT for t in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return True


def _without(node: cst.Dict, position: int) -> cst.Dict:
    """The dict without its element at `position`, in its layout, with the comments of the
    others. The element's comma goes with it, and its trailing comment (libcst keeps the last
    element's in the closing brace's whitespace: the one before then gives its own there, with
    the line break and indent that led to the brace); a trailing comma stays, none stays none."""
    elements = list(node.elements)
    removed = elements.pop(position)
    if position < len(elements) or not elements:
        return node.with_changes(elements=elements)
    before = elements[-1]
    own = before.comma.whitespace_after if isinstance(before.comma, cst.Comma) else None
    closing = node.rbrace.whitespace_before
    if isinstance(own, cst.ParenthesizedWhitespace):
        if isinstance(closing, cst.ParenthesizedWhitespace):
            closing = own.with_changes(indent=closing.indent, last_line=closing.last_line)
        else:
            closing = own
    if isinstance(removed.comma, cst.Comma) and isinstance(before.comma, cst.Comma):
        comma = before.comma.with_changes(whitespace_after=cst.SimpleWhitespace(""))
    else:
        comma = cst.MaybeSentinel.DEFAULT
    elements[-1] = before.with_changes(comma=comma)
    return node.with_changes(elements=elements, rbrace=node.rbrace.with_changes(whitespace_before=closing))
