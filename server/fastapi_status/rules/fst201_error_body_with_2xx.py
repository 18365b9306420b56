from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable

from fastapi_status.core.callees import called_function
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.flow import ReturnSite, analyze_handler
from fastapi_status.core.messages import meaning_of
from fastapi_status.core.model import Route, last_name
from fastapi_status.core.payloads import (
    ACKNOWLEDGE_WORDS,
    JSON_RESPONSES,
    REPORT_WORDS,
    Payload,
    Source,
    error_payload,
    in_same_block,
    infer_status,
    receives_webhooks,
    response_handed_off,
    success_payloads,
)
from fastapi_status.core.project_routes import module_model
from fastapi_status.core.raises import callee, module_info
from fastapi_status.core.status_sites import module_answers_422
from fastapi_status.core.statuses import describe
from fastapi_status.core.text import lazy_pattern, words
from fastapi_status.fixes.raise_http import raise_instead_fix
from fastapi_status.rules.base import Invalid, Rule

_OUTCOME_KEYS = {"status", "ok", "success"}


def _route_words(route: Route) -> set[str]:
    return set(words(route.handler.name)) | set(words(route.path or ""))


def reports_a_result(route: Route) -> bool:
    """Health, check, validate… routes answer `{"ok": False}` as their normal result."""
    return bool(REPORT_WORDS & _route_words(route))


def acknowledges(route: Route) -> bool:
    """Routes that put errors in a 2xx body on purpose: webhook receivers answer 200 whatever
    happened (their callers retry anything else), GraphQL / JSON-RPC endpoints do it by
    specification, a route whose response model is an error type (`Item | ErrorResponse`)
    declares it, and a handler wrapped by a template decorator returns a page's context."""
    if ACKNOWLEDGE_WORDS & _route_words(route) or receives_webhooks(route.handler):
        return True
    if route.response_class is not None and route.response_class not in JSON_RESPONSES:
        return True  # an HTML or text page: what it shows is not a JSON error body
    contract = route.response_model.value if route.response_model is not None else route.handler.returns
    if contract is not None and any(_ERROR_TYPE.search(name) for name in _type_names(contract)):
        return True
    for dec in route.handler.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        names = [n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(target) if isinstance(n, (ast.Name, ast.Attribute))]
        if dec is not route.registration and _TEMPLATE_WORDS & set(words("_".join(names))):
            return True
    return False


_ERROR_TYPE = re.compile(r"Error|Failure|Problem|Fault")
_TEMPLATE_WORDS = {"template", "templates", "render", "jinja", "jinja2", "html", "page", "view"}


def _type_names(node: ast.AST) -> list[str]:
    """The names an expression mentions (`models.ErrorOut`, `"ItemOut"`, `Union[A, B]`)."""
    names = []
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            names.append(n.id)
        elif isinstance(n, ast.Attribute):
            names.append(n.attr)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.isidentifier():
            names.append(n.value)
    return names


def uses_422(ctx: Context) -> bool:
    """The module answers 422 somewhere itself: its validation errors use 422, not 400."""
    return module_answers_422(ctx)


