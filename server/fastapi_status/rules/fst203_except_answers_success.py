from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.callees import nodes_in
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.payloads import (
    error_payload,
    exception_status,
    exception_text_in,
    in_same_block,
    infer_status,
    is_exception_text,
    response_handed_off,
    success_payloads,
)
from fastapi_status.core.statuses import describe
from fastapi_status.fixes.raise_http import raise_instead_fix, reraise_at_end_fix, reraise_fix
from fastapi_status.rules.base import Invalid, Rule
from fastapi_status.rules.fst201_error_body_with_2xx import acknowledges, reports_a_result, uses_422


class ExceptAnswersSuccess(Rule):
    """
    ## What it does
    Flags a `return` in an `except` clause of a route that answers with an error payload (the
    FST201 signals: a non-empty `"error"`, `"success": False`, a failure message…) or with the
    exception's own text (`{"error": str(exc)}`, `{"detail": f"failed: {exc}"}`, `return str(exc)`)
    while the route's status is 2xx.

    It also flags a broad `except` (bare, `Exception`) that only logs or passes after a `try`
    that returns the route's answer, when the handler then answers an empty value (`return
    []`, `{}`, `None`, or the end of the handler): the failure falls through to an empty
    success. Not in a loop (retries), not for a narrow exception (a cache miss is an answer),
    not when what follows is real data (a documented fallback).

    Graceful degradation is left alone: returning a fallback (an empty list, a default object,
    `False`, `None`, or the answer's data keys with fallback values next to an error note, as in
    `{"items": [], "error": str(exc)}`) is a deliberate answer, and so is a returned `Response`
    that carries its own status, or a path that set `response.status_code`. Routes whose job is
    to report (health, check, validate, test…) and webhook receivers (which answer 200 so their
    caller does not retry) are left alone too.

    ## Why is this bad?
    The operation failed, but the client receives `200 OK`: retries never happen, monitoring
    sees success, and the exception's text (often internal details) is sent as ordinary data.

    ## Example
    ```python
    @router.get("/reports/{report_id}")
    async def report(report_id: int):
        try:
            return await build_report(report_id)
        except Exception as exc:
            return {"error": str(exc)}
    ```

    ## Use instead
    ```python
    @router.get("/reports/{report_id}")
    async def report(report_id: int):
        try:
            return await build_report(report_id)
        except Exception as exc:
            raise HTTPException(status_code=500, detail=str(exc)) from exc
    ```

    ## Fix safety
    The fix is unsafe: clients then receive an error status with FastAPI's `{"detail": …}` body.
    The status is 500 unless the message says otherwise (not found 404, unauthorized 401…, as in
    FST201) or the caught exception's name says it plainly (`…NotFound`/`…DoesNotExist` 404,
    `PermissionError`/`…Forbidden` 403, `IntegrityError`/`…AlreadyExists` 409,
    `…ValidationError` 422, `…Timeout` 504). The
    message is kept as the `detail`, and the exception is chained with `from` when the clause
    names it. In an `except HTTPException` clause the fix re-raises the exception instead, which
    keeps the status it was raised with. Consider whether the exception's text is fit for
    clients before applying it. For a failure swallowed before an empty answer, the fix adds a
    bare `raise` at the end of the `except` (after its logging): clients then receive `500
    Internal Server Error` instead of `200` and the empty value.
    """

    code = "FST203"
    name = "except-answers-success"
    summary = "`except` block answers an error with a 2xx status"
    fix_summary = "Raise HTTPException (500 or the inferred status) from the exception, or re-raise it (unsafe)"

    VALID = [
        # (From litellm) a documented fallback with data; a cache miss; a retry loop.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/policy/templates')\nasync def templates():\n    try:\n        r = await fetch()\n"
        "        if r.ok:\n            return r.json()\n    except Exception as e:\n        log.debug(e)\n"
        "    return load_local_backup()\n"
        "@router.get('/cached/{k}')\nasync def cached(k: str):\n    try:\n        return CACHE[k]\n"
        "    except KeyError:\n        pass\n    return None\n"
        "@router.get('/retry')\nasync def retry():\n    for _ in range(3):\n        try:\n"
        "            return await call()\n        except Exception:\n            pass\n    return {}\n",
        # Fallbacks.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items')\ndef items():\n    try:\n        return load()\n    except Exception:\n        return []\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/flags')\ndef flags():\n    try:\n        return load()\n    except Exception as e:\n"
        "        log(e)\n        return {'dark_mode': False}\n",
        # A degraded answer: the data keys with fallback values, plus a note of what went wrong.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/tools')\nasync def tools():\n    try:\n        return {'tools': await fetch(), 'error': None}\n"
        "    except Exception as e:\n        return {'tools': [], 'error': f'Could not list tools: {e}'}\n",
        # An error status on the response.
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception as e:\n"
        "        return JSONResponse({'error': str(e)}, status_code=500)\n",
        # Status set on the injected response first.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef x(response: Response):\n    try:\n        return load()\n    except Exception as e:\n"
        "        response.status_code = 503\n        return {'error': str(e)}\n",
        # A health check reports.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/health/db')\ndef db_health():\n    try:\n        ping()\n        return {'status': 'ok'}\n"
        "    except Exception as e:\n        return {'status': 'unhealthy', 'error': str(e)}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/connections/test')\ndef test_connection(url: str):\n    try:\n        connect(url)\n"
        "        return {'status': 'success'}\n    except Exception as e:\n        return {'status': 'error', 'message': str(e)}\n",
        # A webhook receiver answers 200 so the sender does not retry.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/telegram/updates')\nasync def telegram_update(update: dict):\n    try:\n        await handle(update)\n"
        "    except Exception as e:\n        return {'ok': False, 'error': str(e)}\n    return {'ok': True}\n",
        # A yes/no answer.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/expressions')\ndef parse_expression(text: str):\n    try:\n        tree = parse(text)\n"
        "    except SyntaxError as e:\n        return {'valid': False, 'error': str(e)}\n    return {'valid': True, 'tree': tree}\n",
        # The exception is used, but not sent as an error (the ID of a conflict, say).
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/items')\ndef put(item: dict):\n    try:\n        return save(item)\n"
        "    except Conflict as e:\n        return e.existing\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/items')\ndef put(item: dict):\n    try:\n        return save(item)\n"
        "    except Duplicate as e:\n        return {'id': e.existing_id, 'note': str(e)}\n",
        # Success wording that mentions the exception.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/files/{name}')\ndef remove(name: str):\n    try:\n        unlink(name)\n"
        "    except FileNotFoundError as e:\n        return {'message': f'Already deleted ({e})'}\n    return {'message': 'deleted'}\n",
        # Not a route (a helper called by one).
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "def load_safely():\n    try:\n        return load()\n    except Exception as e:\n        return {'error': str(e)}\n",
    ]
    INVALID = [
        # The failure swallowed, then an empty success after the `except`.
        Invalid(
            "import logging\nfrom fastapi import APIRouter\nrouter = APIRouter()\nlog = logging.getLogger()\n"
            "@router.get('/orders')\nasync def list_orders(customer: str):\n    try:\n"
            "        return await billing.orders(customer)\n    except Exception:\n"
            "        log.exception('billing failed')\n    return []\n",
            fixed="import logging\nfrom fastapi import APIRouter\nrouter = APIRouter()\nlog = logging.getLogger()\n"
            "@router.get('/orders')\nasync def list_orders(customer: str):\n    try:\n"
            "        return await billing.orders(customer)\n    except Exception:\n"
            "        log.exception('billing failed')\n        raise\n    return []\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/reports/{i}')\nasync def report(i: int):\n    try:\n        return await build(i)\n"
            "    except Exception as exc:\n        return {'error': str(exc)}\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/reports/{i}')\nasync def report(i: int):\n    try:\n        return await build(i)\n"
            "    except Exception as exc:\n        raise HTTPException(status_code=500, detail=str(exc)) from exc\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nfrom fastapi.responses import ORJSONResponse\nrouter = APIRouter()\n"
            "@router.post('/sync')\ndef sync():\n    try:\n        run()\n    except RuntimeError as e:\n"
            "        return ORJSONResponse({'message': f'Sync failed: {e}'})  # keep this note\n    return {'done': True}\n",
            fixed="from fastapi import APIRouter, HTTPException\nfrom fastapi.responses import ORJSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/sync')\ndef sync():\n    try:\n        run()\n    except RuntimeError as e:\n"
            "        raise HTTPException(\n"
            "            status_code=500, detail=f'Sync failed: {e}'\n"
            "        ) from e  # keep this note\n"
            "    return {'done': True}\n",
        ),
        # No name bound: no `from`.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception:\n"
            "        return {'success': False, 'message': 'Could not load'}\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception:\n"
            "        raise HTTPException(status_code=500, detail='Could not load')\n",
        ),
        # The message (or the exception caught) names the status; the module's `status` style is kept.
        Invalid(
            "from fastapi import APIRouter, status\nrouter = APIRouter()\n"
            "@router.get('/users/{i}', status_code=status.HTTP_200_OK)\ndef user(i: int):\n    try:\n"
            "        return USERS[i]\n    except KeyError:\n        return {'detail': 'User not found'}\n",
            fixed="from fastapi import APIRouter, status, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/users/{i}', status_code=status.HTTP_200_OK)\ndef user(i: int):\n    try:\n"
            "        return USERS[i]\n    except KeyError:\n"
            "        raise HTTPException(\n"
            "            status_code=status.HTTP_404_NOT_FOUND, detail='User not found'\n"
            "        )\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nfrom pydantic import ValidationError\nrouter = APIRouter()\n"
            "@router.post('/configs')\ndef upload(raw: dict):\n    try:\n        cfg = Config(**raw)\n"
            "    except ValidationError as err:\n        return {'errors': err.errors()}\n    return cfg\n",
            fixed="from fastapi import APIRouter, HTTPException\nfrom pydantic import ValidationError\nrouter = APIRouter()\n"
            "@router.post('/configs')\ndef upload(raw: dict):\n    try:\n        cfg = Config(**raw)\n"
            "    except ValidationError as err:\n        raise HTTPException(status_code=422, detail=err.errors()) from err\n"
            "    return cfg\n",
        ),
        # A plain text body made of the exception.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/render')\ndef render(page: str):\n    try:\n        return build(page)\n"
            "    except Exception as e:\n        return 'Error: ' + str(e)\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/render')\ndef render(page: str):\n    try:\n        return build(page)\n"
            "    except Exception as e:\n        raise HTTPException(status_code=500, detail='Error: ' + str(e)) from e\n",
        ),
        # A caught HTTPException answered as 200: re-raise it, its status is the right one.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{i}')\ndef item(i: int):\n    try:\n        return load(i)\n"
            "    except HTTPException as e:\n        return {'error': e.detail}\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{i}')\ndef item(i: int):\n    try:\n        return load(i)\n"
            "    except HTTPException as e:\n        raise\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            found = []
            for site, source in success_payloads(ctx, route, in_except=True):
                clause = site.handler
                if id(site.node) in seen:
                    continue
                message, text = self._error_message(source, clause.name)
                if message is not False:
                    found.append((site, clause, source, message, text))
            # The costlier questions only for the few routes that answer an error from `except`.
            if not found or reports_a_result(route) or acknowledges(route):
                continue
            if response_handed_off(route.handler, ctx.flow(route.handler).response_param):
                continue
            status = route.effective_status
            for site, clause, source, message, text in found:
                seen.add(id(site.node))
                yield ctx.diagnostic(
                    self,
                    site.node,
                    f"`except` block answers {describe(status)} with an error body: "
                    "the failure reaches the client as success",
                    self._fixes(ctx, route.handler, site.node, source, clause, message, text),
                    related=[(ctx.except_header(clause), "the exception handled here")],
                )

        yield from self._swallowed(ctx)

    def _swallowed(self, ctx: Context) -> Iterable[Diagnostic]:
        """`try: … return data` then `except Exception: log(…)` and, after it, `return []`: the
        failure of the work the route answers with becomes an empty success."""
        for route in ctx.routes:
            status = route.effective_status
            if status is None or not 200 <= status < 300:
                continue
            tries = [t for t in nodes_in(ctx, route.handler, ast.Try) if any(_swallows(c) for c in t.handlers)]
            if not tries or reports_a_result(route) or acknowledges(route):
                continue  # (most handlers have no such `try`: the costlier questions are not asked)
            for clause, fallback in _swallowing_clauses(route.handler, {id(t) for t in tries}):
                shown = ctx.text(fallback.value) if fallback is not None and fallback.value is not None else "None"
                yield ctx.diagnostic(
                    self,
                    ctx.except_header(clause),
                    f"this `except` swallows the failure of the work the `try` answers with, and the route then "
                    f"answers {describe(status)} with `{shown}`: the client reads the failure as an empty success; "
                    "re-raise it (or raise HTTPException)",
                    reraise_at_end_fix(ctx, clause),
                    related=[(fallback, "the answer after the failure")] if fallback is not None else [],
                )

    @staticmethod
    def _error_message(source, name: str | None):
        """(the message expression or None, its readable text), or (False, "") when the
        returned value is not an error answer."""
        if source.mapping is not None:
            payload = error_payload(source.mapping)
            if payload is not None:
                return payload.message, payload.text
            message = exception_text_in(source.mapping, name)
            if message is not None:
                return message, ""
            return False, ""
        if source.body is not None and is_exception_text(source.body, name):
            return source.body, ""
        return False, ""

    @staticmethod
    def _fixes(ctx: Context, handler, return_node, source, clause, message, text):
        if _catches_only_http_exception(ctx, clause):
            return reraise_fix(ctx, return_node, "Re-raise the HTTPException")
        code = infer_status(text, uses_422(ctx)) or exception_status(clause) or 500
        detail = ctx.text(message) if message is not None else None
        remove = source.local if source.local and in_same_block(handler, source.local, return_node) else None
        return raise_instead_fix(ctx, return_node, code, detail, cause=clause.name, remove=remove)


