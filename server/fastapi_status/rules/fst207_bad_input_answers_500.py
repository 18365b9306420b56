from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable, Iterator

from fastapi_status.core.callees import bindings_in, enclosing_function, nodes_in
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.exception_handlers import ANYTHING, mapped_exceptions, may_catch
from fastapi_status.core.inputs import body_values, carries_body, carries_text, text_values
from fastapi_status.core.model import FunctionNode, Route, last_name
from fastapi_status.core.params import (
    body_parameters,
    input_parameters,
    parameters,
    request_parameter,
    text_parameters,
)
from fastapi_status.core.payloads import literal_text
from fastapi_status.core.statuses import describe
from fastapi_status.core.text import shorten
from fastapi_status.fixes.cst import rewrite
from fastapi_status.fixes.lazy import cst
from fastapi_status.fixes.raise_http import assert_to_raise_fix, guard_fix, string_literal
from fastapi_status.rules.base import Invalid, Rule

# Conversions that raise on text they cannot read, by the qualified name of the callee, with
# the type that, declared on the parameter, lets FastAPI answer 422 instead.
CONVERSIONS: dict[str, str | None] = {
    "int": "int",
    "float": "float",
    "decimal.Decimal": "Decimal",
    "uuid.UUID": "UUID",
    "datetime.datetime.fromisoformat": "datetime",
    "datetime.date.fromisoformat": "date",
    "datetime.time.fromisoformat": "time",
    "datetime.datetime.strptime": None,
    "json.loads": None,
    "orjson.loads": None,
    "ujson.loads": None,
    "ipaddress.ip_address": None,
    "ipaddress.ip_network": None,
}
# What each raises, for the message.
RAISES = {"json.loads": "JSONDecodeError", "orjson.loads": "JSONDecodeError", "ujson.loads": "ValueError",
          "decimal.Decimal": "InvalidOperation"}
_ENUM_BASES = {"enum.Enum", "enum.StrEnum", "enum.IntEnum"}


@dataclass
class Found:
    node: ast.AST  # what to point at
    message: str
    fix: Fix | None = None