class ErrorBodyWith2xx(Rule):
    """
    ## What it does
    Flags a route that returns an error payload with a success status: a dict (returned
    directly, through a local variable assigned once, or as the content of a `JSONResponse`,
    `ORJSONResponse` or `UJSONResponse` built without `status_code=`) that has a non-empty
    `"error"`/`"errors"` literal, `"ok": False` or `"success": False`, `"status": "error"` (in a
    payload that carries only its outcome), or a `"detail"`/`"message"` whose text reads as a
    failure ("not found", "invalid", "unauthorized", "already exists"…). Also:

    - such a dict built by a function of the module that the route returns
      (`return error_response("Item not found")` with `def error_response(message, code=None):
      return {"error": message, "code": code}`), read with what the call passes; in a project
  (a folder with a `pyproject.toml`), a function of another module too, when what it
  returns is made of literals and of what the call passes;
    - a model built with keywords (`PaymentResult(success=False, message="Payment not
      found")`), only when its message names the client's failure (a 4xx such as "not found"
      or "not allowed", or "Invalid …", "Unknown …"): a bare `success=False` is the result of
      many APIs, not an error.

    Left alone:

    - a path where `response.status_code` may have been set (or the injected `Response` was
      handed to a helper), and a response built with its own `status_code=`;
    - an `"errors"` value that may be empty (a variable: partial-success batch answers), and
      success or conditional wording (`{"detail": "API key deleted"}`, `"No errors found"`,
      `"If the email is not registered, nothing happens"`);
    - payloads whose error is part of the answer: a yes/no answer (`{"valid": False, …}`,
      `{"available": False, …}`), a degraded answer that keeps its data with fallback values
      (`{"items": [], "error": "…"}`), JSON-RPC (`"jsonrpc"`) and GraphQL (`"data"` with
      `"errors"`) answers;
    - webhook receivers (webhook, hook, ipn, stripe, slack, telegram… in the handler's name or
      path), which answer 200 on purpose because their callers retry anything else;
    - routes whose job is to report a result (health, check, validate, verify, status, ping,
      test…): there only a payload that says nothing but "not found" (no `status`/`ok`/`success`
      key) is flagged, since that is the request failing, not the report;
    - a return inside `except`: that is FST203.

    ## Why is this bad?
    The client receives `200 OK`. HTTP clients, retries, caches, monitoring and generated SDKs
    all read the status, not the body: the failure is counted as a success, and every caller
    has to parse the body to find out.

    ## Example
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int):
        item = await repo.get(item_id)
        if item is None:
            return {"error": "Item not found"}
        return item
    ```

    ## Use instead
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int):
        item = await repo.get(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        return item
    ```

    ## Fix safety
    The fix is unsafe: clients then receive an error status and FastAPI's `{"detail": …}` body
    instead of the old one. The status is inferred from the message: not found 404,
    unauthorized or bad credentials 401, forbidden or permission 403, already exists or conflict
    409, too many requests 429, invalid, required or missing 400 (422 when the module already
    answers 422 somewhere), otherwise 400. The message is kept as the `detail`.
    """

    code = "FST201"
    name = "error-body-with-2xx"
    summary = "Route returns an error payload with a 2xx status"
    fix_summary = "Raise HTTPException with the inferred status (unsafe)"

    VALID = [
        # A model's bare flag is the API's result; a helper whose error defaults to None.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "def respond(data=None, error=None):\n    return {'data': data, 'error': error}\n"
        "@router.post('/sync')\ndef sync():\n    if not run():\n        return SyncResult(success=False)\n"
        "    return respond(data={'synced': True})\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/keys/{k}')\ndef delete_key(k: str):\n    return {'detail': 'API key deleted'}\n",
        # The status was set on that path.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int, response: Response):\n    if i < 0:\n"
        "        response.status_code = 404\n        return {'error': 'Item not found'}\n    return {'id': i}\n",
        # ... or may be set by a helper the Response is handed to.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int, response: Response):\n    if i < 0:\n"
        "        not_found(response)\n        return {'error': 'Item not found'}\n    return {'id': i}\n",
        # The response carries its own status (even one we cannot read).
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n"
        "    return JSONResponse({'error': 'Item not found'}, status_code=404)\n",
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int, code: int):\n"
        "    return JSONResponse(content={'error': 'Item not found'}, status_code=code)\n",
        # A response object whose status is set after it is built.
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n    resp = JSONResponse({'error': 'Item not found'})\n"
        "    resp.status_code = 404\n    return resp\n",
        # A local dict that is changed before it is returned.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/sync')\ndef sync():\n    result = {'success': False}\n    if run():\n"
        "        result['success'] = True\n    return result\n",
        # Partial success: `errors` may be empty.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/batch')\ndef batch(items: list):\n    errors = []\n    done = []\n"
        "    return {'done': done, 'errors': errors}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/batch')\ndef batch(items: list):\n    return {'done': items, 'error': None}\n",
        # A degraded answer: the data keys are kept, with fallback values.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/tools')\ndef tools():\n    if not SERVERS:\n"
        "        return {'tools': [], 'error': 'No server configured'}\n    return {'tools': list_tools()}\n",
        # A yes/no answer.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/usernames/{name}')\ndef username(name: str):\n    if name in TAKEN:\n"
        "        return {'available': False, 'message': 'Username already taken'}\n    return {'available': True}\n",
        # Reporting routes.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/coupons/validate')\ndef validate_coupon(code: str):\n"
        "    return {'message': 'Invalid coupon code'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/health')\ndef health():\n    return {'ok': False, 'error': 'database unreachable'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/health/db')\ndef db_health():\n    return {'status': 'down', 'error': 'Database not found'}\n",
        # A webhook receiver acknowledges whatever happened; JSON-RPC and GraphQL carry errors in 200.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/payments/webhook')\nasync def payment_webhook(event: dict):\n"
        "    if event.get('type') not in HANDLERS:\n        return {'status': 'error', 'message': 'Unsupported event'}\n"
        "    return {'status': 'ok'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/rpc/call')\ndef call(req: dict):\n"
        "    return {'jsonrpc': '2.0', 'id': req.get('id'), 'error': {'code': -32601, 'message': 'Method not found'}}\n",
        # Success wording that contains a failure word; conditional wording; counts.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/import')\ndef run_import():\n    return {'message': 'Import finished with no errors'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/cache/purge')\ndef purge():\n    return {'message': 'Expired entries purged, nothing failed'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/password/forgot')\ndef forgot(email: str):\n"
        "    return {'detail': 'If the email is not found, no message is sent'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/rows/import')\ndef import_rows(rows: list):\n"
        "    n = load(rows)\n    return {'message': f'Imported rows, {n} failed'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/jobs/{i}')\ndef job(i: int):\n    return {'job_id': i, 'status': 'failed'}\n",
        # Declares an error status itself.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/teapot', status_code=418)\ndef teapot():\n    return {'error': 'I am a teapot'}\n",
        # Inside except: FST203's concern.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef x():\n    try:\n        return work()\n    except KeyError:\n"
        "        return {'error': 'Item not found'}\n",
        # Not a route.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "def load(i: int):\n    return {'error': 'Item not found'}\n",
    ]
    INVALID = [
        # A model built with `success=False` and a message naming the client's failure.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/payments/{pid}')\ndef read_payment(pid: str):\n    payment = PAYMENTS.get(pid)\n"
            "    if payment is None:\n        return PaymentResult(success=False, message='Payment not found')\n"
            "    return PaymentResult(success=True, payment=payment)\n",
        ),
        # The error dict built by a helper of the module.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "def error_response(message, code=None):\n    return {'error': message, 'code': code}\n"
            "@router.get('/items/{item_id}')\ndef read_item(item_id: int):\n    if item_id not in ITEMS:\n"
            "        return error_response('Item not found')\n    return ITEMS[item_id]\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\nDB = {}\n"
            "@router.get('/items/{item_id}')\ndef read_item(item_id: int):\n    item = DB.get(item_id)\n"
            "    if item is None:\n        return {'error': 'Item not found'}  # TODO\n    return item\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\nDB = {}\n"
            "@router.get('/items/{item_id}')\ndef read_item(item_id: int):\n    item = DB.get(item_id)\n"
            "    if item is None:\n        raise HTTPException(status_code=404, detail='Item not found')  # TODO\n"
            "    return item\n",
        ),
        Invalid(
            "from fastapi import APIRouter, HTTPException, status\nfrom fastapi.responses import JSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/login')\nasync def login(form: dict):\n    if not check(form):\n"
            "        return JSONResponse(content={'success': False, 'message': 'Invalid credentials'})\n"
            "    raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED)\n",
            fixed="from fastapi import APIRouter, HTTPException, status\nfrom fastapi.responses import JSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/login')\nasync def login(form: dict):\n    if not check(form):\n"
            "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail='Invalid credentials')\n"
            "    raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED)\n",
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/users', status_code=201)\ndef create_user(user: dict):\n    if exists(user):\n"
            "        return {'status': 'error', 'detail': f\"User {user['name']} already exists\"}\n    return user\n",
            fixed="from fastapi import FastAPI, HTTPException\napp = FastAPI()\n"
            "@app.post('/users', status_code=201)\ndef create_user(user: dict):\n    if exists(user):\n"
            "        raise HTTPException(\n"
            "            status_code=409, detail=f\"User {user['name']} already exists\"\n"
            "        )\n"
            "    return user\n",
        ),
        # Through a local variable assigned once: the assignment goes with the return.
        Invalid(
            "import fastapi\nrouter = fastapi.APIRouter()\n"
            "@router.get('/orders/{i}')\ndef order(i: int):\n    if i > 10:\n"
            "        body = {'ok': False, 'detail': 'Order not found'}\n        return body\n    return {'id': i}\n",
            fixed="import fastapi\nrouter = fastapi.APIRouter()\n"
            "@router.get('/orders/{i}')\ndef order(i: int):\n    if i > 10:\n"
            "        raise fastapi.HTTPException(status_code=404, detail='Order not found')\n    return {'id': i}\n",
        ),
        # Validation wording: 422 where the module already answers 422.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/orders')\ndef place(order: dict):\n    if not order.get('items'):\n"
            "        return {'message': 'Items are required'}\n    if order.get('qty', 0) < 0:\n"
            "        raise HTTPException(422, 'Bad quantity')\n    return order\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/orders')\ndef place(order: dict):\n    if not order.get('items'):\n"
            "        raise HTTPException(status_code=422, detail='Items are required')\n"
            "    if order.get('qty', 0) < 0:\n"
            "        raise HTTPException(422, 'Bad quantity')\n    return order\n",
        ),
        # A reporting route still fails when the thing it reports on does not exist.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/jobs/{job_id}/status')\ndef job_status(job_id: int):\n"
            "    if job_id not in JOBS:\n        return {'error': 'Job not found'}\n    return JOBS[job_id]\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/jobs/{job_id}/status')\ndef job_status(job_id: int):\n"
            "    if job_id not in JOBS:\n        raise HTTPException(status_code=404, detail='Job not found')\n"
            "    return JOBS[job_id]\n",
        ),
        # An envelope: `"success": False` with no message.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/subscriptions')\ndef subscribe(email: str):\n    if not send(email):\n"
            "        return {'success': False, 'data': None}\n    return {'success': True, 'data': email}\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/subscriptions')\ndef subscribe(email: str):\n    if not send(email):\n"
            "        raise HTTPException(status_code=400)\n    return {'success': True, 'data': email}\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            for found in error_returns(ctx, route):
                node = found.site.node
                if id(node) in seen:
                    continue
                seen.add(id(node))
                payload, source = found.payload, found.source
                detail = ctx.text(payload.message) if payload.message is not None else None
                remove = source.local if source.local and in_same_block(route.handler, source.local, node) else None
                yield ctx.diagnostic(
                    self,
                    node,
                    f"route answers {describe(found.status)} with an error body ({payload.reason}): "
                    "clients read the failure as success",
                    raise_instead_fix(ctx, node, found.code, detail, remove=remove),
                )


