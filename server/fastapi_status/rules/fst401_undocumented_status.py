from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.callees import called_function, module_functions
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix, FixNotApplicable
from fastapi_status.core.index import nodes_leaving
from fastapi_status.core.model import FunctionNode, Route, kwarg, last_name
from fastapi_status.core.project_answers import route_answers, routers_shared_elsewhere
from fastapi_status.core.route_statuses import RAISED, covered, undocumented
from fastapi_status.core.status_sites import raised_status
from fastapi_status.core.statuses import describe, phrase
from fastapi_status.fixes.cst import rewrite, set_keyword
from fastapi_status.fixes.imports import status_reference
from fastapi_status.fixes.lazy import cst
from fastapi_status.rules.base import Invalid, Rule

AUTO_DOCUMENTED = {422}  # FastAPI documents validation errors itself


class UndocumentedStatus(Rule):
    """
    ## What it does
    Flags a route that raises `HTTPException` with statuses its `responses=` does not
    document: raised in the handler, in functions of the same module it calls (transitively), or
    in the `Depends(...)`/`Security(...)` functions of its parameters and `dependencies=` (and
    in theirs). Off by default: enable it with `extend-select = ["FST401"]` where the OpenAPI
    document is a contract.

    In a project (a folder with a `pyproject.toml`), the route's statuses come from the whole
    project (`fastapi-status routes` shows the same map): the dependencies of the route, of its
    routers and of the app, helpers in any module, `HTTPException` subclasses, the project's
    exceptions that an exception handler answers, and the security schemes' 401; and what is
    documented is every `responses=` FastAPI merges (the route's, each router's, each
    `include_router`'s, the app's). The message says where a status from another module comes
    from.

    Counted as documented: the route's `responses=` and that of the `APIRouter(...)` it is
    registered on when the module creates it (FastAPI merges both), `"4XX"`-style ranges, and
    422 (FastAPI documents validation errors itself). Left alone: a `responses=` that is not a
    dict literal (a shared constant, `**common`) or has a `"default"` entry, statuses that cannot
    be resolved statically, raises in nested functions, and raises inside a `try` whose
    `except HTTPException` clause answers something else.

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

    The fix adds the entries to the route's `responses=`; a status that every route of an
    `APIRouter(...)` the module creates answers (a dependency of the router, a helper they all
    call) is added once, to the router's `responses=`, which FastAPI merges into each route's.

    ## Fix safety
    The fix is safe: it only adds documentation entries (`{404: {"description": "Not Found"}}`,
    with the key written like the existing keys), and what the route sends is unchanged.
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
        # Documented on the router the module creates, or as a range.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter(responses={404: {'description': 'Not Found'}})\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n    raise HTTPException(404)\n",
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items/{i}', responses={'4XX': {'description': 'Client error'}})\ndef read(i: int):\n"
        "    raise HTTPException(404)\n",
        # Not in the OpenAPI document at all.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/oauth/callback', include_in_schema=False)\ndef callback(code: str = ''):\n"
        "    if not code:\n        raise HTTPException(400)\n    return {}\n",
        "from fastapi import FastAPI, HTTPException\napp = FastAPI(openapi_url=None)\n"
        "@app.get('/items/{i}')\ndef read(i: int):\n    raise HTTPException(404)\n",
        # A shared responses constant: not guessed.
        "from fastapi import APIRouter, HTTPException\nfrom .docs import ERRORS\nrouter = APIRouter()\n"
        "@router.get('/items/{i}', responses=ERRORS)\ndef read(i: int):\n    raise HTTPException(404)\n",
        # A callback defined in the handler, and a 404 turned into something else before it leaves.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n    def on_missing():\n        raise HTTPException(404)\n"
        "    try:\n        check(i)\n        raise HTTPException(409)\n    except HTTPException:\n        return None\n"
        "    return on_missing\n",
        # `validate` is imported: the method of the same name below is not what the route calls.
        "from fastapi import APIRouter, HTTPException\nfrom .checks import validate\nrouter = APIRouter()\n"
        "class Form:\n    def validate(self):\n        raise HTTPException(400)\n"
        "@router.post('/forms')\ndef submit(data: dict):\n    validate(data)\n    return data\n",
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
            "@router.get(\n"
            "    '/items/{i}',\n"
            "    responses={404: {'description': 'Missing'}, 401: {'description': 'Unauthorized'}},\n"
            ")\n"
            "def read(i: int, user=Depends(current_user)):\n    return load(i)\n",
        ),
        # A sub-dependency through Annotated; a multi-line dict keeps one entry a line.
        Invalid(
            "from typing import Annotated\nfrom fastapi import APIRouter, Depends, HTTPException\nrouter = APIRouter()\n"
            "def token(t: str = ''):\n    if not t:\n        raise HTTPException(401)\n    return t\n"
            "def user(t: Annotated[str, Depends(token)]):\n    return t\n"
            "@router.get(\n    '/me',\n    responses={\n        404: {'description': 'Not Found'},\n    },\n)\n"
            "def me(u: Annotated[str, Depends(user)]):\n    return u\n",
            fixed="from typing import Annotated\nfrom fastapi import APIRouter, Depends, HTTPException\nrouter = APIRouter()\n"
            "def token(t: str = ''):\n    if not t:\n        raise HTTPException(401)\n    return t\n"
            "def user(t: Annotated[str, Depends(token)]):\n    return t\n"
            "@router.get(\n    '/me',\n    responses={\n        404: {'description': 'Not Found'},\n"
            "        401: {'description': 'Unauthorized'},\n    },\n)\n"
            "def me(u: Annotated[str, Depends(user)]):\n    return u\n",
        ),
        # Every route of the router answers 404: documented once, on the router.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter(prefix='/items')\n"
            "def load(i):\n    raise HTTPException(status_code=404)\n"
            "@router.get('/{i}')\ndef read(i: int):\n    return load(i)\n"
            "@router.delete('/{i}', status_code=204)\ndef delete(i: int):\n    load(i)\n",
            fixed="from fastapi import APIRouter, HTTPException\n"
            "router = APIRouter(prefix='/items', responses={404: {'description': 'Not Found'}})\n"
            "def load(i):\n    raise HTTPException(status_code=404)\n"
            "@router.get('/{i}')\ndef read(i: int):\n    return load(i)\n"
            "@router.delete('/{i}', status_code=204)\ndef delete(i: int):\n    load(i)\n",
            count=2,
        ),
        # A subclass whose own __init__ fixes the status; the module writes status constants.
        Invalid(
            "from fastapi import FastAPI, HTTPException, status\napp = FastAPI()\n"
            "class Gone(HTTPException):\n    def __init__(self, what):\n"
            "        super().__init__(status.HTTP_410_GONE, f'{what} was removed')\n"
            "@app.get('/legacy', status_code=status.HTTP_200_OK)\ndef legacy():\n    raise Gone('legacy')\n",
            fixed="from fastapi import FastAPI, HTTPException, status\napp = FastAPI()\n"
            "class Gone(HTTPException):\n    def __init__(self, what):\n"
            "        super().__init__(status.HTTP_410_GONE, f'{what} was removed')\n"
            "@app.get(\n"
            "    '/legacy',\n"
            "    status_code=status.HTTP_200_OK,\n"
            "    responses={status.HTTP_410_GONE: {'description': 'Gone'}},\n"
            ")\n"
            "def legacy():\n    raise Gone('legacy')\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        across = route_answers(ctx)
        shared = _shared_by_router(ctx, across)
        for route in ctx.routes:
            found = _missing(ctx, route, across)
            if found is None or not found[0]:
                continue
            missing, origins = found
            listed = ", ".join(describe(c) + (f" ({origins[c]})" if c in origins else "") for c in missing)
            on_router = [c for c in missing if c in shared.get(id(route), ())]
            yield ctx.diagnostic(
                self,
                route.registration,
                f"route can answer {listed}, which `responses=` does not document",
                _document_fix(ctx, route, [c for c in missing if c not in on_router], on_router),
            )


def _missing(ctx: Context, route: Route, across: dict | None) -> tuple[list[int], dict[int, str]] | None:
    """The statuses the route answers that its OpenAPI does not document, and where those
    from other modules come from; None for a route not in the OpenAPI, or whose documented
    statuses are not read."""
    if _hidden(ctx, route):
        return None
    found = across.get((route.handler.name, route.handler.lineno, route.registration.lineno)) if across else None
    if found is not None:
        return _missing_across(ctx, route, found)
    documented = _documented(ctx, route)
    if documented is None:
        return None
    raised = _raised_codes(ctx, route)
    return sorted(c for c in raised - AUTO_DOCUMENTED - {route.effective_status} if not covered(c, documented)), {}


def _shared_by_router(ctx: Context, across: dict | None) -> dict[int, frozenset[int]]:
    """For each route (by id) of an `APIRouter(...)` the module creates, the statuses every
    route of that router misses: the fix documents those once, on the router (FastAPI merges
    its `responses=` into each route's). Only for a router with two routes or more, all in
    this module, whose `responses=` (if any) is a dict literal."""
    def build() -> dict[int, frozenset[int]]:
        elsewhere = routers_shared_elsewhere(ctx)
        by_owner: dict[str, list[Route]] = {}
        for route in ctx.model.routes:
            if isinstance(route.owner, ast.Name) and route.owner.id not in elsewhere:
                by_owner.setdefault(route.owner.id, []).append(route)
        shared: dict[int, frozenset[int]] = {}
        for name, routes in by_owner.items():
            call = _router_call(ctx, routes[0].owner)
            if call is None or last_name(call.func) != "APIRouter" or call.lineno > routes[0].registration.lineno:
                continue
            existing = kwarg(call, "responses")
            if existing is not None and not isinstance(existing.value, ast.Dict):
                continue
            answers = [_missing(ctx, r, across) for r in routes]
            if any(a is None for a in answers) or len(routes) < 2:
                continue
            common = frozenset.intersection(*(frozenset(a[0]) for a in answers if a is not None))
            if common:
                shared.update({id(r): common for r in routes})
        return shared

    return ctx.memo("fst401.shared-by-router", build)


def _missing_across(ctx: Context, route: Route, found: list) -> tuple[list[int], dict[int, str]]:
    """The documentable statuses the route answers that some inclusion of it does not document,
    and where each comes from when that is another module."""
    missing: set[int] = set()
    origins: dict[int, str] = {}
    here = ctx.settings.project.path if ctx.settings.project is not None else None
    skip = frozenset(AUTO_DOCUMENTED | {route.effective_status})
    for answers in found:
        for status in undocumented(answers.statuses, answers.documented, RAISED, skip):
            missing.add(status.code)
            sources = [src for src in status.sources if src.kind in RAISED]
            if status.code not in origins and all(src.file != here for src in sources):
                origins[status.code] = f"from {sources[0].via[-1]}" if sources[0].via else sources[0].what
    return sorted(missing), origins


def _hidden(ctx: Context, route: Route) -> bool:
    """Not in the OpenAPI document: `include_in_schema=False` on the route or its router, or an
    app created with `openapi_url=None`."""
    owner = _router_call(ctx, route.owner)
    for call, name in ((route.registration, "include_in_schema"), (owner, "include_in_schema"), (owner, "openapi_url")):
        kw = kwarg(call, name) if call is not None else None
        if kw is not None and isinstance(kw.value, ast.Constant) and kw.value.value in (False, None):
            return True
    return False



def _documented(ctx: Context, route: Route) -> set[int | str] | None:
    """Statuses in `responses=` of the route and of its router when the module creates it
    (FastAPI merges both), `"4XX"`-style ranges as such. None when some `responses` is not a
    dict literal we can read, or documents a `"default"` answer."""
    places = [route.responses.value] if route.responses is not None else []
    owner = _router_call(ctx, route.owner)
    if owner is not None and kwarg(owner, "responses") is not None:
        places.append(kwarg(owner, "responses").value)
    codes: set[int | str] = set()
    for value in places:
        if not isinstance(value, ast.Dict):
            return None
        for key in value.keys:
            if key is None:
                return None  # `**common_responses`
            code = ctx.model.status_of(key)
            text = key.value.strip().upper() if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
            if code is None and text is not None:
                if text == "DEFAULT":
                    return None
                code = int(text) if text.isdigit() else None
                if code is None and len(text) == 3 and text[0] in "12345" and text[1:] == "XX":
                    codes.add(text)
            if code is not None:
                codes.add(code)
    return codes


def _router_call(ctx: Context, owner: ast.expr) -> ast.Call | None:
    """The `APIRouter(...)`/`FastAPI(...)` call a route's owner name is bound to in this module."""
    if not isinstance(owner, ast.Name) or owner.id not in ctx.model.app_names:
        return None
    for node in ctx.tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == owner.id for t in targets):
                return node.value
    return None


