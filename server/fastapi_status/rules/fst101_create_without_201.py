from __future__ import annotations

import ast
import re
from typing import Iterable

from fastapi_status.core.answers import chooses_own_status
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic
from fastapi_status.core.model import FunctionNode, Route, last_name
from fastapi_status.core.params import input_parameters, reads_raw_request
from fastapi_status.core.payloads import receives_webhooks
from fastapi_status.core.text import lazy_pattern, words
from fastapi_status.core.values import Kind
from fastapi_status.fixes.response import has_status_argument, set_response_status_fix
from fastapi_status.fixes.route import add_status_fix
from fastapi_status.rules.base import Invalid, Rule

CREATE_VERBS = {"create", "add", "register", "insert", "new", "signup"}
# Words a handler's name may start with before its verb: `api_create_item`, `v2_add_user`.
PREFIX_WORDS = {"api", "handle", "handler", "do", "route", "endpoint", "http", "rest", "post", "async", "v",
                "admin", "internal", "public", "web", "ui", "app"}
# Trailing words of a handler's name that are not part of what it creates.
FILLER_WORDS = {"route", "endpoint", "handler", "fn", "func", "view", "api", "v", "async", "impl"}
PREPOSITIONS = {"for", "from", "to", "by", "with", "in", "on", "of", "into", "at", "via"}
# Create-or-update: the resource may exist already, so 201 cannot be promised.
UPSERT_WORDS = {"or", "upsert", "ensure", "replace", "put", "update", "sync", "set", "save"}
# What a POST "creates" that is not a resource of the API: an action's result, a credential, a
# search, a model's answer. (Tags, labels, members, roles, events and logs are resources.)
ACTION_WORDS = {
    "login", "logout", "signin", "token", "tokens", "refresh", "auth", "authenticate", "authorize",
    "oauth", "callback", "callbacks", "search", "query", "find", "filter", "filters", "lookup", "validate",
    "validation", "verify", "verification", "check", "test", "publish", "execute", "exec", "send",
    "notify", "preview", "calculate", "compute", "estimate", "predict", "prediction", "predictions",
    "count", "export", "reset", "ping", "health", "start", "stop", "cancel", "retry", "render",
    "convert", "parse", "process", "dispatch", "invoke", "call", "batch", "bulk", "import", "upload",
    "chat", "completion", "completions", "embedding", "embeddings", "session", "sessions",
    "cookie", "cookies", "header", "headers", "alias", "aliases", "permission", "permissions",
    "moderation", "moderations", "transcription", "transcriptions", "translation", "translations",
    "speech", "generation", "generations",
}
# A path segment with one of these words names the action: the API is RPC-style (`POST
# /team/new`, `/projects/create`, `/secrets/create_or_update`) and answers 200 by design.
PATH_VERBS = CREATE_VERBS | (UPSERT_WORDS - {"or"}) | {
    "generate", "delete", "remove", "list", "get", "edit", "submit", "make", "build", "store", "apply",
    "assign", "attach", "sign", "enable", "disable", "approve", "reject", "link", "unlink", "invite",
    "info", "block", "unblock", "regenerate", "rotate",
}
HOOK_WORDS = {"hook", "hooks", "webhook", "webhooks"}
# A docstring that says the route copies another API's contract ("This is the equivalent of
# POST https://api.openai.com/v1/files", "Supports identical params as: …/api-reference/…").
_MIRRORS = lazy_pattern(
    r"equivalent (?:of|to) (?:POST|the)\b|identical (?:params|parameters)|\bcompatible with\b|"
    r"https?://\S*(?:api-reference|/reference/)",
    re.I,
)
# An answer that says the work was only queued: 202, not 201.
_QUEUED = lazy_pattern(r"\b(?:queued|enqueued|accepted|scheduled|started|processing|pending|in progress|submitted)\b", re.I)