@dataclass
class ErrorReturn:
    site: ReturnSite
    source: Source
    payload: Payload
    status: int  # the 2xx status the route answers
    code: int  # the status the failure stands for


def error_returns(ctx: Context, route: Route) -> list[ErrorReturn]:
    """The returns of `route` (outside `except`) that send an error payload with a 2xx status.
    FST102 reads these too, so a 204 route returning `{"error": …}` gets one diagnostic."""
    return ctx.memo(f"fst201.error_returns.{id(route)}", lambda: list(_error_returns(ctx, route)))


def _error_returns(ctx: Context, route: Route) -> Iterable[ErrorReturn]:
    found = []
    for site, source in success_payloads(ctx, route, in_except=False):
        mapping, built = source.mapping, False
        if mapping is None:
            mapping, built = _model_fields(ctx, source.body), True
            if mapping is None:
                mapping, built = _helper_payload(ctx, route, source.body), False
            if mapping is None:
                continue
        payload = error_payload(mapping)
        if payload is not None and (not built or _reports_client_failure(payload)):
            found.append((site, source, payload))
    # The costlier questions only for the few routes that return an error payload at all.
    if not found or acknowledges(route) or response_handed_off(route.handler, ctx.flow(route.handler).response_param):
        return
    status = route.effective_status
    reporting = reports_a_result(route)
    for site, source, payload in found:
        code = infer_status(payload.text, uses_422(ctx)) or 400
        if reporting and not _fails_the_request(payload, code):
            continue
        yield ErrorReturn(site, source, payload, status, code)


