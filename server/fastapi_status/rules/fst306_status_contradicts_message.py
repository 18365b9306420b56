from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Iterable

from fastapi_status.core.callees import answers_requests, enclosing_function
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.model import Route, kwarg
from fastapi_status.core.params import path_parameters, request_parameters
from fastapi_status.core.payloads import MESSAGE_KEYS, literal_key, literal_text
from fastapi_status.core.status_sites import exception_status_expr, status_sites
from fastapi_status.core.statuses import describe
from fastapi_status.core.text import lazy_pattern, words
from fastapi_status.fixes.cst import rewrite
from fastapi_status.fixes.imports import status_reference
from fastapi_status.fixes.lazy import cst
from fastapi_status.rules.base import Invalid, Rule


@dataclass(frozen=True)
class Meaning:
    status: int
    what: str  # how the message reads, for the diagnostic
    pattern: lazy_pattern
    contradicted_by: frozenset[int]  # the statuses that say something else


_NOT_FOUND = lazy_pattern(
    r"\b(?:not (?:be )?found|was ?n[o']t found|could not be found|does ?n[o']t exist|do ?n[o']t exist|"
    r"no longer exists?|no such)\b",
    re.I,
)
MEANINGS = (
    Meaning(404, "not found", _NOT_FOUND, frozenset({400, 422, 500})),
    Meaning(
        401,
        "not authenticated",
        lazy_pattern(
            r"\b(?:not authenticated|unauthenticated|authentication (?:is )?required|login (?:is )?required|"
            r"(?:missing|no) (?:bearer |access |auth(?:orization|entication)? )?(?:token|credentials|authorization header)|"
            r"invalid (?:or expired )?(?:api key|(?:access |bearer |auth(?:entication)? |session )?token)|"
            r"(?:token|session) (?:has |is )?expired)\b",
            re.I,
        ),
        frozenset({400, 404}),
    ),
    Meaning(
        403,
        "not allowed",
        lazy_pattern(
            r"\b(?:permission denied|insufficient (?:permissions?|privileges?|rights)|"
            r"(?:do|does) ?n[o']t have (?:the )?(?:required |necessary )?(?:permissions?|access|rights|privileges?)|"
            r"not authori[sz]ed to \w+|you (?:are|re) not (?:allowed|permitted) to|access (?:is )?denied|"
            r"only (?:an? )?(?:admins?|administrators?|owners?|the owner|proxy admins?|superusers?) (?:can|may|are allowed)|"
            r"(?:admin|administrator|superuser) (?:access|privileges?|rights|role) (?:is )?required)\b",
            re.I,
        ),
        frozenset({400, 401}),
    ),
    Meaning(
        409,
        "already exists",
        lazy_pattern(r"\b(?:already exists?|already registered|already in use|already taken|duplicate)\b", re.I),
        frozenset({500}),
    ),
    Meaning(
        429,
        "rate limited",
        lazy_pattern(r"\b(?:too many requests|rate limit(?:ed| exceeded| reached)|rate-limited)\b", re.I),
        frozenset({400, 403, 500}),
    ),
    Meaning(
        413,
        "too large",
        lazy_pattern(
            r"\b(?:(?:file|upload|payload|body|request|content|attachment|image)s? (?:\w+ )?(?:is |are )?too (?:large|big)|"
            r"exceeds? (?:the )?max(?:imum)? (?:file |upload |request |payload |body )?size)\b",
            re.I,
        ),
        frozenset({400, 422, 500}),
    ),
)
# Any of them: one search tells most messages apart from those worth the six.
_ANY_MEANING = lazy_pattern("|".join(f"(?:{m.pattern._args[0]})" for m in MEANINGS), re.I)
# Where 400 for bad credentials is the contract (RFC 6749's token endpoint, login forms).
_CREDENTIAL_PATHS = {"token", "tokens", "oauth", "oauth2", "login", "signin", "authorize", "jwt"}
_CREDENTIALS = lazy_pattern(r"\b(?:invalid|bad|wrong) (?:username|password|credentials|api key)\b", re.I)
# A message that guesses ("This probably means you don't have access") says nothing for sure.
_HEDGED = lazy_pattern(r"\b(?:probably|possibly|perhaps|maybe|might|may be|likely|could be)\b", re.I)
# Words between a "not found" message's subject and its "not found".
_FILLER = {"the", "a", "an", "requested", "given", "specified", "provided", "this", "that", "with", "id", "ids",
           "name", "of", "for", "your", "any", "one", "or", "more", "no", "record", "entry", "was", "were", "is",
           "are", "be", "been", "could", "can", "has", "have", "key", "uuid", "s"}


def message_text(ctx: Context, expr: ast.expr | None) -> tuple[str, set[str]] | None:
    """The text of a message (`"Item not found"`, an f-string with "…" for what it
    interpolates, `"… {}".format(x)`, a string constant of the module or of one of its classes),
    and the names it interpolates."""
    if expr is None:
        return None
    if isinstance(expr, ast.Dict):  # `detail={"error": "…"}`: the message under its key
        texts = {literal_key(k): v for k, v in zip(expr.keys, expr.values)}
        value = next((texts[k] for k in MESSAGE_KEYS if k in texts), None)
        return message_text(ctx, value) if value is not None else None
    if isinstance(expr, (ast.Constant, ast.JoinedStr)):
        text = literal_text(expr)
        names = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
        return (text, names) if text is not None else None
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "format"
        and isinstance(expr.func.value, ast.Constant)
        and isinstance(expr.func.value.value, str)
    ):
        names = {n.id for arg in [*expr.args, *(k.value for k in expr.keywords)] for n in ast.walk(arg) if isinstance(n, ast.Name)}
        return expr.func.value.value, names
    constant = _string_constant(ctx, expr)
    return (constant, set()) if constant is not None else None