class BadInputAnswers500(Rule):
    """
    ## What it does
    Flags a route handler that turns the client's bad input into a `500 Internal Server Error`:

    - a path, query or header parameter that FastAPI hands over as text (declared `str`, or not
      declared) converted by the handler with something that raises on text it cannot read:
      `int(x)`, `float(x)`, `UUID(x)`, `Decimal(x)`, `datetime.fromisoformat(x)`,
      `datetime.strptime(x, …)`, `json.loads(x)`, `ip_address(x)`, an `Enum` of the module
      (`Color(x)`), `getattr(obj, x)` without a default, or a module-level dict indexed with it
      (`PLANS[x]`, when the handler never tests `x in PLANS`);
    - the same for what the handler takes out of such a parameter without reading anything
      else: `int(GlobalID.from_id(cursor).node_id)`, `int(key.split(":")[1])`, or a mapping
      indexed with a key built from it (`info["endpoints"]["/" + name]`, unless the handler
      tests the key first). What a lookup returns (`repo.get(x)`) is the server's data, not the
      client's text;
    - the request body parsed by hand: `await request.json()` (a body that is not JSON raises),
      and a model built from it (`Update(**raw)`, `Update.model_validate(raw)`): a field of the
      wrong type raises `ValidationError` inside the handler, where FastAPI does not answer 422;
    - a key read from a body field the model declares a plain `dict` (`element: Dict`), as
      `payload.element["type"]` or through a local bound to it: FastAPI accepts any object
      there, and one without the key raises KeyError (the model may be in another module of
      the project);
    - an `assert` on what the client sent (`assert file.filename`): a failed check raises
      `AssertionError`, and `python -O` skips it altogether.

    Only code outside any `try` that may catch the exception is flagged (a `try` with such an
    `except` decides what the client gets; a `try … finally` or an `except HTTPException`
    decides nothing), and only where no module of the project registers an exception handler
    for what it raises (an `@app.exception_handler(ValueError)` answering 422 in `main.py`
    makes the code right; a handler for `Exception` is the server-error handler and still
    answers 500). A text the handler checks first (`x.isdigit()`, `re.fullmatch(…, x)`) is left
    alone.

    ## Why is this bad?
    The client's typo (`?page=two`, a body that is not JSON) reaches the server as an exception,
    and the client receives `500 Internal Server Error`: its mistake reads as the server's, it
    cannot tell what to change, and the server's error monitoring pages someone for it. Declared
    with the type it needs, the parameter is validated by FastAPI, which answers `422` with the
    field at fault.

    ## Example
    ```python
    @router.get("/items")
    async def list_items(page: str = "1"):
        return ITEMS[(int(page) - 1) * 20 :][:20]
    ```

    ## Use instead
    ```python
    @router.get("/items")
    async def list_items(page: int = 1):
        return ITEMS[(page - 1) * 20 :][:20]
    ```

    ## Fix safety
    The fix, offered for `int`, `float`, `UUID`, `Decimal` and ISO date/time conversions of a
    parameter used nowhere else, declares the parameter with that type and drops the conversion.
    It is unsafe: clients that sent bad text receive `422` instead of `500`, and the OpenAPI
    document now says the parameter is an integer (a UUID…), which generated clients follow.
    Where no type fits, the fix wraps the statement in `try`/`except` for what it raises and
    raises `HTTPException`: 400 for text or a body it cannot read, 404 for a key or attribute
    the client names that is not there (an `assert` becomes `if not …: raise
    HTTPException(400, …)`). Also unsafe: those clients then receive 400 or 404 instead of 500.
    """

    code = "FST207"
    name = "bad-input-answers-500"
    summary = "The client's bad input (`int(page)` of a `str` parameter, `await request.json()`) becomes a 500"
    fix_summary = "Declare the parameter with the type it is converted to, or answer 400/404 for the failure (unsafe)"

    VALID = [
        # Declared with its type: FastAPI validates it and answers 422.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items')\ndef list_items(page: int = 1):\n    return {'page': page}\n",
        # A try decides what the client gets.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items')\ndef list_items(page: str = '1'):\n    try:\n        n = int(page)\n"
        "    except ValueError:\n        raise HTTPException(400, 'page must be a number')\n    return {'page': n}\n",
        # An exception handler of the app answers 422 for ValueError.
        "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n"
        "@app.exception_handler(ValueError)\nasync def bad_value(request, exc):\n"
        "    return JSONResponse({'detail': str(exc)}, status_code=422)\n"
        "@app.get('/items/{item_id}')\ndef read(item_id: str):\n    return {'id': int(item_id)}\n",
        # Not the client's input: a setting, a value from the database.
        "import os\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/limits')\ndef limits(name: str):\n    return {'max': int(os.environ['MAX_ITEMS'])}\n",
        # The key is tested first; getattr with a default.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\nPLANS = {'free': 0, 'pro': 10}\n"
        "@router.get('/plans/{name}')\ndef plan(name: str):\n    if name not in PLANS:\n        raise HTTPException(404)\n"
        "    return {'price': PLANS[name], 'label': getattr(LABELS, name, name)}\n",
        # Checked by FastAPI against a pattern; a type-narrowing assert after a check.
        "from typing import Annotated\nfrom fastapi import APIRouter, HTTPException, Query\nrouter = APIRouter()\n"
        "@router.get('/downloads')\ndef downloads(cursor: Annotated[str | None, Query(pattern=r'^[1-9][0-9]*$')] = None,"
        " names: str | None = None):\n    before = int(cursor) if cursor is not None else None\n"
        "    if not names:\n        raise HTTPException(400)\n    assert names is not None\n    return {'before': before}\n",
        # A body parameter: FastAPI parsed the body as JSON already, `request.json()` cannot fail.
        "from fastapi import APIRouter, Request\nrouter = APIRouter()\n"
        "@router.post('/evaluations')\nasync def upsert(request: Request, body: dict):\n"
        "    payload = await request.json()\n    return payload\n",
        # A typed field, or a key tested first.
        "from typing import Dict\nfrom fastapi import APIRouter\nfrom pydantic import BaseModel\nrouter = APIRouter()\n"
        "class Req(BaseModel):\n    element: Dict[str, int]\n    extra: Dict\n"
        "@router.put('/x')\nasync def put(payload: Req):\n"
        "    if 'type' not in payload.extra:\n        return {}\n"
        "    return {'n': payload.element['count'], 't': payload.extra['type']}\n",
        # What a lookup returns is the server's data, not the client's text.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/counters/{key}')\ndef counter(key: str):\n"
        "    row = repo.get(key)\n    return {'n': int(row.count), 'label': LABELS[row.name]}\n",
        # A body FastAPI parses; an assert on the server's own state.
        "from fastapi import APIRouter, Request\nrouter = APIRouter()\n"
        "@router.post('/items')\nasync def create(item: dict, request: Request):\n"
        "    assert request.app.state.db is not None\n    return item\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
            "@router.get('/items')\nasync def list_items(page: str = '1'):\n    return ITEMS[int(page) * 20 :][:20]\n",
            fixed="from fastapi import APIRouter\nrouter = APIRouter()\n\n"
            "@router.get('/items')\nasync def list_items(page: int = 1):\n    return ITEMS[page * 20 :][:20]\n",
        ),
        Invalid(
            "from uuid import UUID\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/carts/{cart_id}')\ndef cart(cart_id):\n    return CARTS.get(UUID(cart_id))\n",
            fixed="from uuid import UUID\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/carts/{cart_id}')\ndef cart(cart_id: UUID):\n    return CARTS.get(cart_id)\n",
        ),
        # A date in a query string read with strptime; no fix (no type says the format).
        Invalid(
            "from datetime import datetime\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/spend')\ndef spend(start_date: str | None = None):\n"
            "    start = datetime.strptime(start_date, '%Y-%m-%d %H:%M:%S') if start_date else None\n"
            "    return {'start': start}\n",
        ),
        # The body read by hand; the fix answers 400 for it.
        Invalid(
            "from fastapi import APIRouter, Request\nrouter = APIRouter()\n"
            "@router.post('/set-session-cookie')\nasync def set_cookie(request: Request):\n"
            "    body = await request.json()\n    return {'session': body.get('session_id')}\n",
            fixed="from fastapi import APIRouter, Request, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/set-session-cookie')\nasync def set_cookie(request: Request):\n    try:\n"
            "        body = await request.json()\n    except ValueError as exc:\n"
            "        raise HTTPException(status_code=400, detail='The body is not JSON') from exc\n"
            "    return {'session': body.get('session_id')}\n",
        ),
        # Asserts on the upload.
        Invalid(
            "from fastapi import APIRouter, UploadFile\nrouter = APIRouter()\n"
            "@router.post('/files')\nasync def upload(file: UploadFile):\n"
            "    assert file.filename, 'No filename'\n    assert file.content_type\n    return {'ok': True}\n",
            fixed="from fastapi import APIRouter, UploadFile, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/files')\nasync def upload(file: UploadFile):\n"
            "    if not file.filename:\n        raise HTTPException(status_code=400, detail='No filename')\n"
            "    assert file.content_type\n    return {'ok': True}\n",
            count=2,
        ),
        # (From phoenix) the node id of a cursor decoded from the query: client text.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nfrom strawberry.relay import GlobalID\nrouter = APIRouter()\n"
            "@router.get('/users')\ndef list_users(cursor: str = None):\n    if cursor:\n        try:\n"
            "            gid = GlobalID.from_id(cursor)\n        except ValueError:\n"
            "            raise HTTPException(422, 'Invalid cursor')\n        return {'before': int(gid.node_id)}\n"
            "    return {}\n",
        ),
        # (From litellm) a model built from the body the handler read itself.
        Invalid(
            "from fastapi import APIRouter, Request\nrouter = APIRouter()\n"
            "@router.patch('/organization/update')\nasync def update(request: Request):\n"
            "    raw = await request.json()\n    data = OrganizationUpdate(**normalise(raw))\n    return data\n",
            count=2,
        ),
        # (From chainlit) a key read from a body field the model leaves free-form (`Dict`).
        Invalid(
            "from typing import Dict, cast\nfrom fastapi import APIRouter\nfrom pydantic import BaseModel\n"
            "router = APIRouter()\nclass ElementRequest(BaseModel):\n    element: Dict\n    sessionId: str\n"
            "@router.put('/project/element')\nasync def update_element(payload: ElementRequest):\n"
            "    element_dict = cast(ElementDict, payload.element)\n    if element_dict['type'] != 'custom':\n"
            "        return {'success': False}\n    return {'id': element_dict.get('id')}\n",
        ),
        # A module dict indexed with the path parameter, and an Enum of the module.
        Invalid(
            "import enum\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
            "class Color(enum.Enum):\n    RED = 'red'\n    BLUE = 'blue'\n"
            "PRICES = {'small': 1, 'large': 2}\n"
            "@router.get('/paint/{size}')\ndef paint(size: str, color: str = 'red'):\n"
            "    return {'price': PRICES[size], 'color': Color(color)}\n",
            count=2,
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        handled = mapped_exceptions(ctx)
        if ANYTHING in handled:
            return
        seen: set[int] = set()
        for route in ctx.routes:
            handler = route.handler
            if id(handler) in seen:
                continue
            seen.add(id(handler))
            said: set[str] = set()
            for found in _findings(ctx, route, handled):
                if found.message in said:
                    continue  # (`USERS[email]` twice in one handler is one mistake)
                said.add(found.message)
                yield ctx.diagnostic(self, found.node, found.message, [found.fix] if found.fix else [])


def _findings(ctx: Context, route: Route, handled: set[str]) -> Iterator[Found]:
    handler = route.handler
    params = text_parameters(handler, route.path)
    if params:
        params -= _validated_text(handler)
    text = text_values(handler, params, bindings_in(ctx, handler), nodes_in(ctx, handler, ast.Call)) if params else set()
    inputs = {a.arg for a in input_parameters(handler, route.path)} | params
    # (With a body parameter FastAPI has parsed the body as JSON already: `request.json()` cannot fail.)
    request = None if body_parameters(handler, route.path) else request_parameter(handler)
    if not inputs and request is None:
        return
    body = body_values(handler, request, bindings_in(ctx, handler)) if request else set()
    free = _free_form_fields(ctx, handler, route)
    module_dicts = ctx.memo("fst207.module-dicts", lambda: _module_dicts(ctx))
    tested = _tested_containers(ctx, handler, with_get=False) if free else set()
    for node in _candidates(ctx, handler, text, inputs, request, body, free):
        if isinstance(node, ast.Call):
            name = _conversion(ctx, node)
            if name and node.args and carries_text(node.args[0], text) and RAISES.get(name, "ValueError") not in handled:
                value = node.args[0]
                param = _arg_name(value) if _arg_name(value) in params else None
                shown = ctx.text(value) if len(ctx.text(value)) <= 30 else ctx.text(value)[:29] + "…"
                raises = RAISES.get(name, "ValueError")
                declared = CONVERSIONS.get(name) if param else None
                hint = (
                    f"declare `{param}: {declared}` so FastAPI answers 422" if declared
                    else "raise HTTPException(400) for it"
                )
                what = f"a `{param}`" if param else "client text"
                yield Found(
                    node,
                    f"`{ctx.text(node.func)}({shown})` raises {raises} for {what} it cannot read: "
                    f"the client's bad input becomes 500 Internal Server Error; {hint}",
                    _declare_fix(ctx, handler, node, param, declared) if declared and param
                    else _guard(ctx, node, "ValueError", 400, f"Invalid {param or 'value'}") if raises != "InvalidOperation"
                    else None,
                )
            elif _enum_call(ctx, node) and node.args and _arg_name(node.args[0]) in params and "ValueError" not in handled:
                param = _arg_name(node.args[0])
                cls = node.func.id  # type: ignore[attr-defined]
                yield Found(
                    node,
                    f"`{cls}({param})` raises ValueError for a `{param}` that is not one of its values: the client "
                    f"receives 500 Internal Server Error; declare `{param}: {cls}` so FastAPI answers 422",
                    _guard(ctx, node, "ValueError", 400, f"Invalid {param}"),
                )
            elif (
                isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) == 2
                and not node.keywords and _arg_name(node.args[1]) in params and "AttributeError" not in handled
            ):
                param = _arg_name(node.args[1])
                yield Found(
                    node,
                    f"`getattr(…, {param})` without a default raises AttributeError for an unknown `{param}`: the "
                    "client receives 500 Internal Server Error; give it a default, or answer 404",
                    _guard(ctx, node, "AttributeError", 404, "Not found"),
                )
            elif request and _reads_json(node, request) and "JSONDecodeError" not in handled:
                yield Found(
                    node,
                    f"`{request}.json()` raises on a body that is not JSON: the client receives 500 Internal Server "
                    "Error; declare a body parameter (a model, or `dict = Body()`) so FastAPI answers 422",
                    _guard(ctx, node, "ValueError", 400, "The body is not JSON"),
                )
            elif body and _validates(node, body) and "ValidationError" not in handled:
                shown = ctx.text(node.func)
                yield Found(
                    node,
                    f"`{shown}(…)` validates the body the handler read itself: a field of the wrong type raises "
                    "ValidationError, and the client receives 500 Internal Server Error; declare the model as "
                    "the body parameter so FastAPI answers 422",
                    _guard(ctx, node, "ValueError", 422, "Invalid body"),
                )
        elif (
            isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name)
            and node.value.id in module_dicts and _arg_name(node.slice) in params
            and (_arg_name(node.slice), node.value.id) not in _tested_keys(handler) and "KeyError" not in handled
        ):
            param = _arg_name(node.slice)
            yield Found(
                node,
                f"`{node.value.id}[{param}]` raises KeyError for an unknown `{param}`: the client receives 500 "
                f"Internal Server Error; test `{param} in {node.value.id}` and answer 404 (or declare a Literal/Enum)",
                _guard(ctx, node, "KeyError", 404, "Not found"),
            )
        elif (
            isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and "KeyError" not in handled
            and not (isinstance(node.value, ast.Name) and node.value.id in module_dicts)
            and carries_text(node.slice, text) and not carries_text(node.value, text)
            and _keyed(node.slice) and ctx.text(node.value) not in _tested_containers(ctx, handler)
        ):
            shown = ctx.text(node) if len(ctx.text(node)) <= 60 else ctx.text(node)[:59] + "…"
            yield Found(
                node,
                f"`{shown}` raises KeyError for a key the client names that is not there: the client receives "
                "500 Internal Server Error; test the key first and answer 404",
                _guard(ctx, node, "KeyError", 404, "Not found"),
            )
        elif (
            isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and "KeyError" not in handled
            and _free_form_key(node, free) and ctx.text(node.value) not in tested
        ):
            field = free[_free_form_key(node, free)]
            yield Found(
                node,
                f"`{shorten(ctx.text(node))}` raises KeyError when the client's `{field}` has no "
                f"{ctx.text(node.slice)}: the body's model declares `{field}` a plain dict, so FastAPI accepts any "
                "object there and the client receives 500 Internal Server Error; give it a model (or a TypedDict) "
                "so FastAPI answers 422",
                _guard(ctx, node, "KeyError", 400, f"Missing {ctx.text(node.slice)} in {field}"),
            )
        elif isinstance(node, ast.Assert) and "AssertionError" not in handled and _checks_input(node.test, inputs):
            test = ctx.text(node.test)
            test = test if len(test) <= 40 else test[:37] + "…"
            yield Found(
                node,
                f"`assert {test}` checks what the client sent: a failed check answers 500 Internal Server Error "
                "(and `python -O` drops it); raise HTTPException(400) instead",
                _assert_fix(ctx, node),
            )