def _raised_codes(ctx: Context, route: Route) -> set[int]:
    """Statuses of the HTTPExceptions the route can raise: in its handler, the module's functions
    it calls (transitively) and its dependencies (and theirs)."""
    codes: set[int] = set()
    seen: set[int] = set()
    queue: list[FunctionNode] = [route.handler, *_dependencies(ctx, route.handler, route.registration)]
    while queue:
        fn = queue.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        if fn is not route.handler:
            queue += _dependencies(ctx, fn, None)
        for node in _reachable(ctx, fn.body):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and ctx.model.is_http_exception(node.exc.func):
                code = raised_status(ctx.model, node.exc)
                if code is not None:
                    codes.add(code)
            elif isinstance(node, ast.Call):
                callee = called_function(ctx, node)
                if callee is not None:
                    queue.append(callee)
    return codes


def _reachable(ctx: Context, stmts: list[ast.stmt]):
    """The nodes of `stmts` whose exceptions leave the function: not in nested functions,
    classes or lambdas, nor in a `try` body whose `except HTTPException` clause answers otherwise."""
    return nodes_leaving(stmts, lambda node: any(_converts_http(ctx, h) for h in node.handlers))


def _converts_http(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """`except HTTPException` whose body does not raise what it caught (itself, or through a
    function it hands the exception to, such as `raise to_http_error(exc)`)."""
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    if not any(ctx.model.is_http_exception(t) for t in types):
        return False
    for n in ast.walk(handler):
        if isinstance(n, ast.Raise):
            if n.exc is None:
                return False
            if handler.name and any(isinstance(x, ast.Name) and x.id == handler.name for x in ast.walk(n.exc)):
                return False
    return True


def _dependencies(ctx: Context, fn: FunctionNode, registration: ast.Call | None) -> list[FunctionNode]:
    """The module's functions given to `Depends(...)`/`Security(...)` in `fn`'s parameters (and
    in the route's `dependencies=`)."""
    found = []
    places: list[ast.AST | None] = [*fn.args.defaults, *fn.args.kw_defaults]
    places += [a.annotation for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]]
    deps = kwarg(registration, "dependencies") if registration is not None else None
    if deps is not None:
        places.append(deps.value)
    functions = module_functions(ctx)
    for place in places:
        for node in ast.walk(place) if place is not None else ():
            if (
                isinstance(node, ast.Call)
                and ctx.model.qualname(node.func) in ("fastapi.Depends", "fastapi.Security")
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in functions
            ):
                found.append(functions[node.args[0].id])
    return found