def create_object(name: str) -> list[str] | None:
    """What a handler's name says it creates: the words of the object phrase around its create
    verb (`api_create_item` → ["item"], `index_create` → ["index"], `create_search_tool_v2` →
    ["search", "tool"]), or None when the name does not say it creates something new
    (`get_or_create_user`, `create_access_token`, `bulk_create_users`, `search_new_items`)."""
    name_words = ["signup" if w == "sign" and nxt == "up" else w for w, nxt in zip(words(name), [*words(name)[1:], ""])]
    name_words = [w for i, w in enumerate(name_words) if not (w == "up" and i and name_words[i - 1] == "signup")]
    verb = next((i for i, w in enumerate(name_words) if w in CREATE_VERBS), None)
    if verb is None:
        return None
    before, after = name_words[:verb], _trim(name_words[verb + 1 :])
    if all(w in PREFIX_WORDS or w.isdigit() for w in before):
        obj = after
    elif not after:  # the verb comes last: `index_create`, `vector_store_create`
        obj = [w for w in before if w not in PREFIX_WORDS]
    else:
        return None
    phrase = obj[: next((i for i, w in enumerate(obj) if w in PREPOSITIONS), len(obj))]
    if UPSERT_WORDS & set(obj) or (phrase and phrase[-1] in ACTION_WORDS):
        return None
    return phrase


def _trim(name_words: list[str]) -> list[str]:
    """Without the trailing words that say nothing of the object: `create_item_route_v2`."""
    while name_words and (name_words[-1] in FILLER_WORDS or name_words[-1].isdigit()):
        name_words = name_words[:-1]
    return name_words


def literal_segments(path: str | None) -> list[str]:
    """The path's segments that are not parameters: `/teams/{id}/members` → ["teams", "members"]."""
    return [seg for seg in (path or "").split("/") if seg and "{" not in seg]


def rpc_style(ctx: Context, route: Route) -> bool:
    """The API names its actions in the path: this route's path has a verb (`POST /team/new`,
    `/add/allowed_ip`, `/team/member_add`), and so does another route of the module, one that
    does something else (`/team/update`, `/team/delete`, `/team/info`). `POST
    /accounts/signup` next to `GET /accounts/{email}` is not RPC-style: it creates an account."""
    if not _path_verbs(route.path):
        return False
    return any(_path_verbs(other.path) - CREATE_VERBS for other in ctx.model.routes if other is not route)


def _path_verbs(path: str | None) -> set[str]:
    return {w for seg in literal_segments(path) for w in words(seg)} & PATH_VERBS


def names_an_action(path: str | None) -> bool:
    """The path says it performs an action (`/items/search`, `/token`) or receives a webhook
    (`/hooks/github`, `/webhook`), rather than naming a collection."""
    segments = literal_segments(path)
    for i, seg in enumerate(segments):
        seg_words = words(seg)
        if seg_words and seg_words[-1] in ACTION_WORDS:  # the head noun: `/search_tools` is a collection
            return True
        last = i == len(segments) - 1
        if set(seg_words) & HOOK_WORDS and (not last or set(seg_words) & {"hook", "webhook"}):
            return True
    return False


def _uploaded_object(ctx: Context, route: Route) -> list[str] | None:
    """`upload_file` creates a file when the module also serves it back: `GET <path>/{id}`
    (an upload is otherwise an action: the file is processed, not kept)."""
    name_words = [w for w in words(route.handler.name) if w not in PREFIX_WORDS]
    if len(name_words) < 2 or name_words[0] != "upload":
        return None
    base = (route.path or "").rstrip("/")
    served = any(
        other.path is not None and other.path.startswith(base + "/{") and "GET" in other.methods
        for other in ctx.model.routes
    )
    return name_words[1:] if served else None


def has_item_route(ctx: Context, route: Route) -> bool:
    """The module also routes `<path>/{param}`: what the POST creates gets a URL of its own."""
    base = (route.path or "").rstrip("/")
    return any(
        other.path is not None and other.path.startswith(base + "/{") and other is not route
        for other in ctx.model.routes
    )


def only_queues(ctx: Context, route: Route) -> bool:
    """Every answer is nothing, or a literal that says the work was queued."""
    returns = ctx.flow(route.handler).returns
    for site in returns:
        kind = ctx.kind(site.value, route.handler)
        if kind is Kind.NONE:
            continue
        if isinstance(site.value, ast.Dict) and any(
            isinstance(v, ast.Constant) and isinstance(v.value, str) and _QUEUED.search(v.value)
            for v in site.value.values
        ):
            continue
        return False
    return True


