from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.flow import ReturnSite
from fastapi_status.core.model import FunctionNode, Route, last_name
from fastapi_status.core.params import path_parameters
from fastapi_status.core.payloads import JSON_RESPONSES, response_handed_off
from fastapi_status.core.statuses import body_allowed, describe
from fastapi_status.core.text import parse_quietly, words
from fastapi_status.core.values import Kind
from fastapi_status.fixes.raise_http import check_none_fix, raise_instead_fix, string_literal
from fastapi_status.rules.base import Invalid, Rule

# Words of a variable name that say nothing about the thing ("db_user" is a user).
_FILLER = {"db", "obj", "existing", "found", "result", "record", "row", "maybe", "opt", "the", "current", "model",
           "entity", "instance", "data", "res", "resp", "response", "value", "val", "item_obj", "target", "my"}
# Where a lookup reads the request or the environment, not a stored resource.
_REQUEST_SOURCES = {"request", "headers", "cookies", "query_params", "path_params", "environ", "getenv", "state",
                    "settings", "config", "form", "scope"}
# Calls that answer a collection (`if not rows: return None` is an empty list, not a missing thing).
_COLLECTION_CALLS = {"all", "fetchall", "fetch_all", "fetchmany", "list", "filter", "filter_by", "find", "select",
                     "scalars", "values", "keys", "items", "search", "query", "where", "to_list", "get_all",
                     "list_all", "find_all", "findall"}
_OPTIONAL_NAMES = {"Optional", "Any", "None", "NoneType", "object"}


