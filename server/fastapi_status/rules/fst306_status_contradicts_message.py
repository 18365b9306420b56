from __future__ import annotations

import ast
import re
from typing import Iterable

from fastapi_status.core.callees import answers_requests, enclosing_function
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.exception_handlers import SERVER_ERROR_HANDLERS, may_catch
from fastapi_status.core.flow import conditions_at
from fastapi_status.core.inputs import root_name
from fastapi_status.core.messages import (
    HEDGED,
    Meaning,
    meaning_of,
    message_text,
    names_the_request,
    path_nouns,
    quoted,
    singular,
    subject,
)
from fastapi_status.core.model import kwarg, last_name
from fastapi_status.core.params import DEPENDENCY_MARKERS, markers_of, parameters
from fastapi_status.core.payloads import literal_text
from fastapi_status.core.raises import TRIES, callee, caught, escapes, module_info
from fastapi_status.core.status_sites import exception_status_expr, status_sites
from fastapi_status.core.statuses import describe
from fastapi_status.core.text import lazy_pattern, words
from fastapi_status.fixes.cst import rewrite
from fastapi_status.fixes.imports import status_reference
from fastapi_status.fixes.lazy import cst
from fastapi_status.rules.base import Invalid, Rule

# Where 400 for bad credentials is the contract (RFC 6749's token endpoint, login forms).
CREDENTIAL_PATHS = {"token", "tokens", "oauth", "oauth2", "login", "signin", "authorize", "jwt"}
CREDENTIALS = lazy_pattern(r"\b(?:invalid|bad|wrong) (?:username|password|credentials|api key)\b", re.I)


