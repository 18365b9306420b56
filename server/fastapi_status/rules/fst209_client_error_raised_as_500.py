from __future__ import annotations

import ast
import bisect
import re
from typing import Iterable

from fastapi_status.core.callees import bindings_in, enclosing_function, nodes_in, own_nodes_in
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.exception_handlers import ANYTHING, mapped_exceptions
from fastapi_status.core.inputs import body_values, client_values, mentions, root_name, text_values
from fastapi_status.core.messages import HEDGED, meaning_of, message_text, path_nouns, quoted, singular, subject
from fastapi_status.core.model import FunctionNode, Route, last_name
from fastapi_status.core.params import (
    DEPENDENCY_MARKERS,
    input_parameters,
    markers_of,
    parameters,
    path_parameters,
    request_parameter,
    text_parameters,
)
from fastapi_status.core.payloads import literal_text
from fastapi_status.core.raises import TRIES, Escape, callee, caught, escapes, module_info, plain_exception
from fastapi_status.core.statuses import describe
from fastapi_status.core.text import lazy_pattern, shorten, words
from fastapi_status.fixes.raise_http import raise_instead_fix
from fastapi_status.rules.base import Invalid, Rule


class ClientErrorRaisedAs500(Rule):
    """
    ## What it does
    Flags a route handler (or a dependency) that reports the client's error by raising a plain
    exception, `ValueError`, `Exception`, `PermissionError`, `KeyError`, `RuntimeError`…,
    whose message says which client error it is:

    - "… not found", "does not exist", "no such …", when what is missing is what the request
      names (a path or query parameter, a value read from the body, or what a path parameter
      stands for: "Organization not found" under `/organizations/{org_id}`) → 404;
    - "not authenticated", "invalid token", "login required" → 401;
    - "permission denied", "only admins can …", "you are not allowed to …" → 403;
    - "already exists", "duplicate" → 409;
    - "rate limit exceeded" → 429; "file too large" → 413.

    It also follows the calls such a function makes with what the client sent, into the
    module's own functions and (with the project around it: `fastapi-status check` reads it)
    into the project's other modules, classes' static and class methods included, two calls
    deep: `init_ws_context(session)` whose `WebsocketSession.require` raises
    `ValueError("Session not found")`. Down there a "not found" counts when what the call is
    given names what is missing (`session`, "Session not found"); any other message ("Invalid
    email address", "only admins can …") only when the called function itself raises it on a
    condition that reads the parameter the client's value fills. The finding is on the call.

    Only where nothing decides otherwise: the `raise` is outside any `try` of the function
    that may catch it, and no module of the project registers an exception handler for that
    class or a base of it (an `@app.exception_handler(ValueError)` answering 400 makes the code
    right; a handler for `Exception` is the app's server-error handler and still answers 500).

    ## Why is this bad?
    An exception that leaves the handler reaches the client as `500 Internal Server Error`:
    the client is told the server failed when its own request named something that does not
    exist (or that it may not touch), it cannot tell what to change, retries that cannot
    succeed follow, and the server's error monitoring pages someone for the client's mistake.

    ## Example
    ```python
    @router.get("/organizations/{org_id}")
    async def read_organization(org_id: str):
        org = await repo.get(org_id)
        if org is None:
            raise ValueError(f"Organization not found: {org_id}")
        return org
    ```

    ## Use instead
    ```python
    @router.get("/organizations/{org_id}")
    async def read_organization(org_id: str):
        org = await repo.get(org_id)
        if org is None:
            raise HTTPException(status_code=404, detail=f"Organization not found: {org_id}")
        return org
    ```

    ## Fix safety
    The fix raises `HTTPException` with the status the message names and the same message as
    its `detail`. It is unsafe: clients then receive that status and FastAPI's `{"detail": …}`
    body instead of `500 Internal Server Error`, and code that called the handler directly and
    caught the old exception no longer catches it.
    """

    code = "FST209"
    name = "client-error-raised-as-500"
    summary = "A client's error raised as a plain exception (`raise ValueError(\"Item not found\")`): the client gets 500"
    fix_summary = "Raise HTTPException with the status the message names (unsafe)"

    VALID = [
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items/{item_id}')\ndef read(item_id: int):\n"
        "    raise HTTPException(404, detail=f'Item {item_id} not found')\n",
        # An exception handler of the app (in any module) answers for ValueError.
        "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n"
        "@app.exception_handler(ValueError)\nasync def bad_value(request, exc):\n"
        "    return JSONResponse({'detail': str(exc)}, status_code=404)\n"
        "@app.get('/items/{item_id}')\ndef read(item_id: str):\n"
        "    raise ValueError(f'Item {item_id} not found')\n",
        # The server's own setup is missing: a 500 is right.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/transcribe')\ndef transcribe(audio: bytes):\n"
        "    raise ValueError('Model config not found. Start the proxy with a config file.')\n",
        # A try of the handler decides what the client gets.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items/{item_id}')\ndef read(item_id: str):\n    try:\n"
        "        raise ValueError(f'Item {item_id} not found')\n"
        "    except ValueError as e:\n        raise HTTPException(404, str(e))\n",
        # A helper: its callers decide what the client gets.
        "def load(item_id):\n    raise ValueError(f'Item {item_id} not found')\n",
        # An exception class of the project's own (it may be mapped where we cannot see).
        "from fastapi import APIRouter\nfrom .errors import NotFoundError\nrouter = APIRouter()\n"
        "@router.get('/items/{item_id}')\ndef read(item_id: str):\n"
        "    raise NotFoundError(f'Item {item_id} not found')\n",
        # (From litellm) a hook that takes the Request but is neither a route nor a dependency:
        # the auth code that calls it wraps what it raises into a 401.
        "from fastapi import Request\n"
        "async def user_api_key_auth(request: Request, api_key: str):\n"
        "    raise Exception('Invalid API key')\n",
        # (From litellm) what is missing is the server's configuration for what the client named,
        # not the thing itself: a 500 is right.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/azure/{endpoint:path}')\nasync def azure(endpoint: str):\n"
        "    for part in endpoint.split('/'):\n        base = CONFIG.get(part)\n        if base is None:\n"
        "            raise Exception(f'API base not found for {part}')\n",
        # (From prefect) a helper's check of its own argument, which the handler fills with a
        # constant; and a lookup the handler guards itself.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "def end_of_period(dt, period):\n    if period not in ('minute', 'hour'):\n"
        "        raise ValueError(f'Invalid period: {period}')\n    return dt\n"
        "@router.post('/task_runs/history')\ndef history(start: str):\n"
        "    return {'end': end_of_period(start, 'minute')}\n",
        # Two statuses named: silent.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/docs/{doc_id}')\ndef read(doc_id: str):\n"
        "    raise ValueError('Document not found or you do not have permission to view it')\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/organizations/{org_id}')\nasync def read(org_id: str):\n"
            "    org = await ORGS.get(org_id)\n    if org is None:\n"
            "        raise ValueError(f'Organization not found: {org_id}')\n    return org\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/organizations/{org_id}')\nasync def read(org_id: str):\n"
            "    org = await ORGS.get(org_id)\n    if org is None:\n"
            "        raise HTTPException(status_code=404, detail=f'Organization not found: {org_id}')\n"
            "    return org\n",
        ),
        # What is missing was read from the body the handler parsed itself.
        Invalid(
            "from fastapi import APIRouter, Request\nrouter = APIRouter()\n"
            "@router.patch('/organization/update')\nasync def update(request: Request):\n"
            "    data = Update(**(await request.json()))\n    row = await db.find(data.organization_id)\n"
            "    if row is None:\n"
            "        raise ValueError(f'Organization not found for organization_id={data.organization_id}')\n"
            "    return row\n",
        ),
        # (From chainlit) a helper of the module raises it for the session the client named:
        # reported at the call.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\nSESSIONS = {}\n"
            "def require_session(sid):\n    if sid not in SESSIONS:\n"
            "        raise ValueError('Session not found')\n    return SESSIONS[sid]\n"
            "@router.post('/project/action')\nasync def call_action(payload: ActionRequest):\n"
            "    session = require_session(payload.session_id)\n    return session.run(payload.action)\n",
        ),
        # (From phoenix) a validator called with the body's email.
        Invalid(
            "import re\nfrom fastapi import APIRouter\nrouter = APIRouter()\nEMAIL = re.compile(r'[^@]+@[^@]+')\n"
            "def validate_email_format(email: str) -> None:\n    if EMAIL.match(email) is None:\n"
            "        raise ValueError('Invalid email address')\n"
            "@router.post('/users', status_code=201)\nasync def create_user(body: NewUser):\n"
            "    email = body.email.strip().lower()\n    validate_email_format(email)\n    return {'email': email}\n",
        ),
        # A permission failure raised as PermissionError, in a dependency.
        Invalid(
            "from fastapi import Depends\n"
            "def require_admin(user=Depends(current_user)):\n    if not user.is_admin:\n"
            "        raise PermissionError('Only admins can manage teams')\n    return user\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        mapped = mapped_exceptions(ctx)
        if ANYTHING in mapped:
            return
        module = module_info(ctx)
        for node in ctx.nodes(ast.Raise):
            exc = node.exc
            if not (isinstance(exc, ast.Call) and exc.args):
                continue
            raised = plain_exception(module, node)
            if raised is None or raised in mapped:
                continue
            found = message_text(ctx, exc.args[0])
            if found is None:
                continue
            text, names = found
            meaning = meaning_of(text)
            if meaning is None or meaning.status >= 500 or HEDGED.search(text):
                continue
            function = enclosing_function(ctx, node)
            if function is None or not _answers(ctx, function) or caught(_tries_in(ctx, function), node, raised):
                continue
            if meaning.status == 404 and not _names_the_request(ctx, function, exc.args[0], text, names):
                continue
            detail = ctx.text(exc.args[0])
            cause = ctx.text(node.cause) if node.cause is not None else None
            yield ctx.diagnostic(
                self,
                node,
                f"`raise {raised}(…)` reports {meaning.what} ({quoted(text)}), but nothing maps {raised} to an "
                f"answer: the client receives 500 Internal Server Error; raise HTTPException({meaning.status}) "
                f"instead",
                raise_instead_fix(
                    ctx, node, meaning.status, detail, cause=cause,
                    title=f"Raise HTTPException({meaning.status}) instead (clients then receive {describe(meaning.status)})",
                ),
            )
        yield from self._through_calls(ctx, mapped)

    def _through_calls(self, ctx: Context, mapped: frozenset[str]) -> Iterable[Diagnostic]:
        """A call from a route or dependency, with what the client sent, into a function (of the
        module or of the project) that raises such an exception for it."""
        view = ctx.settings.project
        module = module_info(ctx)
        for function in _answering_functions(ctx):
            calls = [c for c in own_nodes_in(ctx, function, ast.Call) if c.args or c.keywords]
            if not calls:
                continue
            client = _client_names(ctx, function)
            if not client:
                continue
            # Where the client's names are used: a call takes them when one is inside its arguments.
            used = sorted((n.lineno, n.col_offset) for n in nodes_in(ctx, function, ast.Name) if n.id in client)
            # Only the calls that take them are resolved (a call into another module reads it).
            raising = []
            for call in calls:
                if not _uses_any(used, [*call.args, *(k.value for k in call.keywords)]):
                    continue
                target = callee(view, module, call)
                if target is None or target.function is function:
                    continue
                found = escapes(view, target.module, target.function, ctx=ctx)
                if found:
                    raising.append((call, target, found))
            if not raising:
                continue
            tries = _tries_in(ctx, function)
            said: set[str] = set()
            for call, target, found in sorted(raising, key=lambda r: (r[0].lineno, r[0].col_offset)):
                for escape in found:
                    if escape.exception in mapped or caught(tries, call, escape.exception):
                        continue
                    result = _client_error(escape, call, target, client)
                    if result is None:
                        continue
                    status, what, text = result
                    if text in said:
                        break
                    said.add(text)
                    yield ctx.diagnostic(
                        self,
                        call,
                        f"`{shorten(ctx.text(call.func))}(…)` raises {escape.exception}({quoted(text)}) (`{_where(escape)}`, "
                        f"line {escape.raise_node.lineno}) for {what}, and nothing maps {escape.exception} to an answer: the "
                        f"client receives 500 Internal Server Error; catch it and raise HTTPException({status})",
                    )
                    break


def _answering_functions(ctx: Context) -> list[FunctionNode]:
    """The route handlers and dependencies the rules report on (the scope's, in an edit),
    in source order. Candidates come from the routes and the module's `Depends(...)` calls
    (a dependency's own, in its parameters, or one naming it), not from every function."""
    def candidates() -> dict[int, FunctionNode]:
        found = {id(r.handler): r.handler for r in ctx.model.routes}
        depended = _depended(ctx)
        for call in ctx.model.index.calls_named(DEPENDENCY_MARKERS):
            function = enclosing_function(ctx, call)
            if function is not None:
                found[id(function)] = function
        for function in ctx.model.index.functions():
            if function.name in depended:
                found[id(function)] = function
        return found

    scope = ctx.nodes(ast.FunctionDef) + ctx.nodes(ast.AsyncFunctionDef)
    if ctx.scope is not None:  # (an edit: its few functions are asked directly)
        return sorted((f for f in scope if _answers(ctx, f)), key=lambda f: f.lineno)
    known = ctx.memo("fst209.candidates", candidates)
    return sorted((f for f in scope if id(f) in known and _answers(ctx, f)), key=lambda f: f.lineno)


def _answers(ctx: Context, function: FunctionNode) -> bool:
    """A route handler of the module, or a dependency (a `Depends(...)` parameter of its own, or
    named in a `Depends(...)` of the module). A function that only takes the `Request` may be a
    hook its caller wraps (litellm's custom auth): its callers decide."""
    if ctx.model.routes_of(function):
        return True
    if any(
        (markers_of(arg.annotation) | markers_of(default)) & DEPENDENCY_MARKERS for arg, default in parameters(function)
    ):
        return True
    return function.name in _depended(ctx)


def _depended(ctx: Context) -> set[str]:
    return ctx.memo(
        "fst209.depended",
        lambda: {last_name(call.args[0]) or "" for call in ctx.model.index.calls_named(DEPENDENCY_MARKERS) if call.args},
    )


# A message that reports the client's bad input ("Invalid email address", "… must be …").
_BAD_INPUT = lazy_pattern(r"^(?:invalid|malformed)\b|\bis not (?:a )?valid\b", re.I)


def _client_error(escape: Escape, call: ast.Call, target, client: set[str]) -> tuple[int, str, str] | None:
    """(status, what it reports, message) when the escaping exception reports the client's
    error:

    - "… not found", raised anywhere down the calls, when what the call is given identifies
      what is missing (`init_context(session)` and "Session not found");
    - another 4xx message ("only admins can …", "already exists"), or bad input ("Invalid
      email address"), raised by the called function itself on a condition that reads a
      parameter the call fills with what the client sent (`validate_email(email)` and `if not
      EMAIL.match(email): raise ValueError(…)`). Deeper down, or on a condition the client's
      value does not reach, it is the callee's own contract."""
    text = _literal(escape.message)
    if text is None or HEDGED.search(text):
        return None
    arguments = [*call.args, *(k.value for k in call.keywords)]
    meaning = meaning_of(text)
    if meaning is not None and meaning.status >= 500:
        return None
    if meaning is not None and meaning.status == 404:
        noun = subject(text)
        given = [a for a in arguments if mentions(a, client)]
        if noun is None or not any(_identifies(singular(noun), a) for a in given):
            return None
        return 404, "what the client named", text
    if escape.function is not target.function or not escape.reads() & _client_parameters(call, target, client):
        return None
    if meaning is not None:
        return meaning.status, "the client's request", text
    if _BAD_INPUT.search(text):
        return 400, "what the client sent", text
    return None


def _client_parameters(call: ast.Call, target, client: set[str]) -> set[str]:
    """The callee's parameters that this call fills with what the client sent."""
    function = target.function
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if target.class_name is not None and positional:
        positional = positional[1:]  # (`cls` of a classmethod; a staticmethod has none: see callee)
    found = set()
    for name, arg in zip(positional, call.args):
        if mentions(arg, client):
            found.add(name)
    for kw in call.keywords:
        if kw.arg and mentions(kw.value, client):
            found.add(kw.arg)
    return found


def _where(escape: Escape) -> str:
    """`chainlit.session.WebsocketSession.require`."""
    owner = escape.module.owner(escape.function)
    return ".".join(p for p in (escape.module.name, owner, escape.function.name) if p)


def _literal(expr: ast.expr | None) -> str | None:
    if isinstance(expr, (ast.Constant, ast.JoinedStr)):
        return literal_text(expr)
    return None


def _client_names(ctx: Context, function: FunctionNode) -> set[str]:
    routes = ctx.model.routes_of(function)
    path = routes[0].path if routes else None
    seeds = {a.arg for a in input_parameters(function, path)} | (path_parameters(path) & {a.arg for a, _ in parameters(function)})
    if not seeds and request_parameter(function) is None:
        return set()
    bindings = bindings_in(ctx, function)
    names_at = sorted(((n.lineno, n.col_offset), n.id) for n in nodes_in(ctx, function, ast.Name))
    return client_values(
        function, seeds | body_values(function, request_parameter(function), bindings), bindings, names_at
    )


def _uses_any(used: list[tuple[int, int]], arguments: list[ast.expr]) -> bool:
    """Some position in `used` (sorted) falls inside one of the arguments."""
    for arg in arguments:
        start = (arg.lineno, arg.col_offset)
        end = (arg.end_lineno or arg.lineno, arg.end_col_offset or 0)
        i = bisect.bisect_left(used, start)
        if i < len(used) and used[i] < end:
            return True
    return False


def _tries_in(ctx: Context, function: FunctionNode) -> list:
    """The function's own `try` statements with `except` clauses (from the node index)."""
    return [
        t for kind in TRIES for t in own_nodes_in(ctx, function, kind) if t.body and t.handlers
    ]


def _names_the_request(ctx: Context, function: FunctionNode, message: ast.expr, text: str, names: set[str]) -> bool:
    """What the message reports missing is what the request names: what a path parameter of the
    route stands for ("Item not found" under `/items/{item_id}`), or a value the message
    interpolates that holds the client's input and identifies that thing (`{org_id}` or
    `{data.organization_id}` in "Organization not found: …"; not `{model}` in "API base not
    found for …")."""
    routes: list[Route] = ctx.model.routes_of(function)
    noun = subject(text)
    if noun is None:
        return False
    if any(singular(noun) in path_nouns(route.path) for route in routes):
        return True
    path = routes[0].path if routes else None
    held = (
        {a.arg for a in input_parameters(function, path)} | path_parameters(path)
        | text_values(function, text_parameters(function, path)) | body_values(function, request_parameter(function))
    )
    return any(
        root_name(value) in held and _identifies(singular(noun), value)
        for value in _interpolated(message)
    )


def _interpolated(message: ast.expr) -> list[ast.expr]:
    if isinstance(message, ast.JoinedStr):
        return [v.value for v in message.values if isinstance(v, ast.FormattedValue)]
    if isinstance(message, ast.Call) and isinstance(message.func, ast.Attribute) and message.func.attr == "format":
        return [*message.args, *(k.value for k in message.keywords)]
    return []


def _identifies(noun: str, value: ast.expr) -> bool:
    """The value's names say it is an id of `noun`: `org_id`, `organization_id`, `data.org_name`."""
    found = set()
    node: ast.AST = value
    while isinstance(node, (ast.Attribute, ast.Name, ast.Subscript)):
        found |= set(words(node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""))
        node = getattr(node, "value", None)
    return any(len(w) >= 3 and (noun.startswith(w) or w.startswith(noun)) for w in found)