class NoneForMissing(Rule):
    """
    ## What it does
    Flags a route that returns `None` explicitly when the thing it looked up is missing
    (`if item is None: return None`, or `return None` after a search loop) while its other
    paths return data; and a GET route that returns a lookup as it is (`return await
    repo.get(item_id)`, `.first()`, `.scalar_one_or_none()`, `ITEMS.get(item_id)`, directly or
    through a local it never tests) when its path ends with the parameter it looks up (it reads
    one resource: `/items/{item_id}`, not `/users/{id}/items`) and the module answers 404 for
    missing things elsewhere (its convention; without one, null may be the API's design).

    Left alone: routes whose contract includes null (a return annotation or `response_model`
    of `X | None`, `Optional[X]`, `Union[X, None]`, `Any`, or a type alias of one), routes whose
    status has no body, routes that return `Response` objects or set `response.status_code` on
    that path, a `None` returned for a parameter, a header or a setting rather than a looked-up
    value, an empty collection (`if not rows: return None`), and returns inside `except` (a
    fallback). If `null` is a deliberate answer, say so in the annotation (`-> Item | None`).

    ## Why is this bad?
    Without a response model the client receives `200 OK` with the body `null`. It asked for
    one item and was told, with a success status, that it got nothing: every caller must
    special-case `null`, caches store it, and the OpenAPI docs (which promise an item) are
    wrong. With a response model that does not admit None (`response_model=User`, `-> User`,
    `-> dict`), FastAPI rejects the value and the client receives `500 Internal Server Error`
    (observed): a missing item looks like a server crash.

    ## Example
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int) -> User:
        user = await repo.get(user_id)
        if user is None:
            return None
        return user
    ```

    ## Use instead
    ```python
    @router.get("/users/{user_id}")
    async def read_user(user_id: int) -> User:
        user = await repo.get(user_id)
        if user is None:
            raise HTTPException(status_code=404, detail="User not found")
        return user
    ```

    ## Fix safety
    The fix is unsafe: clients then receive `404 Not Found` (with `{"detail": "User not found"}`,
    named after the variable tested) instead of `200 null`. For a lookup returned as it is, the
    fix binds it to a local (`item = await repo.get(item_id)`), raises `HTTPException(404)` when
    that is None, and returns it.
    """

    code = "FST202"
    name = "none-for-missing"
    summary = "Route returns None (200 null) when the looked-up thing is missing"
    fix_summary = "Raise HTTPException(404) (unsafe)"

    VALID = [
        # No 404 anywhere in the module (null may be its convention); a lookup that raises
        # itself; a collection; a contract that says null.
        "from typing import Optional\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items/{item_id}')\nasync def read_item(item_id: int):\n    return await repo.get(item_id)\n"
        "@router.get('/users/{user_id}')\nasync def read_user(user_id: int):\n    return await User.get_or_raise(user_id)\n"
        "@router.get('/users/{user_id}/items')\nasync def items(user_id: int):\n    return await repo.first(user_id)\n"
        "@router.get('/tags/{tag}')\nasync def tag(tag: str) -> Optional[dict]:\n    return TAGS.get(tag)\n",
        # The contract allows null.
        "from typing import Optional\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/users/{i}')\ndef read(i: int) -> Optional[dict]:\n    user = repo.get(i)\n"
        "    if user is None:\n        return None\n    return user\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/users/{i}', response_model=dict | None)\ndef read(i: int):\n    user = repo.get(i)\n"
        "    if user is None:\n        return None\n    return user\n",
        "import typing\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/users/{i}')\ndef read(i: int) -> 'typing.Union[User, None]':\n    user = repo.get(i)\n"
        "    if user is None:\n        return None\n    return user\n",
        "from typing import Optional\nfrom fastapi import APIRouter\nrouter = APIRouter()\nMaybeUser = Optional[dict]\n"
        "@router.get('/users/{i}', response_model=MaybeUser)\ndef read(i: int):\n    user = repo.get(i)\n"
        "    if user is None:\n        return None\n    return user\n",
        # A parameter, a header, a setting: not a looked-up resource.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/search')\ndef search(q: str | None = None):\n    if q is None:\n        return None\n"
        "    return find(q)\n",
        "from fastapi import APIRouter, Request\nrouter = APIRouter()\n"
        "@router.get('/me')\ndef me(request: Request):\n    token = request.headers.get('authorization')\n"
        "    if token is None:\n        return None\n    return decode(token)\n",
        # An empty collection is not a missing thing.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/orders')\ndef orders(db: Session):\n    rows = db.query(Order).all()\n    if not rows:\n"
        "        return None\n    return rows\n",
        # Every path returns None.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/touch/{i}')\ndef touch(i: int):\n    item = repo.get(i)\n    if item is None:\n"
        "        return None\n    item.touch()\n    return None\n",
        # A fallback in an except clause.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n    try:\n        item = repo.get(i)\n"
        "    except KeyError:\n        return None\n    return item\n",
        # 204: no body either way.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.put('/items/{i}', status_code=204)\ndef put(i: int):\n    item = repo.get(i)\n"
        "    if item is None:\n        return None\n    return item\n",
        # The status was set for that path.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int, response: Response):\n    item = repo.get(i)\n"
        "    if item is None:\n        response.status_code = 404\n        return None\n    return item\n",
        # Other paths answer Response objects.
        "from fastapi import APIRouter\nfrom fastapi.responses import FileResponse\nrouter = APIRouter()\n"
        "@router.get('/files/{i}')\ndef file(i: int):\n    path = lookup(i)\n    if path is None:\n"
        "        return None\n    return FileResponse(path)\n",
        # An HTML page: not a JSON null.
        "from fastapi import APIRouter\nfrom fastapi.responses import HTMLResponse\nrouter = APIRouter()\n"
        "@router.get('/cards/{i}', response_class=HTMLResponse)\ndef card(i: int):\n    card = repo.get(i)\n"
        "    if card is None:\n        return None\n    return render(card)\n",
        # The tested value is computed, not looked up.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/stats')\ndef stats(days: int):\n    avg = None if days <= 0 else compute(days)\n"
        "    if avg is None:\n        return None\n    return {'avg': avg}\n",
    ]
    INVALID = [
        # A lookup returned as it is, in a module that answers 404 for missing things.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{item_id}')\nasync def read_item(item_id: int):\n    return await repo.get(item_id)\n"
            "@router.delete('/items/{item_id}', status_code=204)\nasync def delete_item(item_id: int):\n"
            "    if not await repo.delete(item_id):\n        raise HTTPException(404, 'Item not found')\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{item_id}')\nasync def read_item(item_id: int):\n    item = await repo.get(item_id)\n"
            "    if item is None:\n        raise HTTPException(status_code=404, detail='Item not found')\n    return item\n"
            "@router.delete('/items/{item_id}', status_code=204)\nasync def delete_item(item_id: int):\n"
            "    if not await repo.delete(item_id):\n        raise HTTPException(404, 'Item not found')\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/users/{i}')\nasync def read_user(i: int):\n    db_user = await repo.get(i)\n"
            "    if db_user is None:\n        return None\n    return db_user\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/users/{i}')\nasync def read_user(i: int):\n    db_user = await repo.get(i)\n"
            "    if db_user is None:\n        raise HTTPException(status_code=404, detail='User not found')\n"
            "    return db_user\n",
        ),
        # After a search loop; the module's double quotes are kept.
        Invalid(
            'from fastapi import APIRouter\nrouter = APIRouter()\nITEMS = []\n'
            '@router.get("/items/{name}")\ndef by_name(name: str):\n    for item in ITEMS:\n'
            '        if item["name"] == name:\n            return item\n    return None  # not there\n',
            fixed='from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\nITEMS = []\n'
            '@router.get("/items/{name}")\ndef by_name(name: str):\n    for item in ITEMS:\n'
            '        if item["name"] == name:\n            return item\n'
            '    raise HTTPException(status_code=404, detail="Item not found")  # not there\n',
        ),
        # A bare return, `if not x`, a declared status and an annotation that promises an object.
        Invalid(
            "from fastapi import APIRouter, status\nrouter = APIRouter()\n"
            "@router.get('/orders/{i}', status_code=status.HTTP_200_OK)\ndef order(i: int) -> dict:\n"
            "    order_row = db.orders.find_one(i)\n    if not order_row:\n        return\n    return order_row\n",
            fixed="from fastapi import APIRouter, status, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/orders/{i}', status_code=status.HTTP_200_OK)\ndef order(i: int) -> dict:\n"
            "    order_row = db.orders.find_one(i)\n    if not order_row:\n"
            "        raise HTTPException(\n"
            "            status_code=status.HTTP_404_NOT_FOUND, detail='Order not found'\n"
            "        )\n"
            "    return order_row\n",
        ),
        # The else branch of `if x:`, and `Dict[str, Any]` does not admit None.
        Invalid(
            "from typing import Any, Dict\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/teams/{i}')\ndef team(i: int) -> Dict[str, Any]:\n    team = find_team(i)\n"
            "    if team:\n        return team\n    else:\n        return None\n",
            fixed="from typing import Any, Dict\nfrom fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/teams/{i}')\ndef team(i: int) -> Dict[str, Any]:\n    team = find_team(i)\n"
            "    if team:\n        return team\n    else:\n        raise HTTPException(status_code=404, detail='Team not found')\n",
        ),
        # A search loop with `else`, and a name that says nothing: "Not found".
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/things/{k}')\ndef thing(k: str):\n    for x in load_all():\n        if x.key == k:\n"
            "            return x\n    else:\n        return None\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/things/{k}')\ndef thing(k: str):\n    for x in load_all():\n        if x.key == k:\n"
            "            return x\n    else:\n        raise HTTPException(status_code=404, detail='Not found')\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/profiles/{i}')\ndef profile(i: int):\n    result = repo.load(i)\n"
            "    if result is None or result.deleted:\n        return None\n    return result\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/profiles/{i}')\ndef profile(i: int):\n    result = repo.load(i)\n"
            "    if result is None or result.deleted:\n        raise HTTPException(status_code=404, detail='Not found')\n"
            "    return result\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            status = route.effective_status
            if status is None or not 200 <= status < 300 or not body_allowed(status) or _allows_null(ctx, route):
                continue
            if route.response_class is not None and route.response_class not in JSON_RESPONSES:
                continue  # HTML, plain text, files: `None` is not a JSON null there
            flow = ctx.flow(route.handler)
            if response_handed_off(route.handler, flow.response_param):
                continue
            kinds = [ctx.kind(r.value, route.handler) for r in flow.returns]
            if Kind.RESPONSE in kinds or not any(k in (Kind.BODY, Kind.UNKNOWN) for k in kinds):
                continue
            for site, kind in zip(flow.returns, kinds):
                if kind is not Kind.NONE or site.node is None or site.handler is not None or site.assignments:
                    continue
                if id(site.node) in seen:
                    continue
                thing = _missing_thing(route.handler, site, flow.locals)
                if thing is None:
                    continue
                seen.add(id(site.node))
                label = _label(thing)
                text = f"{label} not found" if label else "Not found"
                if _has_response_model(route):
                    message = (
                        f"route returns None when `{thing}` is missing: its response model rejects it, so the "
                        "client receives 500 Internal Server Error instead of 404 Not Found"
                    )
                else:
                    message = (
                        f"route answers {describe(status)} with `null` when `{thing}` is missing; "
                        "clients expect 404 Not Found"
                    )
                yield ctx.diagnostic(
                    self,
                    site.node,
                    message,
                    raise_instead_fix(
                        ctx, site.node, 404, lambda text=text: string_literal(ctx, text), title="Raise HTTPException(404) instead"
                    ),
                )
            for site, lookup, param in _returned_lookups(ctx, route, flow):
                if id(site.node) in seen:
                    continue
                seen.add(id(site.node))
                shown = ctx.text(lookup)
                shown = shown if len(shown) <= 50 else shown[:49] + "…"
                name, label = _local_for(route.handler, param)  # (a returned local keeps its name)
                yield ctx.diagnostic(
                    self,
                    site.node,
                    f"route returns `{shown}` as it is: for an unknown `{param}` that is None, and the client "
                    f"receives {describe(status)} with `null` (this module answers 404 Not Found for missing things "
                    "elsewhere); test it and raise HTTPException(404)",
                    check_none_fix(ctx, site.node, site.value, name, string_literal(ctx, label)),
                )