def _catches_only_http_exception(ctx: Context, clause: ast.ExceptHandler) -> bool:
    if clause.type is None:
        return False
    types = clause.type.elts if isinstance(clause.type, ast.Tuple) else [clause.type]
    return all(ctx.model.is_http_exception(t) for t in types)


_BROAD = {"Exception", "BaseException"}
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _swallows(clause: ast.ExceptHandler) -> bool:
    return _broad(clause) and all(_only_logs(s) for s in clause.body)


def _swallowing_clauses(handler, candidates: set[int]) -> list[tuple[ast.ExceptHandler, ast.Return | None]]:
    """Broad `except` clauses that only log (or pass) after a `try` that returns the route's
    answer, followed by a `return` of an empty value (or the end of the handler): not in a
    loop (retries), not for a narrow exception (a cache miss is an answer)."""
    found = []
    for block, in_loop in _blocks(handler.body, False):
        for i, stmt in enumerate(block):
            if id(stmt) not in candidates or in_loop or not _returns(stmt.body):
                continue
            after = block[i + 1] if i + 1 < len(block) else None
            if after is None and block is not handler.body:
                continue
            if after is not None and not (isinstance(after, ast.Return) and _empty(after.value)):
                continue
            found += [(clause, after) for clause in stmt.handlers if _swallows(clause)]
    return found


def _blocks(body: list[ast.stmt], in_loop: bool):
    yield body, in_loop
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        loop = in_loop or isinstance(stmt, _LOOPS)
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                yield from _blocks(inner, loop)
        for h in getattr(stmt, "handlers", ()):
            yield from _blocks(h.body, loop)


def _returns(body: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None for s in body for n in ast.walk(s))


def _broad(clause: ast.ExceptHandler) -> bool:
    if clause.type is None:
        return True
    types = clause.type.elts if isinstance(clause.type, ast.Tuple) else [clause.type]
    return any((t.id if isinstance(t, ast.Name) else getattr(t, "attr", None)) in _BROAD for t in types)


def _only_logs(stmt: ast.stmt) -> bool:
    """`pass`, or a call made for its side effect (`logger.exception(…)`, `print(…)`)."""
    return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Call, ast.Constant)))


def _empty(value: ast.expr | None) -> bool:
    if value is None:
        return True
    if isinstance(value, ast.Constant):
        return value.value in (None, "", False, 0)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return all(_empty(v) for v in value.values)
    return False