def mirrors_another_api(handler: FunctionNode) -> bool:
    """The docstring says the route copies another API (whose contract decides its status)."""
    doc = ast.get_docstring(handler)
    return bool(doc and _MIRRORS.search(doc))


def upserts(handler: FunctionNode) -> bool:
    """The handler writes an existing row over when there is one: `.upsert(...)`,
    `.on_conflict_do_update(...)`, `insert_on_conflict(..., on_conflict=OnConflict.DO_UPDATE)`.
    (An upsert of some other row on the side, `cache.upsert_items(...)`, does not count.)"""
    for node in ast.walk(handler):
        if isinstance(node, ast.Call) and last_name(node.func) in ("upsert", "on_conflict_do_update"):
            return True
        if (
            isinstance(node, ast.keyword)
            and node.arg == "on_conflict"
            and any(last_name(n) in ("DO_UPDATE", "UPDATE") for n in ast.walk(node.value))
        ):
            return True
    return False


def creates_resource(ctx: Context, route: Route) -> bool:
    """The route creates a resource: the handler's name says so, the path names a collection
    (not an action or an RPC verb), something new comes in (a body, a query) or gets a URL of its own
    (an item route under the path), and nothing says it forwards, queues or upserts."""
    obj = create_object(route.handler.name)
    if obj is None:
        obj = _uploaded_object(ctx, route)
    if obj is None or names_an_action(route.path) or rpc_style(ctx, route):
        return False
    handler = route.handler
    if not (input_parameters(handler, route.path) or has_item_route(ctx, route)):
        return False
    if reads_raw_request(handler, route.path) or receives_webhooks(handler) or mirrors_another_api(handler):
        return False
    if upserts(handler):
        return False
    return not only_queues(ctx, route)