# -- a lookup returned as it is ------------------------------------------------------------------

# Lookups that answer None for a key they do not know.
NONE_LOOKUPS = {"get", "first", "one_or_none", "scalar_one_or_none", "scalar", "find_one", "find_unique", "find_first",
                "get_or_none", "fetchone", "first_or_none", "one_or_none_async"}


def _returned_lookups(ctx: Context, route: Route, flow):
    """`return await repo.get(item_id)` (or through a local no test reads) in a GET route whose
    path ends with the looked-up parameter (`/items/{item_id}`: it reads one resource), in a
    module that answers 404 for missing things elsewhere (its convention)."""
    if "GET" not in route.methods or not route.path:
        return
    last = route.path.rstrip("/").rsplit("/", 1)[-1]
    params = path_parameters(last)
    if not params or not last.startswith("{"):
        return
    if not ctx.memo("fst202.answers-404", lambda: _writes_404(ctx)):
        return
    tested = {
        n.id
        for node in ast.walk(route.handler)
        if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert))
        for n in ast.walk(node.test)
        if isinstance(n, ast.Name)
    }
    for site in flow.returns:
        if site.node is None or site.handler is not None or site.assignments:
            continue
        value = site.value
        if isinstance(value, ast.Name):
            values = flow.locals.get(value.id) or []
            if value.id in tested or len(values) != 1:
                continue
            value = values[0]
        if isinstance(value, ast.Await):
            value = value.value
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in NONE_LOOKUPS):
            continue
        used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)} & params
        if used:
            yield site, value, sorted(used)[0]


