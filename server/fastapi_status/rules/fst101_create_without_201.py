from __future__ import annotations

import re
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.model import Route
from fastapi_status.core.values import Kind
from fastapi_status.fixes.route import add_status_fix
from fastapi_status.rules.base import Invalid, Rule

CREATE_VERBS = {"create", "add", "register", "insert", "new", "signup"}
# Words that make a POST an action, not the creation of a resource.
ACTION_WORDS = {
    "login", "logout", "signin", "token", "tokens", "refresh", "auth", "authenticate", "authorize",
    "oauth", "callback", "search", "query", "find", "filter", "lookup", "validate", "validation",
    "verify", "check", "test", "webhook", "webhooks", "publish", "run", "execute", "exec", "trigger",
    "send", "notify", "preview", "calculate", "compute", "estimate", "predict", "count", "export",
    "sync", "reset", "ping", "health", "start", "stop", "cancel", "retry", "render", "convert",
    "parse", "process", "handle", "dispatch", "invoke", "call", "batch", "bulk", "import", "upload",
    "to", "from", "message", "messages", "event", "events", "log", "logs", "chat", "completion",
    "completions", "embedding", "embeddings", "session", "sessions", "cookie", "cookies", "header",
    "headers", "tag", "tags", "label", "labels", "permission", "permissions", "role", "roles", "member",
    "members", "alias", "aliases", "filters",
}
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(name: str) -> list[str]:
    """`createUser_v2` → ["create", "user", "v", "2"]."""
    return [w.lower() for part in name.split("_") for w in _WORD.findall(part)]


def creates_resource(route: Route) -> bool:
    name_words = words(route.handler.name)
    if name_words[:2] == ["sign", "up"]:
        name_words = ["signup", *name_words[2:]]
    if not name_words or name_words[0] not in CREATE_VERBS:
        return False
    last_segment = words((route.path or "").rstrip("/").rsplit("/", 1)[-1])
    if ACTION_WORDS & set(name_words[1:]) or ACTION_WORDS & set(last_segment):
        return False
    return True


class CreateWithout201(Rule):
    """
    ## What it does
    Flags a POST route that creates a resource (its handler is named `create_*`, `add_*`,
    `register_*`, `insert_*`, `new_*` or `signup*`) and declares no `status_code`, so it
    answers `200 OK`.

    Routes that perform an action rather than create something are left alone: login, token,
    search, query, validate, verify, webhook, publish, run, send and the like (in the handler's
    name or the path's last segment). So are routes that choose their status themselves: they
    return a `Response` object or set `response.status_code`.

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
    The fix is safe: it declares the status the handler's name says it means. It writes
    `status.HTTP_201_CREATED` when the module already uses `status` constants, `201` otherwise.

    If the route deliberately answers 200 (say it mirrors another API whose contract answers
    200 on creation), declare `status_code=200`: the explicit choice silences the rule.
    """

    code = "FST101"
    name = "create-without-201"
    summary = "POST route that creates a resource answers 200 instead of 201"
    fix_summary = "Add `status_code=201` (safe)"

    VALID = [
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
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for route in ctx.routes:
            if route.methods != {"POST"} or route.status_declared or not creates_resource(route):
                continue
            if route.response_class and not route.response_class.endswith("JSONResponse"):
                continue
            flow = ctx.flow(route.handler)
            if flow.response_param and flow.response_param in flow.attribute_status_writes:
                continue
            if any(ctx.kind(r.value, route.handler) is Kind.RESPONSE for r in flow.returns):
                continue
            yield ctx.diagnostic(
                self,
                route.registration,
                f"POST route `{route.name}` creates a resource but answers 200 OK; declare `status_code=201`",
                [add_status_fix(ctx, route, 201, "Add `status_code=201`")],
            )