def _guard(ctx: Context, node: ast.AST, exception: str, code: int, detail: str) -> Fix | None:
    """Answer `code` for the failure: the statement wrapped in `try`/`except exception`."""
    kind = cst.Call if isinstance(node, ast.Call) else cst.Subscript
    fixes = guard_fix(
        ctx, node, kind, exception, code, string_literal(ctx, detail),
        f"Answer {code} for it (clients then receive {describe(code)} instead of 500)",
    )
    return fixes[0] if fixes else None


def _assert_fix(ctx: Context, node: ast.Assert) -> Fix | None:
    message = literal_text(node.msg) if isinstance(node.msg, (ast.Constant, ast.JoinedStr)) else None
    detail = ctx.text(node.msg) if message is not None and node.msg is not None else string_literal(ctx, "Bad request")
    fixes = assert_to_raise_fix(ctx, node, detail)
    return fixes[0] if fixes else None


def _validates(call: ast.Call, body: set[str]) -> bool:
    """`Model(**raw)`, `Model.model_validate(raw)`, `adapter.validate_python(raw)` of a body the
    handler read itself (or of that body turned into something else whole): pydantic raises
    ValidationError (a plain class TypeError) on a body of the wrong shape."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _VALIDATORS:
        return bool(call.args) and carries_body(call.args[0], body, None)
    name = last_name(func) or ""
    return (
        name[:1].isupper() and not name.isupper() and name not in _NOT_MODELS
        and any(k.arg is None and carries_body(k.value, body, None) for k in call.keywords)
    )


_VALIDATORS = {"model_validate", "parse_obj", "validate_python", "model_validate_json", "parse_raw", "validate_json"}
_NOT_MODELS = {"JSONResponse", "Response", "ORJSONResponse", "HTMLResponse", "PlainTextResponse", "StreamingResponse",
               "HTTPException", "Exception", "ValueError", "Request", "Headers", "dict"}


def _candidates(
    ctx: Context, handler: FunctionNode, text: set[str], inputs: set[str], request: str | None, body: set[str],
    free: dict[str, str],
) -> list[ast.AST]:
    """The calls, subscripts and asserts of the handler that may take the client's input, outside
    any `try` body whose handlers decide what the client gets (a `try … finally` decides nothing),
    not in nested functions; taken from the module's node index and filtered cheaply first (a
    handler walk costs more)."""
    position = ctx.model.top_level_position(handler.lineno)
    if position is None:
        return []
    index = ctx.model.index
    first, last = handler.lineno, handler.end_lineno or handler.lineno
    found: list[ast.AST] = []
    for call in index.of_statement(position, ast.Call):
        if first <= call.lineno <= last and (
            any(carries_text(a, text) for a in call.args[:2])
            or (request and call.func.__class__ is ast.Attribute and call.func.attr == "json")
            or (body and _validates(call, body))
        ):
            found.append(call)
    if text or free:
        found += [
            s for s in index.of_statement(position, ast.Subscript)
            if first <= s.lineno <= last and (
                (s.slice.__class__ is not ast.Constant and carries_text(s.slice, text)) or _free_form_key(s, free)
            )
        ]
    if inputs:
        found += [a for a in index.of_statement(position, ast.Assert) if first <= a.lineno <= last]
    if not found:
        return []
    tries = [
        (t.body[0].lineno, t.body[-1].end_lineno or t.body[-1].lineno)
        for kind in _TRIES
        for t in index.of_statement(position, kind)
        if first <= t.lineno <= last and any(may_catch(h) for h in t.handlers)
    ]
    return sorted(
        (
            n for n in found
            if enclosing_function(ctx, n) is handler and not any(a <= n.lineno <= b for a, b in tries)
        ),
        key=lambda n: (n.lineno, n.col_offset),
    )


_TRIES = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


def _arg_name(node: ast.AST | None) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _conversion(ctx: Context, call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id in ("int", "float"):
        bound = ctx.model.imports.lookup(func.id) is not None or func.id in ctx.model.functions
        return None if bound else func.id
    name = ctx.model.qualname(func)
    return name if name in CONVERSIONS else None


def _enum_call(ctx: Context, call: ast.Call) -> bool:
    func = call.func
    cls = ctx.model.classes.get(func.id) if isinstance(func, ast.Name) else None
    return cls is not None and any(ctx.model.qualname(b) in _ENUM_BASES for b in cls.bases)


def _reads_json(call: ast.Call, request: str) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute) and func.attr == "json" and not call.args
        and isinstance(func.value, ast.Name) and func.value.id == request
    )


def _checks_input(test: ast.expr, inputs: set[str]) -> bool:
    if isinstance(test, ast.Call) and last_name(test.func) in ("isinstance", "callable", "hasattr"):
        return False  # (a type check: FastAPI validated the type)
    if isinstance(test, ast.Compare) and all(isinstance(op, ast.IsNot) for op in test.ops):
        return False  # `assert x is not None`: narrowing a type for the type checker, after a check
    return any(isinstance(n, ast.Name) and n.id in inputs for n in ast.walk(test))


def _validated_text(handler: FunctionNode) -> set[str]:
    """Text parameters FastAPI checks against a pattern (`Query(pattern=r"^[0-9]+$")`): their
    conversion cannot fail on the client's input."""
    return {
        arg.arg
        for arg, default in parameters(handler)
        for expr in (arg.annotation, default)
        if expr is not None
        for node in ast.walk(expr)
        if isinstance(node, ast.Call) and any(k.arg in ("pattern", "regex") for k in node.keywords)
    }