def _writes_404(ctx: Context) -> bool:
    """The module writes a 404 somewhere (`404`, `status.HTTP_404_NOT_FOUND`,
    `HTTPStatus.NOT_FOUND`): read from the whole module's index, as the incremental analysis
    tracks it."""
    index = ctx.model.index
    return any(n.value == 404 and isinstance(n.value, int) for n in index.of(ast.Constant)) or any(
        "404" in a.attr or a.attr == "NOT_FOUND" for a in index.of(ast.Attribute)
    )


def _local_for(handler: FunctionNode, param: str) -> tuple[str, str]:
    """A free local name for what `param` looks up (`item` for `item_id`), and the detail
    ("Item not found")."""
    noun = "_".join(w for w in words(param) if w not in ("id", "ids", "uuid", "key", "pk")) or "found"
    bound = {n.id for n in ast.walk(handler) if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(handler) if isinstance(a, ast.arg)}
    name = noun if noun.isidentifier() and noun not in bound else "found"
    while name in bound:
        name += "_"
    return name, (noun.replace("_", " ").capitalize() + " not found") if noun != "found" else "Not found"


# -- the route's contract -------------------------------------------------------------------------


def _allows_null(ctx: Context, route: Route) -> bool:
    if route.response_model is not None:
        return _admits_none(ctx, route.response_model.value)
    if route.handler.returns is None:
        return False
    return _admits_none(ctx, route.handler.returns)


def _has_response_model(route: Route) -> bool:
    """FastAPI validates the returned value: `response_model=`, else the return annotation."""
    return route.response_model is not None or route.handler.returns is not None


def _admits_none(ctx: Context, node: ast.expr, depth: int = 0) -> bool:
    """Whether a type expression admits None: `X | None`, `Optional[X]`, `Union[X, None]`,
    `None`, `Any`, `object`, a string annotation of one, or a module-level alias of one."""
    if depth > 5:
        return True
    if isinstance(node, ast.Constant):
        if node.value is None:
            return True
        if isinstance(node.value, str):
            try:
                parsed = parse_quietly(node.value, mode="eval").body
            except SyntaxError:
                return True  # unreadable: assume it may
            return _admits_none(ctx, parsed, depth + 1)
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _admits_none(ctx, node.left, depth + 1) or _admits_none(ctx, node.right, depth + 1)
    if isinstance(node, ast.Subscript):
        base = last_name(node.value)
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional":
            return True
        if base == "Union":
            return any(_admits_none(ctx, e, depth + 1) for e in elts)
        if base == "Annotated" and elts:
            return _admits_none(ctx, elts[0], depth + 1)
        return False
    name = last_name(node)
    if name in _OPTIONAL_NAMES:
        return True
    if isinstance(node, ast.Name):
        alias = _module_alias(ctx, node.id)
        if alias is not None:
            return _admits_none(ctx, alias, depth + 1)
    return False