class StatusContradictsMessage(Rule):
    """
    ## What it does
    Flags an `HTTPException` whose message names one status and whose status code another:

    - "not found", "does not exist", "no such …" with 400, 422 or 500, when what is missing is
      what the request's URL names (a path or query parameter the message interpolates, or
      what a path parameter stands for: "Item not found" under `/items/{item_id}`) → 404;
    - "not authenticated", "invalid token", "token expired", "missing credentials", "login
      required" with 400 or 404 → 401;
    - "permission denied", "not authorized to …", "you are not allowed to …", "only admins can
      …", "admin access required" with 400 or 401 → 403;
    - "already exists", "duplicate" with 500 → 409;
    - "too many requests", "rate limit exceeded" with 400, 403 or 500 → 429;
    - "file too large", "exceeds the maximum upload size" with 400, 422 or 500 → 413.

    - a message that tells the operator to set an environment variable ("AWS region not found.
      Set AWS_REGION_NAME in the proxy environment") with 400, 401, 404 or 422 → 500: the
      server's own setup is missing, and the client can do nothing about it (unless the message
      also blames the request, "Unsupported path …; set …", or is about a feature not turned on
      or licensed);
    - a 401 without a message that names another status, raised where the caller is known to
      be authenticated (a `Depends(...)` parameter that provides the user, not `Optional`, or a
      user the path has tested: `if current_user:`) right after comparing that caller with the
      resource or a role (`session.user_id != current_user.id`, `user.role != "admin"`) → 403:
      a refusal, not a missing login. A comparison of credentials (`user.api_key != key`,
      `payload["exp"]`) is left alone: 401 is right there.

    - `except ValueError as e: raise HTTPException(400, detail=str(e))`, when the `try` calls a
      function (of the module, or of the project) that raises that exception with a message
      naming another status ("File size too large", "Dataset does not exist" under
      `/datasets/{id}`): the client gets the written status for it. Only for an `except` of
      a named class (`except Exception as e` carries every failure). No fix: the other
      messages of the same `except` may well be 400s.

    The message may be a string, an f-string, `"…".format(…)`, a string constant of the
    module or of one of its classes (`Errors.NOT_FOUND`), or the `"error"`/`"message"` of a
    `detail={...}` dict; the status a number, a `status` constant or an `HTTPStatus` member.

    Left alone: a message that names two statuses ("not found or not allowed"); "not found"
    for a thing the request body refers to (`POST /orders` with an unknown `product_id`, or an
    RPC-style `POST /team/delete` with `{"team_id": …}`: 400 or 422 is the design there) or for
    the server's own setup (that is a 500, above, never a 404); a 404 that hides a resource from someone not allowed to see it (the
    status is 404 there: nothing contradicts); bad credentials answered 400 at a token or login
    endpoint (RFC 6749 prescribes it); 400 for a duplicate (a common, deliberate choice).

    ## Why is this bad?
    Clients branch on the status, not on the text: a 400 for a missing item tells them their
    request is malformed, a 401 for a permission problem tells them to log in again (and SDKs
    retry the login), a 500 for a duplicate pages the on-call engineer for the client's mistake.

    ## Example
    ```python
    item = await repo.get(item_id)
    if item is None:
        raise HTTPException(status_code=400, detail="Item not found")
    ```

    ## Use instead
    ```python
    item = await repo.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    ```

    ## Fix safety
    The fix is unsafe: clients then receive the status the message names (404 instead of 400,
    say), which a client or test written against the old status notices. It writes the status
    the way the module does (`status.HTTP_404_NOT_FOUND`, `HTTPStatus.NOT_FOUND` or `404`).
    """

    code = "FST306"
    name = "status-contradicts-message"
    summary = "HTTPException whose message names another status (400 \"Item not found\")"
    fix_summary = "Use the status the message names (unsafe)"

    VALID = [
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items/{item_id}')\ndef read(item_id: int):\n"
        "    raise HTTPException(404, detail='Item not found')\n",
        # Something the body refers to: 400 is right.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.post('/orders')\ndef create_order(order: dict):\n"
        "    raise HTTPException(400, detail=f\"Product {order['product_id']} not found\")\n",
        # The server's own setup.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.post('/transcribe')\ndef transcribe(audio: bytes):\n"
        "    raise HTTPException(500, detail='LLM router not found. Start the proxy with a config.')\n",
        # Two meanings: stay silent.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/docs/{doc_id}')\ndef read(doc_id: str):\n"
        "    raise HTTPException(400, detail='Document not found or you do not have permission to view it')\n",
        # RFC 6749: a token endpoint answers bad credentials with 400.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.post('/auth/token')\ndef token(form: dict):\n"
        "    raise HTTPException(400, detail='Invalid username or password')\n",
        # 400 for a duplicate is a common, deliberate choice; and a date range is not a payload.
        "from fastapi import HTTPException\ndef check(tag, days):\n"
        "    if tag:\n        raise HTTPException(400, detail=f'Tag {tag} already exists')\n"
        "    if days > 90:\n        raise HTTPException(400, detail='Date range too large; maximum is 90 days')\n",
        # A helper (no route, nothing FastAPI provides): its callers decide what the client gets.
        "from fastapi import HTTPException\nclass Store:\n    async def get_data(self, token=None):\n"
        "        if token is None:\n            raise HTTPException(400, detail=f'No token passed in. Token={token}')\n",
        # A message that guesses is no evidence.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n@router.post('/key/delete')\n"
        "def delete_keys(keys: list):\n    raise HTTPException(400, detail='Not all keys were deleted. "
        "This probably means you do not have access to delete them')\n",
        # Input validation that says "not allowed" is a 400.
        "from fastapi import HTTPException\ndef check(name):\n"
        "    raise HTTPException(400, detail='Invalid evaluation name: null bytes are not allowed')\n",
        # A credential compared: 401 is right; an optional user may be anonymous.
        "from typing import Optional\nfrom fastapi import APIRouter, Depends, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/keys/{key}')\ndef read(key: str, user: User = Depends(current_user),"
        " viewer: Optional[User] = Depends(maybe_user)):\n"
        "    if user.api_key != key:\n        raise HTTPException(401)\n"
        "    if viewer.id != OWNER:\n        raise HTTPException(401)\n",
        # (From litellm) whether there is a user is not who the caller is.
        "from fastapi import APIRouter, HTTPException, Request\nrouter = APIRouter()\n"
        "@router.get('/me')\ndef me(request: Request):\n    user_object = lookup(request)\n"
        "    if user_object is not None and user_object.metadata.get('active') is False:\n"
        "        raise HTTPException(401, detail='This user has been deactivated')\n",
        # (From litellm) a feature the server has not licensed, and a message that also blames
        # the request: a refusal or the client's error, not only the server's setup.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.post('/team/member_add')\ndef add(data: dict):\n"
        "    raise HTTPException(400, detail='Assigning team admins is a premium feature. "
        "If you have a license please set `LITELLM_LICENSE` in your env.')\n"
        "@router.post('/speech/{path:path}')\ndef speech(path: str):\n"
        "    raise HTTPException(400, detail=f'Unsupported path: {path}; set AZURE_SPEECH_REGION in the proxy environment.')\n",
        # (From phoenix and chainlit) what is missing is a column of the upload, not what the URL
        # names; and an inner `try` swallows the helper's error before the outer `except`.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "def check_keys(keys, headers):\n    for k in keys:\n        if k not in headers:\n"
        "            raise ValueError(f'split_key {k!r} not found in column headers')\n"
        "def require(sid):\n    raise ValueError('Session not found')\n"
        "@router.post('/datasets/upload')\nasync def upload(keys: list, headers: list):\n    try:\n"
        "        check_keys(keys, headers)\n    except ValueError as e:\n        raise HTTPException(422, detail=str(e))\n"
        "@router.put('/feedback')\nasync def feedback(sid: str):\n    try:\n        try:\n            require(sid)\n"
        "        except Exception as err:\n            log(err)\n    except Exception as e:\n"
        "        raise HTTPException(detail=str(e), status_code=500) from e\n",
        # (From litellm) "no credentials" inside a URL rule is not a missing login.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.post('/moyai/connect')\ndef connect(url: str):\n"
        "    raise HTTPException(400, detail='moyai_url must be an http or https URL with a host and no credentials')\n",
        # A message the module does not define (an imported error code): unknown, silent.
        "from fastapi import HTTPException\nfrom .errors import ErrorCode\ndef check():\n"
        "    raise HTTPException(400, detail=ErrorCode.LOGIN_BAD_CREDENTIALS)\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{item_id}')\ndef read(item_id: int):\n"
            "    item = ITEMS.get(item_id)\n    if item is None:\n"
            "        raise HTTPException(status_code=400, detail='Item not found')\n    return item\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{item_id}')\ndef read(item_id: int):\n"
            "    item = ITEMS.get(item_id)\n    if item is None:\n"
            "        raise HTTPException(status_code=404, detail='Item not found')\n    return item\n",
        ),
        # A query parameter the message interpolates; the module's status constants.
        Invalid(
            "from fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n"
            "@router.delete('/config/endpoint')\ndef delete_endpoint(endpoint_id: str):\n"
            "    raise HTTPException(\n        status_code=status.HTTP_400_BAD_REQUEST,\n"
            "        detail=f'Endpoint with ID {endpoint_id} was not found',\n    )\n",
            fixed="from fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n"
            "@router.delete('/config/endpoint')\ndef delete_endpoint(endpoint_id: str):\n"
            "    raise HTTPException(\n        status_code=status.HTTP_404_NOT_FOUND,\n"
            "        detail=f'Endpoint with ID {endpoint_id} was not found',\n    )\n",
        ),
        # Authenticated but not allowed: 403, not 401 (which tells the client to log in again).
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/project/file')\ndef upload(session_id: str, user=None):\n"
            "    if user is not None and user.id != owner(session_id):\n"
            "        raise HTTPException(401, detail='You are not authorized to upload files for this session')\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/project/file')\ndef upload(session_id: str, user=None):\n"
            "    if user is not None and user.id != owner(session_id):\n"
            "        raise HTTPException(403, detail='You are not authorized to upload files for this session')\n",
        ),
        # (From litellm) the server's own setup is missing: a server error, not the client's.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/bedrock/{endpoint:path}')\ndef bedrock(endpoint: str):\n"
            "    raise HTTPException(status_code=400, detail='AWS region not found. Set AWS_REGION_NAME in the proxy environment.')\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/bedrock/{endpoint:path}')\ndef bedrock(endpoint: str):\n"
            "    raise HTTPException(status_code=500, detail='AWS region not found. Set AWS_REGION_NAME in the proxy environment.')\n",
        ),
        # (From chainlit) a validator's "too large", answered 400 through `str(e)`.
        Invalid(
            "from fastapi import APIRouter, HTTPException, UploadFile\nrouter = APIRouter()\n"
            "def validate_file_size(file):\n    if file.size > 10_000_000:\n"
            "        raise ValueError('File size too large')\n"
            "@router.post('/project/file')\nasync def upload_file(file: UploadFile):\n    try:\n"
            "        validate_file_size(file)\n    except ValueError as e:\n"
            "        raise HTTPException(status_code=400, detail=str(e))\n    return {'ok': True}\n",
        ),
        # (From chainlit) an authenticated user who is not the session's: 403.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/mcp/disconnect')\nasync def disconnect(payload: Payload, current_user: UserParam):\n"
            "    session = get_session(payload.session_id)\n    if current_user:\n"
            "        if not session.user or session.user.identifier != current_user.identifier:\n"
            "            raise HTTPException(status_code=401)\n    return {'ok': True}\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.post('/mcp/disconnect')\nasync def disconnect(payload: Payload, current_user: UserParam):\n"
            "    session = get_session(payload.session_id)\n    if current_user:\n"
            "        if not session.user or session.user.identifier != current_user.identifier:\n"
            "            raise HTTPException(status_code=403)\n    return {'ok': True}\n",
        ),
        # (From litellm) a role check on the user a dependency authenticated.
        Invalid(
            "from fastapi import APIRouter, Depends, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/customer/list')\nasync def customers(user_api_key_dict: UserAPIKeyAuth = Depends(auth)):\n"
            "    if user_api_key_dict.user_role != Roles.PROXY_ADMIN:\n"
            "        raise HTTPException(401, detail={'error': 'Admin-only endpoint'})\n    return []\n",
        ),
        # A message constant of the module; HTTPStatus members.
        Invalid(
            "from http import HTTPStatus\nfrom fastapi import Depends, HTTPException\n"
            "EXPIRED = 'Your session token has expired, please log in again'\n"
            "def current_user(token: str = Depends(oauth2_scheme)):\n    if expired(token):\n"
            "        raise HTTPException(HTTPStatus.BAD_REQUEST, detail=EXPIRED)\n",
            fixed="from http import HTTPStatus\nfrom fastapi import Depends, HTTPException\n"
            "EXPIRED = 'Your session token has expired, please log in again'\n"
            "def current_user(token: str = Depends(oauth2_scheme)):\n    if expired(token):\n"
            "        raise HTTPException(HTTPStatus.UNAUTHORIZED, detail=EXPIRED)\n",
        ),
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "class Errors:\n    TOO_BIG = 'File size too large. Maximum size is 5MB.'\n"
            "@router.post('/logo')\ndef upload_logo(data: bytes):\n"
            "    if len(data) > 5_000_000:\n        raise HTTPException(400, Errors.TOO_BIG)\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "class Errors:\n    TOO_BIG = 'File size too large. Maximum size is 5MB.'\n"
            "@router.post('/logo')\ndef upload_logo(data: bytes):\n"
            "    if len(data) > 5_000_000:\n        raise HTTPException(413, Errors.TOO_BIG)\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        model = ctx.model
        for site in status_sites(ctx):
            if site.where != "exception" or site.call is None or site.expr is not exception_status_expr(model, site.call):
                continue
            status = model.status_of(site.expr)
            call = site.call
            detail = kwarg(call, "detail")
            message = detail.value if detail else (call.args[1] if len(call.args) > 1 else None)
            found = message_text(ctx, message)
            if status == 401 and (message is None or (found is not None and meaning_of(found[0]) is None)):
                refused = _refused_after_authentication(ctx, call)
                if refused:
                    yield ctx.diagnostic(
                        self,
                        site.expr,
                        f"401 Unauthorized for a caller who is authenticated ({refused}): 401 tells the client to "
                        "log in again; the client should receive 403 Forbidden",
                        [_status_fix(ctx, site.expr, 403)],
                    )
                continue
            if found is None and status is not None:
                carried = _carried_message(ctx, call, message, status)
                if carried is not None:
                    text, meaning, escape = carried
                    yield ctx.diagnostic(
                        self,
                        site.expr,
                        f"`{ctx.text(message)}` carries {escape.exception}({quoted(text)}) raised in "
                        f"`{escape.function.name}` (line {escape.raise_node.lineno}), which says {meaning.what}, but "
                        f"the status is {describe(status)}: the client should receive {describe(meaning.status)} for it",
                    )
                continue
            if status is None or found is None:
                continue
            text, names = found
            meaning = meaning_of(text)
            if meaning is None or status not in meaning.contradicted_by:
                continue
            if not self._applies(ctx, call, meaning, text, names):
                continue
            yield ctx.diagnostic(
                self,
                site.expr,
                f"the message says {meaning.what} ({quoted(text)}) but the status is {describe(status)}: "
                f"the client should receive {describe(meaning.status)}",
                [_status_fix(ctx, site.expr, meaning.status)],
            )

    @staticmethod
    def _applies(ctx: Context, call: ast.Call, meaning: Meaning, text: str, names: set[str]) -> bool:
        function = enclosing_function(ctx, call)
        if not answers_requests(ctx, function) or HEDGED.search(text):
            return False  # a helper's callers decide; a message that guesses is no evidence
        routes = ctx.model.routes_of(function) if function is not None else []
        if meaning.status == 404:
            # Only where the route is known: what is missing must be what the request names.
            return any(names_the_request(route, text, names) for route in routes)
        if meaning.status == 401 and CREDENTIALS.search(text):
            return not any(set(words(route.path or "")) & CREDENTIAL_PATHS for route in routes) and bool(routes)
        return True