def _document_fix(ctx: Context, route: Route, missing: list[int], on_router: list[int]) -> list[Fix]:
    """Add `missing` to the route's `responses=` and `on_router` to its router's."""
    router = _router_call(ctx, route.owner) if on_router else None
    for call in (route.registration if missing else None, router):
        existing = kwarg(call, "responses") if call is not None else None
        if existing is not None and not isinstance(existing.value, ast.Dict):
            return []
    quote = _quote(ctx, route)

    def build():
        edits, imports = [], []
        for call, codes in ((route.registration, missing), (router, on_router)):
            if call is None or not codes:
                continue
            try:
                more, needed = _entries_edits(ctx, call, codes, quote)
            except FixNotApplicable:
                continue
            edits += more
            imports = imports or needed
        if not edits:
            raise FixNotApplicable()
        return edits + imports

    if on_router:
        title = f"Document {', '.join(map(str, on_router))} on the router (every route of it answers {'them' if len(on_router) > 1 else 'it'})"
        if missing:
            title += f", and {', '.join(map(str, missing))} in the route's `responses=`"
    else:
        title = "Document the statuses in `responses=`"
    return [Fix(title, Applicability.SAFE, build)]


def _entries_edits(ctx: Context, node: ast.Call, codes: list[int], quote: str) -> tuple[list, list]:
    """The edits that add `{code: {"description": phrase}}` entries to the call's `responses=`
    (made when absent), keys written like those already there; and the import edits a
    `status` constant needs."""
    existing = kwarg(node, "responses")
    numbers = existing is not None and any(isinstance(k, ast.Constant) for k in existing.value.keys)  # type: ignore[attr-defined]
    there = {ctx.model.status_of(k) for k in existing.value.keys} if existing is not None else set()  # type: ignore[attr-defined]
    codes = [c for c in codes if c not in there]  # (never a second entry for a status: whatever led here)
    if not codes:
        raise FixNotApplicable()
    keys, imports = [], []
    for code in codes:
        if numbers:  # follow the keys already there
            key, edits = str(code), []
        else:
            key, edits = status_reference(ctx, code, before_line=node.lineno)
        imports = imports or edits
        keys.append(key)
    entries = [f"{k}: {{{_string('description', quote)}: {_string(phrase(c) or str(c), quote)}}}" for k, c in zip(keys, codes)]

    def plan(snippet):
        call = snippet.find(node, cst.Call)

        def change(updated: cst.Call) -> cst.Call:
            for arg in updated.args:
                if arg.keyword is not None and arg.keyword.value == "responses" and isinstance(arg.value, cst.Dict):
                    value = _extend_dict(arg.value, entries)
                    return updated.with_changes(args=[a.with_changes(value=value) if a is arg else a for a in updated.args])
            return set_keyword(updated, "responses", "{" + ", ".join(entries) + "}")

        return {call: change}

    return rewrite(ctx, node, plan), imports