def _module_alias(ctx: Context, name: str) -> ast.expr | None:
    """The value of a module-level `Name = <type>` / `Name: TypeAlias = <type>` / `type Name = <type>`
    (the first statement that binds the name)."""
    return ctx.memo("fst202.module-aliases", lambda: _module_aliases(ctx.tree)).get(name)


def _module_aliases(tree: ast.Module) -> dict[str, ast.expr | None]:
    aliases: dict[str, ast.expr | None] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name):
                    aliases.setdefault(t.id, stmt.value)
        elif isinstance(stmt, ast.AnnAssign):
            if isinstance(stmt.target, ast.Name):
                aliases.setdefault(stmt.target.id, stmt.value)
        elif type(stmt).__name__ == "TypeAlias" and isinstance(getattr(stmt, "name", None), ast.Name):  # Python 3.12
            aliases.setdefault(stmt.name.id, stmt.value)  # type: ignore[attr-defined]
    return aliases


# -- what is missing ------------------------------------------------------------------------------


def _missing_thing(handler: FunctionNode, site: ReturnSite, local_values: dict[str, list[ast.expr]]) -> str | None:
    """The looked-up variable whose absence leads to this return, or None."""
    loop = _search_loop(handler, site)
    if loop is not None:
        return loop
    if not site.conditions:
        return None
    test, polarity = site.conditions[-1]
    for name, falsy in _absence_tests(test, polarity):
        if _looked_up(name, local_values, falsy):
            return name
    return None


def _search_loop(handler: FunctionNode, site: ReturnSite) -> str | None:
    """`for x in xs: if …: return x` followed by (or with an `else:` of) `return None`."""
    loop = site.previous
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        loop = _loop_with_else(handler, site.node)
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or not isinstance(loop.target, ast.Name):
        return None
    target = loop.target.id
    returns_it = any(
        isinstance(n, ast.Return) and n.value is not None and any(isinstance(m, ast.Name) and m.id == target for m in ast.walk(n.value))
        for n in ast.walk(loop)
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    )
    return target if returns_it else None


def _loop_with_else(handler: FunctionNode, node: ast.AST | None) -> ast.AST | None:
    for n in ast.walk(handler):
        if isinstance(n, (ast.For, ast.AsyncFor)) and n.orelse and n.orelse[0] is node:
            return n
    return None


def _absence_tests(test: ast.expr, polarity: bool) -> list[tuple[str, bool]]:
    """(name, tested by truthiness) for each variable whose absence makes the branch run."""
    if polarity and isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return [found for value in test.values for found in _absence_tests(value, True)]
    if not polarity and isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [found for value in test.values for found in _absence_tests(value, False)]
    if polarity:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
            return [(test.operand.id, True)]
        name = _compared_to_none(test, (ast.Is, ast.Eq))
    else:
        if isinstance(test, ast.Name):
            return [(test.id, True)]
        name = _compared_to_none(test, (ast.IsNot, ast.NotEq))
    return [(name, False)] if name else []


def _compared_to_none(test: ast.expr, ops: tuple[type, ...]) -> str | None:
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ops)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    return None


def _looked_up(name: str, local_values: dict[str, list[ast.expr]], falsy: bool) -> bool:
    """Assigned in the handler, every time, from a lookup (a query, a `.get`, an await) of a
    stored thing; for a truthiness test, a single thing rather than a collection."""
    values = local_values.get(name) or []
    if not values:
        return False
    for value in values:
        call = value.value if isinstance(value, ast.Await) else value
        if not isinstance(call, ast.Call) or _reads_request(call):
            return False
        if falsy and (_returns_collection(call) or _plural(name)):
            return False
    return True


def _call_chain(call: ast.Call) -> list[str]:
    """`db.query(User).filter(...).first()` → ["db", "query", "filter", "first"]."""
    names: list[str] = []
    node: ast.AST = call
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            break
    if isinstance(node, ast.Name):
        names.append(node.id)
    return list(reversed(names))


def _reads_request(call: ast.Call) -> bool:
    return any(part.lower() in _REQUEST_SOURCES for part in _call_chain(call))


def _returns_collection(call: ast.Call) -> bool:
    chain = _call_chain(call)
    return bool(chain) and chain[-1].lower() in _COLLECTION_CALLS


def _plural(name: str) -> bool:
    last = words(name)[-1] if words(name) else name
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _label(name: str) -> str:
    parts = [w for w in words(name) if w not in _FILLER]
    text = " ".join(parts)
    if len(text) < 2:
        return ""  # `x`, `r`: says nothing
    return text[:1].upper() + text[1:]