# Who is calling, by the name the handler gives them.
_CALLER_WORDS = {"user", "account", "principal", "caller", "requester", "me", "member", "identity", "actor", "viewer"}
# What is compared when a credential is checked (a 401 is right there).
_SECRET_WORDS = {"token", "tokens", "key", "password", "secret", "credential", "credentials", "signature", "hash",
                 "otp", "nonce", "jwt", "code", "digest", "expires", "exp", "expiry", "expired"}


def _refused_after_authentication(ctx: Context, call: ast.Call) -> str | None:
    """The 401 is raised where the caller is known (a user the route's dependency provides, or
    one the code tested for), after comparing that caller with the resource or a role
    (`session.user.identifier != current_user.identifier`): it is a refusal, not a missing
    login. Returns the comparison, for the message; None when that is not sure."""
    function = enclosing_function(ctx, call)
    if function is None or not answers_requests(ctx, function):
        return None
    conditions = conditions_at(function, call)
    callers = _provided_callers(function) | _tested_callers(conditions)
    if not callers:
        return None
    for test, held in conditions:
        for compare in (n for n in ast.walk(test) if isinstance(n, ast.Compare) and len(n.ops) == 1):
            refusing = (ast.NotEq, ast.IsNot, ast.NotIn) if held else (ast.Eq, ast.Is, ast.In)
            if not isinstance(compare.ops[0], refusing):
                continue
            sides = [compare.left, compare.comparators[0]]
            if any(isinstance(side, ast.Constant) and side.value in (None, True, False) for side in sides):
                continue  # (`user is not None`: whether there is a caller, not who it is)
            mine = [side for side in sides if root_name(side) in callers]
            if len(mine) != 1 or any(_secret(side, side is mine[0]) for side in sides):
                continue
            text = ctx.text(compare)
            return text if len(text) <= 60 else text[:59] + "…"
    return None