_FREE_FORM = {"Dict", "dict", "Mapping", "Any", "Json"}


def _free_form_fields(ctx: Context, handler: FunctionNode, route: Route) -> dict[str, str]:
    """Names in the handler that hold a free-form object of the body: a field of the body's
    model declared a plain `dict` (`element: Dict`), as `payload.element` or a local bound to it
    (`d = cast(ElementDict, payload.element)`). Name (or `payload.element`) -> the field."""
    found: dict[str, str] = {}
    for arg in body_parameters(handler, route.path):
        cls = _model_class(ctx, arg.annotation)
        if cls is None:
            continue
        for stmt in cls.body:
            if (
                isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is None
                and _plain_dict(stmt.annotation)
            ):
                found[f"{arg.arg}.{stmt.target.id}"] = stmt.target.id
    if not found:
        return found
    for node in ast.walk(handler):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call) and last_name(value.func) == "cast" and len(value.args) == 2:
                value = value.args[1]
            key = ctx.text(value) if isinstance(value, ast.Attribute) else None
            if key in found:
                found[node.targets[0].id] = found[key]
    return found


def _model_class(ctx: Context, annotation: ast.expr | None) -> ast.ClassDef | None:
    """The body model's class, in this module or (with the project) another of the project."""
    if not isinstance(annotation, (ast.Name, ast.Attribute)):
        return None
    if isinstance(annotation, ast.Name) and annotation.id in ctx.model.classes:
        return ctx.model.classes[annotation.id]
    view = ctx.settings.project
    if view is None:
        return None
    found = view.index.resolve_class(view.name, ctx.model.imports, annotation, view.reads)
    return found[1] if found else None