def _extend_dict(node: cst.Dict, entries: list[str]) -> cst.Dict:
    """`node` with the `key: value` entries appended, in its layout (one entry a line when it is
    written so, keeping a trailing comma)."""
    parsed = cst.parse_expression("{" + ", ".join(entries) + "}")
    assert isinstance(parsed, cst.Dict)
    new = [e.with_changes(comma=cst.MaybeSentinel.DEFAULT) for e in parsed.elements]
    elements = list(node.elements)
    if not elements:
        commas = [cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) for _ in new[:-1]]
        return node.with_changes(elements=[e.with_changes(comma=c) for e, c in zip(new, commas)] + new[-1:])
    if isinstance(node.lbrace.whitespace_after, cst.ParenthesizedWhitespace):
        gap: cst.BaseParenthesizableWhitespace = node.lbrace.whitespace_after  # one entry a line
    elif len(elements) >= 2 and isinstance(elements[-2].comma, cst.Comma):
        gap = elements[-2].comma.whitespace_after
    else:
        gap = cst.SimpleWhitespace(" ")
    last = elements[-1]
    trailing = last.comma if isinstance(last.comma, cst.Comma) else None
    elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=gap))
    for i in range(len(new) - 1):
        new[i] = new[i].with_changes(comma=cst.Comma(whitespace_after=gap))
    if trailing is not None:
        new[-1] = new[-1].with_changes(comma=trailing)
    return node.with_changes(elements=elements + new)


def _quote(ctx: Context, route: Route) -> str:
    """The quote the module writes strings with: the route's own strings first."""
    for node in ast.walk(route.registration):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = ctx.text(node)
            if text[:1] in ("'", '"'):
                return text[0]
    return "'" if ctx.source.count("'") > ctx.source.count('"') else '"'


def _string(text: str, quote: str) -> str:
    if quote in text or "\\" in text:
        return repr(text)
    return f"{quote}{text}{quote}"