def _string_constant(ctx: Context, expr: ast.expr) -> str | None:
    """`NOT_FOUND` bound once at module level, or `Errors.NOT_FOUND` in a class of the module,
    to a string literal (looked up by name: the module's statements are not tabled)."""
    if isinstance(expr, ast.Name):
        return _bound_once(ctx.tree.body, expr.id)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        cls = ctx.model.classes.get(expr.value.id)
        return _bound_once(cls.body, expr.attr) if cls is not None else None
    return None


def _bound_once(body: list[ast.stmt], name: str) -> str | None:
    """The string literal `name` is bound to in `body`, when it is bound there once."""
    found = []
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == name:
            found.append(value)
    if len(found) == 1 and isinstance(found[0], ast.Constant) and isinstance(found[0].value, str):
        return found[0].value
    return None


def meaning_of(text: str) -> Meaning | None:
    """The one status the message names; None when it names none, or more than one ("not
    found or not allowed")."""
    if not _ANY_MEANING.search(text):
        return None
    found = [m for m in MEANINGS if m.pattern.search(text)]
    return found[0] if len(found) == 1 else None


def _subject(text: str) -> str | None:
    """The noun a "not found" message is about: `Item` in "Item 3 not found", `endpoint` in
    "Endpoint with ID {} was not found"."""
    m = _NOT_FOUND.search(text)
    if m is None:
        return None
    return next((w for w in reversed(words(text[: m.start()])) if w not in _FILLER and not w.isdigit()), None)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def names_the_request(route: Route, text: str, names: set[str]) -> bool:
    """What the message says is missing is what the request's URL names: a path or query
    parameter it interpolates, or its subject is what a path parameter stands for (`item` for
    `{item_id}`, or for `{id}` in `/items/{id}`). A name in the body does not count (RPC-style
    `POST /team/delete` with `{"team_id": …}` answers 400 by design)."""
    if names & request_parameters(route.handler, route.path):
        return True
    subject = _subject(text)
    return subject is not None and _singular(subject) in _path_nouns(route.path)


def _path_nouns(path: str | None) -> set[str]:
    """What the path's parameters stand for: `/items/{id}/tags/{tag_name}` → {"item", "tag"}."""
    nouns: set[str] = set()
    segments = [s for s in (path or "").split("/") if s]
    for i, seg in enumerate(segments):
        if "{" not in seg:
            continue
        nouns |= {_singular(w) for p in path_parameters(seg) for w in words(p) if w not in _ID_WORDS}
        if i and "{" not in segments[i - 1]:
            nouns |= {_singular(w) for w in words(segments[i - 1])[-1:]}
    return nouns


_ID_WORDS = {"id", "ids", "uuid", "key", "name", "slug", "path", "identifier", "pk"}


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

    The message may be a string, an f-string, `"…".format(…)`, a string constant of the
    module or of one of its classes (`Errors.NOT_FOUND`), or the `"error"`/`"message"` of a
    `detail={...}` dict; the status a number, a `status` constant or an `HTTPStatus` member.

    Left alone: a message that names two statuses ("not found or not allowed"); "not found"
    for a thing the request body refers to (`POST /orders` with an unknown `product_id`, or an
    RPC-style `POST /team/delete` with `{"team_id": …}`: 400 or 422 is the design there) or for
    the server's own setup ("AWS region not found, set
    AWS_REGION_NAME"); a 404 that hides a resource from someone not allowed to see it (the
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
            found = message_text(ctx, detail.value if detail else (call.args[1] if len(call.args) > 1 else None))
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
                f"the message says {meaning.what} ({_quoted(text)}) but the status is {describe(status)}: "
                f"the client should receive {describe(meaning.status)}",
                [_status_fix(ctx, site.expr, meaning.status)],
            )

    @staticmethod
    def _applies(ctx: Context, call: ast.Call, meaning: Meaning, text: str, names: set[str]) -> bool:
        function = enclosing_function(ctx, call)
        if not answers_requests(ctx, function) or _HEDGED.search(text):
            return False  # a helper's callers decide; a message that guesses is no evidence
        routes = ctx.model.routes_of(function) if function is not None else []
        if meaning.status == 404:
            # Only where the route is known: what is missing must be what the request names.
            return any(names_the_request(route, text, names) for route in routes)
        if meaning.status == 401 and _CREDENTIALS.search(text):
            return not any(set(words(route.path or "")) & _CREDENTIAL_PATHS for route in routes) and bool(routes)
        return True


def _quoted(text: str) -> str:
    short = text if len(text) <= 60 else text[:57] + "…"
    return '"' + short.replace("{}", "…") + '"'


def _status_fix(ctx: Context, expr: ast.expr, code: int) -> Fix:
    def build():
        text, import_edits = status_reference(ctx, code, before_line=expr.lineno)

        def plan(snippet):
            target = snippet.find(expr, (cst.Integer, cst.Attribute, cst.Name))
            return {target: lambda _: cst.parse_expression(text)}

        return rewrite(ctx, expr, plan) + import_edits

    return Fix(f"Answer {describe(code)} (clients then receive {code})", Applicability.UNSAFE, build)