def _plain_dict(annotation: ast.expr) -> bool:
    """`Dict`, `dict`, `Dict[str, Any]`, `dict[str, Any]`: any keys, any values."""
    if isinstance(annotation, ast.Subscript):
        if last_name(annotation.value) not in ("Dict", "dict"):
            return False
        items = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        return len(items) == 2 and last_name(items[1]) in ("Any", "object")
    return last_name(annotation) in ("Dict", "dict")


def _free_form_key(node: ast.Subscript, free: dict[str, str]) -> str | None:
    """`d["type"]` (a constant key) on a free-form object of the body: the name it is on."""
    if not free or not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
        return None
    value = node.value
    if isinstance(value, ast.Name) and value.id in free:
        return value.id
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        key = f"{value.value.id}.{value.attr}"
        return key if key in free else None
    return None


def _keyed(key: ast.expr) -> bool:
    """The key is text (a name, `"/" + name`, an f-string), not a slice or a number."""
    return not isinstance(key, (ast.Slice, ast.Tuple, ast.Constant))


def _tested_containers(ctx: Context, handler: FunctionNode, with_get: bool = True) -> set[str]:
    """What the handler tests keys against (`key in things`, and with `with_get`
    `things.get(key)`), as text."""
    found = set()
    for node in ast.walk(handler):
        if isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators):
                if isinstance(op, (ast.In, ast.NotIn)):
                    found.add(ctx.text(right))
        elif with_get and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "keys"):
            found.add(ctx.text(node.func.value))
    return found


