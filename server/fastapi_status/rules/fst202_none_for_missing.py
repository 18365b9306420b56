from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.flow import ReturnSite
from fastapi_status.core.model import Route
from fastapi_status.core.statuses import body_allowed
from fastapi_status.core.values import Kind
from fastapi_status.fixes.raise_http import raise_instead_fix
from fastapi_status.rules.base import Invalid, Rule
from fastapi_status.rules.fst101_create_without_201 import words

_FILLER = {"db", "obj", "existing", "found", "result", "record", "row", "maybe", "opt", "the", "current", "model", "entity"}


class NoneForMissing(Rule):
    """
    ## What it does
    Flags a route that returns `None` when the thing it looked up is missing
    (`if item is None: return None`, or `return None` after a search loop) while its other
    paths return data.

    Left alone: routes whose contract includes null (a return annotation or `response_model`
    of `X | None`, `Optional[X]`), routes whose status has no body, a `None` returned for a
    parameter rather than a looked-up value, and returns inside `except` (a fallback).

    ## Why is this bad?
    The client receives `200 OK` with the body `null`. It asked for one item and was told,
    with a success status, that it got nothing: every caller must special-case `null`, caches
    store it, and the OpenAPI docs (which promise an item) are wrong.

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
    The fix is unsafe: clients then receive `404 Not Found` instead of `200 null`.
    """

    code = "FST202"
    name = "none-for-missing"
    summary = "Route returns None (200 null) when the looked-up thing is missing"
    fix_summary = "Raise HTTPException(404) (unsafe)"

    VALID = [
        # The contract allows null.
        "from typing import Optional\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/users/{i}')\ndef read(i: int) -> Optional[dict]:\n    user = repo.get(i)\n"
        "    if user is None:\n        return None\n    return user\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/users/{i}', response_model=dict | None)\ndef read(i: int):\n    user = repo.get(i)\n"
        "    if user is None:\n        return None\n    return user\n",
        # A parameter, not a looked-up value.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/search')\ndef search(q: str | None = None):\n    if q is None:\n        return None\n"
        "    return find(q)\n",
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
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/users/{i}')\nasync def read_user(i: int):\n    db_user = await repo.get(i)\n"
            "    if db_user is None:\n        return None\n    return db_user\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/users/{i}')\nasync def read_user(i: int):\n    db_user = await repo.get(i)\n"
            "    if db_user is None:\n        raise HTTPException(status_code=404, detail='User not found')\n"
            "    return db_user\n",
        ),
        # After a search loop.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\nITEMS = []\n"
            "@router.get('/items/{name}')\ndef by_name(name: str):\n    for item in ITEMS:\n"
            "        if item['name'] == name:\n            return item\n    return None\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\nITEMS = []\n"
            "@router.get('/items/{name}')\ndef by_name(name: str):\n    for item in ITEMS:\n"
            "        if item['name'] == name:\n            return item\n"
            "    raise HTTPException(status_code=404, detail='Item not found')\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/orders/{i}')\ndef order(i: int) -> dict:\n    found = db.orders.find_one(i)\n"
            "    if not found:\n        return\n    return found\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            status = route.effective_status
            if status is None or not 200 <= status < 300 or not body_allowed(status) or _allows_null(ctx, route):
                continue
            flow = ctx.flow(route.handler)
            kinds = [ctx.kind(r.value, route.handler) for r in flow.returns]
            if Kind.RESPONSE in kinds or not any(k in (Kind.BODY, Kind.UNKNOWN) for k in kinds):
                continue
            for site, kind in zip(flow.returns, kinds):
                if kind is not Kind.NONE or site.node is None or site.handler is not None or id(site.node) in seen:
                    continue
                thing = _missing_thing(site, flow.locals)
                if thing is None:
                    continue
                seen.add(id(site.node))
                detail = repr(f"{_label(thing)} not found")
                yield ctx.diagnostic(
                    self,
                    site.node,
                    f"route answers 200 OK with `null` when `{thing}` is missing; clients expect 404 Not Found",
                    raise_instead_fix(ctx, site.node, 404, detail, title="Raise HTTPException(404) instead"),
                )


def _allows_null(ctx: Context, route: Route) -> bool:
    contract = route.response_model.value if route.response_model is not None else route.handler.returns
    if contract is None:
        return False
    for node in ast.walk(contract):
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
            return True  # None, or a string annotation we do not resolve
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in ("Optional", "Any", "None", "object"):
                return True
    return False


def _missing_thing(site: ReturnSite, local_values: dict[str, list[ast.expr]]) -> str | None:
    """The looked-up variable whose absence leads to this return, or None."""
    if site.conditions:
        test, polarity = site.conditions[-1]
        name = _absent_name(test) if polarity else _present_name(test)
        if name and _looked_up(name, local_values):
            return name
        return None
    previous = site.previous
    if isinstance(previous, (ast.For, ast.AsyncFor)) and any(
        isinstance(n, ast.Return) and n.value is not None and not (isinstance(n.value, ast.Constant) and n.value.value is None)
        for n in ast.walk(previous)
    ):
        if isinstance(previous.target, ast.Name):
            return previous.target.id
    return None


def _absent_name(test: ast.expr) -> str | None:
    """`x is None`, `not x`, `x == None`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.Eq))
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    return None


def _present_name(test: ast.expr) -> str | None:
    """The else branch of `if x:` / `if x is not None:`."""
    if isinstance(test, ast.Name):
        return test.id
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.IsNot, ast.NotEq))
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    return None


def _looked_up(name: str, local_values: dict[str, list[ast.expr]]) -> bool:
    """Assigned in the handler from a call (a query, a `.get`, an await)."""
    values = local_values.get(name) or []
    return bool(values) and all(isinstance(v, (ast.Call, ast.Await)) for v in values)


def _label(name: str) -> str:
    parts = [w for w in words(name) if w not in _FILLER]
    text = " ".join(parts) or "Resource"
    return text[0].upper() + text[1:]