def _caller_name(name: str) -> bool:
    return bool(set(words(name)) & _CALLER_WORDS)


def _provided_callers(function) -> set[str]:
    """Parameters a dependency fills with the authenticated caller: `user: User =
    Depends(current_user)` (not `Optional[User]`, not `= None`: those may be anonymous)."""
    found = set()
    for arg, default in parameters(function):
        marks = markers_of(arg.annotation) | markers_of(default)
        if not marks & DEPENDENCY_MARKERS or not _caller_name(arg.arg) or marks & {"Optional", "None"}:
            continue
        if isinstance(arg.annotation, ast.BinOp):  # `User | None`
            continue
        found.add(arg.arg)
    return found


def _tested_callers(conditions: list[tuple[ast.expr, bool]]) -> set[str]:
    """Callers the path has tested to be there: `if current_user:`, `if user is not None:`,
    `if not user: … else:`."""
    found = set()
    for test, held in conditions:
        parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and held else [test]
        for part in parts:
            positive = held
            if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
                part, positive = part.operand, not held
            if isinstance(part, ast.Compare) and len(part.ops) == 1 and isinstance(part.comparators[0], ast.Constant) \
                    and part.comparators[0].value is None:
                positive = positive if isinstance(part.ops[0], ast.IsNot) else not positive
                part = part.left
            if positive and isinstance(part, ast.Name) and _caller_name(part.id):
                found.add(part.id)
    return found