def _tested_keys(handler: FunctionNode) -> set[tuple[str, str]]:
    """(key, dict) pairs the handler tests: `key in DICT`, `key not in DICT`."""
    found = set()
    for node in ast.walk(handler):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name):
            for op, right in zip(node.ops, node.comparators):
                if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.Name):
                    found.add((node.left.id, right.id))
    return found


def _module_dicts(ctx: Context) -> set[str]:
    """Names bound once, at module level, to a dict literal (a lookup table)."""
    counts: dict[str, int] = {}
    dicts = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    counts[t.id] = counts.get(t.id, 0) + 1
                    if isinstance(stmt.value, (ast.Dict, ast.DictComp)):
                        dicts.add(t.id)
    return {d for d in dicts if counts[d] == 1}


def _declare_fix(ctx: Context, handler: FunctionNode, call: ast.Call, param: str, type_name: str) -> Fix | None:
    """`page: int = 1` for `page: str = "1"` and `int(page)`: when the parameter is used only in
    that conversion and the type is at hand (a builtin, or imported under that name)."""
    uses = [n for n in ast.walk(handler) if isinstance(n, ast.Name) and n.id == param]
    if len(uses) != 1 or uses[0] is not call.args[0] or len(call.args) != 1 or call.keywords:
        return None
    if type_name not in ("int", "float") and ctx.model.imports.lookup(type_name) is None:
        return None
    arg, default = next((a, d) for a, d in parameters(handler) if a.arg == param)
    new_default = None  # (`None` stays `None`; a text default becomes the number it reads as)
    if default is not None and not (isinstance(default, ast.Constant) and default.value is None):
        if not (isinstance(default, ast.Constant) and isinstance(default.value, str) and type_name in ("int", "float")):
            return None
        try:
            new_default = repr(int(default.value) if type_name == "int" else float(default.value))
        except ValueError:
            return None

    def build():
        def plan(snippet):
            changes = {
                snippet.find(call, cst.Call): lambda _: cst.Name(param),
                snippet.find(arg, cst.Param): lambda p: _retyped(p, type_name, new_default),
            }
            return changes

        return rewrite(ctx, call, plan)

    return Fix(f"Declare `{param}: {type_name}` (bad input then answers 422 instead of 500)", Applicability.UNSAFE, build)


def _retyped(param, type_name: str, new_default: str | None):
    annotation = cst.Annotation(annotation=cst.parse_expression(type_name))
    changes: dict = {"annotation": annotation}
    if new_default is not None:
        changes["default"] = cst.parse_expression(new_default)
    if param.default is not None and param.annotation is None:  # `x=1` becomes `x: int = 1` (PEP 8)
        spaced = cst.SimpleWhitespace(" ")
        changes["equal"] = cst.AssignEqual(whitespace_before=spaced, whitespace_after=spaced)
    return param.with_changes(**changes)