def _model_fields(ctx: Context, body: ast.expr | None) -> ast.Dict | None:
    """`ErrorResponse(success=False, message="Payment not found")`: a class of the response
    built with keywords only, read as the dict it serialises to."""
    if not isinstance(body, ast.Call) or body.args or not body.keywords or any(k.arg is None for k in body.keywords):
        return None
    name = last_name(body.func) or ""
    if not name[:1].isupper() or name.isupper() or ctx.model.response_class_of(body.func):
        return None
    if name.endswith(("Exception", "Error")) or ctx.model.is_http_exception(body.func):
        return None  # (a returned exception is FST208's)
    keys: list[ast.expr | None] = [ast.Constant(k.arg) for k in body.keywords]
    return ast.Dict(keys=keys, values=[k.value for k in body.keywords])


def _helper_payload(ctx: Context, route: Route, body: ast.expr | None) -> ast.Dict | None:
    """`return error_response("Item not found")`, a function of the module that returns one dict
    literal (`{"error": message}`): that dict, its parameters replaced by what the call passes
    (or their defaults)."""
    if not isinstance(body, ast.Call) or any(k.arg is None for k in body.keywords) or any(
        isinstance(a, ast.Starred) for a in body.args
    ):
        return None
    helper = called_function(ctx, body)
    remote = False
    if helper is None:  # in a project: a function of another module (`from .errors import error_response`)
        target = callee(ctx.settings.project, module_info(ctx), body) if ctx.settings.project is not None else None
        if target is None or target.module.path == ctx.settings.project.path:  # type: ignore[union-attr]
            return None
        helper, remote = target.function, True
        flow = analyze_handler(helper, module_model(target.module))
    elif helper is route.handler:
        return None
    else:
        flow = ctx.flow(helper)
    values = [site.value for site in flow.returns if site.node is not None]
    if len(values) != 1 or len(flow.returns) != 1 or not isinstance(values[0], ast.Dict):
        return None
    bound = _bound_arguments(helper, body)
    if bound is None:
        return None

    def substituted(value: ast.expr) -> ast.expr:
        return bound.get(value.id, value) if isinstance(value, ast.Name) else value

    mapping = values[0]
    result = [substituted(v) for v in mapping.values]
    if remote and any(r is v and not isinstance(v, ast.Constant) for r, v in zip(result, mapping.values)):
        return None  # (a name of the other module would be read as this module's)
    return ast.Dict(keys=list(mapping.keys), values=result)