def _secret(side: ast.expr, is_caller: bool) -> bool:
    """The comparison checks a credential (`user.api_key != key`, `payload["exp"]`): its
    attribute and key names (and, for the other side, its name) say so."""
    names = []
    node: ast.AST = side
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            names.append(node.slice.value)
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name) and not is_caller:
        names.append(node.id)
    return any(set(words(n)) & _SECRET_WORDS for n in names)


def _carried_message(ctx: Context, call: ast.Call, message: ast.expr | None, status: int):
    """`except ValueError as e: raise HTTPException(400, detail=str(e))`: the messages the
    caught exception can carry are those of the exceptions of that class the `try` can raise
    (raised in the functions it calls, of the module or the project). The first whose message
    names a status the written one contradicts: (message, meaning, where it is raised)."""
    name = _exception_text(message)
    if name is None:
        return None
    function = enclosing_function(ctx, call)
    if function is None or not answers_requests(ctx, function):
        return None
    for node in ast.walk(function):
        if not isinstance(node, TRIES):
            continue
        handler = next(
            (h for h in node.handlers if h.name == name and h.body and h.body[0].lineno <= call.lineno <= (h.end_lineno or 0)),
            None,
        )
        if handler is None:
            continue
        if handler.type is None or last_name(handler.type) in SERVER_ERROR_HANDLERS or isinstance(handler.type, ast.Tuple):
            return None  # (`except Exception as e: … str(e)` carries every failure: no one message to read)
        module = module_info(ctx)
        inner_tries = [t for stmt in node.body for t in ast.walk(stmt) if isinstance(t, TRIES) and t.body and t.handlers]
        routes = ctx.model.routes_of(function)
        for inner in (n for stmt in node.body for n in ast.walk(stmt)):
            if not isinstance(inner, ast.Call):
                continue
            target = callee(ctx.settings.project, module, inner)
            if target is None:
                continue
            for escape in escapes(ctx.settings.project, target.module, target.function, ctx=ctx):
                text = literal_text(escape.message) if isinstance(escape.message, (ast.Constant, ast.JoinedStr)) else None
                if text is None or not may_catch(handler, escape.exception) or caught(inner_tries, inner, escape.exception):
                    continue
                meaning = meaning_of(text)
                if meaning is None or meaning.status >= 500 or status not in meaning.contradicted_by:
                    continue
                noun = subject(text)
                if meaning.status == 404 and not (noun and any(singular(noun) in path_nouns(r.path) for r in routes)):
                    continue  # (what is missing must be what the URL names: not a column of an upload)
                return text, meaning, escape
        return None
    return None


def _exception_text(message: ast.expr | None) -> str | None:
    """`e` for `str(e)` or `f"{e}"`."""
    if isinstance(message, ast.Call) and isinstance(message.func, ast.Name) and message.func.id == "str":
        arg = message.args[0] if len(message.args) == 1 else None
        return arg.id if isinstance(arg, ast.Name) else None
    if isinstance(message, ast.JoinedStr) and len(message.values) == 1 and isinstance(message.values[0], ast.FormattedValue):
        value = message.values[0].value
        return value.id if isinstance(value, ast.Name) else None
    return None


def _status_fix(ctx: Context, expr: ast.expr, code: int) -> Fix:
    def build():
        text, import_edits = status_reference(ctx, code, before_line=expr.lineno)

        def plan(snippet):
            target = snippet.find(expr, (cst.Integer, cst.Attribute, cst.Name))
            return {target: lambda _: cst.parse_expression(text)}

        return rewrite(ctx, expr, plan) + import_edits

    return Fix(f"Answer {describe(code)} (clients then receive {code})", Applicability.UNSAFE, build)