class CreateWithout201(Rule):
    """
    ## What it does
    Flags a POST route that creates a resource and declares no `status_code`, so it answers
    `200 OK`. The whole route has to say "create":

    - the handler's name has a create verb (`create_*`, `add_*`, `register_*`, `insert_*`,
      `new_*`, `signup`), possibly after a prefix (`api_create_item`, `v2_add_user`,
      `handle_create_order`), followed by what it creates (`create_tag`, `add_member`);
    - the path names a collection (`/items`, `/teams/{id}/members`), not an action;
    - something new comes in (the handler reads a body or query parameters) or gets a URL of
      its own (the module also routes `/items/{id}`).

    It stays silent when any part of the route says otherwise:

    - **RPC-style APIs** put the verb in the path (`POST /team/new`, `/projects/create`,
      `/users/add`, `/secrets/create_or_update`, next to `/projects/list` and `/projects/delete`:
      another route of the module has a verb of its own) and answer 200 to every call by
      design;
    - **actions** are not resources: login, token, search, query, validate, verify, publish,
      send, upload, chat completions, embeddings (in the name or the path), and webhook receivers
      (an `upload_file` whose file the module serves back at `GET <path>/{id}` creates it, though);
    - **upserts** (`create_or_update`, `upsert`, `get_or_create`) cannot promise 201;
    - **queued work** (the handler returns nothing, or says "queued"/"accepted"): the honest
      status there is 202, not 201;
    - **proxies** that declare no body and forward the raw request (`await request.json()`,
      `read_body(request)`) answer with the upstream API's status: an OpenAI-compatible
      `POST /v1/files` answers 200 because OpenAI does;
    - **routes that choose their own status**: they set `response.status_code`, return a
      `Response` object (built in the handler, by `templates.TemplateResponse`, by a helper of the
      module, or an imported `...Response` class), are annotated `-> JSONResponse`, or use a
      non-JSON `response_class`. The decorator's `status_code` would change only the docs there.
      (When every answer is a `JSONResponse(body)` the handler builds without a status, the
      route answers 200 for sure: that is flagged, and the fix passes `status_code=201` to it.)

    ## Why is this bad?
    RFC 9110 says a request that creates a resource answers `201 Created`. Clients, SDK
    generators and the OpenAPI docs all read the declared status: with 200, generated clients
    cannot tell "created" from "already there", and the docs promise the wrong code.

    ## Example
    ```python
    @router.post("/items")
    async def create_item(item: Item) -> Item:
        return await db.insert(item)
    ```

    ## Use instead
    ```python
    @router.post("/items", status_code=201)
    async def create_item(item: Item) -> Item:
        return await db.insert(item)
    ```

    ## Fix safety
    The fix is unsafe: it changes the status every client receives from 200 to 201. Clients
    that accept any 2xx keep working; a client or a test that checks for exactly 200 breaks.
    It writes the status the way the module does (`status.HTTP_201_CREATED`,
    `HTTPStatus.CREATED` or `201`).

    If the route deliberately answers 200 (say it mirrors another API whose contract answers
    200 on creation), declare `status_code=200`: the explicit choice silences the rule.
    """

    code = "FST101"
    name = "create-without-201"
    summary = "POST route that creates a resource answers 200 instead of 201"
    fix_summary = "Add `status_code=201` (unsafe)"

    VALID = [
        # An upload nothing serves back is an action (the file is processed, not kept).
        "from fastapi import APIRouter, UploadFile\nrouter = APIRouter()\n"
        "@router.post('/transcriptions')\nasync def upload_audio(file: UploadFile):\n    return {'text': transcribe(file)}\n",
        # Declares its status.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/items', status_code=201)\ndef create_item(item: dict):\n    return item\n",
        # Actions, not creations.
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.post('/token')\ndef create_access_token(form: dict):\n    return {'access_token': 'x'}\n",
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.post('/items/search')\ndef new_search(q: str):\n    return []\n",
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.post('/hooks/github')\ndef add_webhook_event(payload: dict):\n    return {'ok': True}\n",
        # Not a creation verb ("address" and "newsletter" are not "add"/"new").
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.post('/address')\ndef address_lookup(q: str):\n    return {}\n",
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.post('/newsletter')\ndef newsletter(email: str):\n    return {}\n",
        # Chooses its own status.
        "from fastapi import FastAPI, Response\napp = FastAPI()\n"
        "@app.post('/items')\ndef create_item(item: dict, response: Response):\n"
        "    response.status_code = 201\n    return item\n",
        "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n"
        "@app.post('/items')\ndef create_item(item: dict):\n    return JSONResponse(item, status_code=201)\n",
        # RPC-style: the verb is in the path, every call answers 200 by design.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/team/new')\nasync def new_team(data: dict):\n    return await teams.insert(data)\n"
        "@router.post('/team/delete')\nasync def delete_team(data: dict):\n    return await teams.delete(data)\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/add/allowed_ip')\nasync def add_allowed_ip(ip: dict):\n    return await settings.add_ip(ip)\n"
        "@router.post('/delete/allowed_ip')\nasync def delete_allowed_ip(ip: dict):\n    return await settings.drop_ip(ip)\n",
        # A proxy: no body of its own, it forwards the raw request to an upstream API.
        "from fastapi import APIRouter, Request\nrouter = APIRouter()\n"
        "@router.post('/v1/assistants')\nasync def create_assistant(request: Request):\n"
        "    data = await request.json()\n    return await upstream.create_assistant(**data)\n"
        "@router.delete('/v1/assistants/{assistant_id}')\nasync def delete_assistant(assistant_id: str):\n"
        "    return await upstream.delete_assistant(assistant_id)\n",
        # Upserts cannot promise 201.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/secrets')\nasync def create_or_update_secret(secret: dict):\n    return await store.put(secret)\n",
        # Queued work: 202 would be the honest status, not 201.
        "from fastapi import APIRouter, BackgroundTasks\nrouter = APIRouter()\n"
        "@router.post('/indexes')\nasync def create_index(spec: dict, tasks: BackgroundTasks):\n"
        "    tasks.add_task(build_index, spec)\n    return {'status': 'queued'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/reports')\nasync def create_report(spec: dict) -> None:\n    await queue.put(spec)\n",
        # Answers with a Response of its own: a template, a helper's response, an annotation.
        "from fastapi import APIRouter, Depends, Request\nfrom fastapi.templating import Jinja2Templates\n"
        "router = APIRouter()\ntemplates = Jinja2Templates(directory='templates')\n"
        "@router.post('/clients')\nasync def create_client(request: Request, form: dict):\n"
        "    client = await clients.insert(form)\n"
        "    return templates.TemplateResponse(request, 'client.html', {'client': client})\n",
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "def created(body):\n    return JSONResponse(body, status_code=201)\n"
        "@router.post('/items')\nasync def create_item(item: dict):\n    return created(await items.insert(item))\n",
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/items')\nasync def create_item(item: dict) -> JSONResponse:\n    return make_answer(item)\n",
        "from fastapi import APIRouter\nfrom .responses import HXRedirectResponse\nrouter = APIRouter()\n"
        "@router.post('/themes')\nasync def create_theme(theme: dict):\n"
        "    await themes.insert(theme)\n    return HXRedirectResponse('/themes')\n",
        # Nothing comes in and nothing gets a URL: an action on the client, not a new resource.
        "from fastapi import APIRouter, Depends\nrouter = APIRouter()\n"
        "@router.post('/{id}/encryption-key')\nasync def create_encryption_key(client=Depends(get_client)):\n"
        "    return {'key': rotate(client)}\n",
        # Not POST.
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.put('/items/{id}')\ndef create_or_replace_item(id: int, item: dict):\n    return item\n",
        # Not FastAPI: the module never imports it.
        "import requests\nclass Api:\n    def post(self, path):\n        return lambda f: f\napi = Api()\n"
        "@api.post('/items')\ndef create_item():\n    return {}\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
            "@router.post('/items')  # the collection\nasync def create_item(item: dict) -> dict:\n    return item\n",
            fixed="from fastapi import APIRouter\nrouter = APIRouter()\n\n"
            "@router.post('/items', status_code=201)  # the collection\nasync def create_item(item: dict) -> dict:\n"
            "    return item\n",
        ),
        # Follows the module's use of status constants, and a multi-line call's layout.
        Invalid(
            "from fastapi import APIRouter, status\nrouter = APIRouter()\n"
            "@router.get('/users/{id}', status_code=status.HTTP_200_OK)\ndef read_user(id: int):\n    return {}\n"
            "@router.post(\n    '/users',\n    response_model=dict,\n)\ndef register_user(user: dict):\n    return user\n",
            fixed="from fastapi import APIRouter, status\nrouter = APIRouter()\n"
            "@router.get('/users/{id}', status_code=status.HTTP_200_OK)\ndef read_user(id: int):\n    return {}\n"
            "@router.post(\n    '/users',\n    response_model=dict,\n    status_code=status.HTTP_201_CREATED,\n)\n"
            "def register_user(user: dict):\n    return user\n",
        ),
        # A router imported from another module, aliased imports.
        Invalid(
            "import fastapi as fa\nfrom .routers import router\n"
            "@router.post('/orders')\ndef addOrder(order: dict):\n    return order\n",
            fixed="import fastapi as fa\nfrom .routers import router\n"
            "@router.post('/orders', status_code=201)\ndef addOrder(order: dict):\n    return order\n",
        ),
        # A verb in the path, but no other route of the module names an action: a REST API.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter(prefix='/accounts')\n"
            "@router.post('/signup')\nasync def signup(user: dict):\n    return await users.insert(user)\n"
            "@router.get('/{email}')\nasync def read_account(email: str):\n    return await users.get(email)\n",
        ),
        # The create verb after a prefix; a resource a collection holds (tags, members, webhooks).
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/tags')\nasync def api_create_tag(tag: dict):\n    return await tags.insert(tag)\n",
            fixed="from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/tags', status_code=201)\nasync def api_create_tag(tag: dict):\n"
            "    return await tags.insert(tag)\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/teams/{team_id}/members')\nasync def handle_add_member(team_id: int, member: dict):\n"
            "    return await teams.add_member(team_id, member)\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.post('/webhooks')\nasync def create_webhook(hook: dict):\n    return await hooks.insert(hook)\n"
            "@router.get('/webhooks/{id}')\nasync def read_webhook(id: int):\n    return await hooks.get(id)\n",
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.api_route('/accounts', methods=['POST'])\ndef signup(account: dict):\n    return account\n",
            fixed="from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.api_route('/accounts', methods=['POST'], status_code=201)\ndef signup(account: dict):\n"
            "    return account\n",
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "def new_project(project: dict):\n    return project\n"
            "app.add_api_route('/projects', new_project, methods=['POST'])\n",
            fixed="from fastapi import FastAPI\napp = FastAPI()\n"
            "def new_project(project: dict):\n    return project\n"
            "app.add_api_route('/projects', new_project, methods=['POST'], status_code=201)\n",
        ),
        # (From chainlit) an upload the module serves back at `GET <path>/{id}` creates it.
        Invalid(
            "from fastapi import APIRouter, UploadFile\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/project/file')\nasync def upload_file(session_id: str, file: UploadFile):\n"
            "    stored = await store(session_id, file)\n    return JSONResponse(content=stored)\n"
            "@router.get('/project/file/{file_id}')\nasync def get_file(file_id: str):\n    return load(file_id)\n",
            fixed="from fastapi import APIRouter, UploadFile\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/project/file')\nasync def upload_file(session_id: str, file: UploadFile):\n"
            "    stored = await store(session_id, file)\n    return JSONResponse(content=stored, status_code=201)\n"
            "@router.get('/project/file/{file_id}')\nasync def get_file(file_id: str):\n    return load(file_id)\n",
        ),
        # Its own JSONResponse, built without a status: 200 all the same.
        Invalid(
            "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/items')\nasync def create_item(item: dict):\n"
            "    return JSONResponse(content=await db.insert(item))\n",
            fixed="from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/items')\nasync def create_item(item: dict):\n"
            "    return JSONResponse(content=await db.insert(item), status_code=201)\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for route in ctx.routes:
            if route.methods != {"POST"} or route.status_declared:
                continue
            if not creates_resource(ctx, route):
                continue
            if chooses_own_status(ctx, route):
                # A `JSONResponse(body)` built without a status answers 200 all the same.
                built = _json_responses_without_status(ctx, route)
                if not built:
                    continue
                yield ctx.diagnostic(
                    self,
                    route.registration,
                    f"POST route `{route.name}` creates a resource but answers 200 OK (its `{last_name(built[0].func)}` "
                    "has no status); pass `status_code=201`",
                    [
                        set_response_status_fix(
                            ctx, built[0], 201,
                            "Pass `status_code=201` (clients then receive 201 Created instead of 200 OK)",
                            Applicability.UNSAFE,
                        )
                    ] if len(built) == 1 else [],
                )
                continue
            yield ctx.diagnostic(
                self,
                route.registration,
                f"POST route `{route.name}` creates a resource but answers 200 OK; declare `status_code=201`",
                [
                    add_status_fix(
                        ctx,
                        route,
                        201,
                        "Add `status_code=201` (clients then receive 201 Created instead of 200 OK)",
                        Applicability.UNSAFE,
                    )
                ],
            )


_JSON_RESPONSES = {"JSONResponse", "ORJSONResponse", "UJSONResponse"}


def _json_responses_without_status(ctx: Context, route: Route) -> list[ast.Call]:
    """Every answer of the handler is a `JSONResponse(...)` it builds in its `return` without a
    status (nothing else sets one): the route answers 200 for sure. Empty otherwise."""
    if route.response_class and last_name_of(route.response_class) not in _JSON_RESPONSES:
        return []
    flow = ctx.flow(route.handler)
    if flow.response_param and flow.response_param in flow.attribute_status_writes:
        return []
    built = []
    for site in flow.returns:
        value = site.value
        if not (isinstance(value, ast.Call) and (ctx.model.response_class_of(value.func) or "").rsplit(".", 1)[-1]
                in _JSON_RESPONSES and not has_status_argument(value)):
            return []
        built.append(value)
    return built


def last_name_of(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]