def _bound_arguments(function, call: ast.Call) -> dict[str, ast.expr] | None:
    """Each parameter's argument in the call (or default); None when the call does not fit."""
    params = [*function.args.posonlyargs, *function.args.args]
    if len(call.args) > len(params) or function.args.vararg or function.args.kwarg:
        return None
    defaults = [None] * (len(params) - len(function.args.defaults)) + list(function.args.defaults)
    bound: dict[str, ast.expr] = {}
    for param, default in zip(params, defaults):
        if default is not None:
            bound[param.arg] = default
    for param, default in zip(function.args.kwonlyargs, function.args.kw_defaults):
        if default is not None:
            bound[param.arg] = default
    for param, arg in zip(params, call.args):
        bound[param.arg] = arg
    names = {p.arg for p in [*params, *function.args.kwonlyargs]}
    for kw in call.keywords:
        if kw.arg not in names:
            return None
        bound[kw.arg] = kw.value  # type: ignore[index]
    return bound


def _reports_client_failure(payload) -> bool:
    """A model's `success=False` (or `error=…`) counts only with a message that names the
    client's failure ("Payment not found", "Invalid provider"): many APIs answer every call
    with such a flag, and a bare `False` is their result, not an error."""
    meaning = meaning_of(payload.text) if payload.text else None
    return (meaning is not None and 400 <= meaning.status < 500) or bool(_CLIENT_FAILURE.search(payload.text or ""))


_CLIENT_FAILURE = lazy_pattern(r"^(?:invalid|unknown|unsupported|malformed)\b|\bis not (?:a )?valid\b", re.I)


def _fails_the_request(payload, code: int) -> bool:
    """In a reporting route: the payload says only that the thing asked about does not exist."""
    keys = {k.value.lower() for k in payload.mapping.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return code == 404 and payload.envelope_only and not payload.flagged and not keys & _OUTCOME_KEYS
