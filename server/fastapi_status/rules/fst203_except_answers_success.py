from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.payloads import error_payload, mentions_exception, payload_of
from fastapi_status.core.statuses import describe
from fastapi_status.fixes.raise_http import raise_instead_fix
from fastapi_status.rules.base import Invalid, Rule
from fastapi_status.rules.fst201_error_body_with_2xx import reports_a_result


class ExceptAnswersSuccess(Rule):
    """
    ## What it does
    Flags an `except` clause in a route that answers with an error payload (the FST201
    signals) or with the exception's own text (`{"error": str(exc)}`, `f"failed: {exc}"`) while
    the route's status is 2xx.

    Graceful degradation is left alone: returning a fallback (an empty list, a default object,
    `False`, `None`) is a deliberate answer, and so is a returned `Response` that carries an
    error status. Reporting routes (health, check, validate…) are left alone too.

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
    The fix is unsafe: clients then receive 500 with FastAPI's `{"detail": …}` body. Consider a
    more specific status when the exception tells you one.
    """

    code = "FST203"
    name = "except-answers-success"
    summary = "`except` block answers an error with a 2xx status"
    fix_summary = "Raise HTTPException(500) from the exception (unsafe)"

    VALID = [
        # Fallbacks.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items')\ndef items():\n    try:\n        return load()\n    except Exception:\n        return []\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/flags')\ndef flags():\n    try:\n        return load()\n    except Exception as e:\n"
        "        log(e)\n        return {'dark_mode': False}\n",
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
        # The exception is used, but not sent as an error (the ID of a conflict, say).
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/items')\ndef put(item: dict):\n    try:\n        return save(item)\n"
        "    except Conflict as e:\n        return e.existing\n",
    ]
    INVALID = [
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
            "        return ORJSONResponse({'message': f'Sync failed: {e}'})\n    return {'done': True}\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception:\n"
            "        return {'success': False, 'message': 'Could not load'}\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception:\n"
            "        raise HTTPException(status_code=500, detail='Could not load')\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            status = route.effective_status
            if status is None or not 200 <= status < 300 or reports_a_result(route):
                continue
            flow = ctx.flow(route.handler)
            for site in flow.returns:
                clause = site.handler
                if clause is None or site.node is None or site.assignments or id(site.node) in seen:
                    continue
                found = payload_of(site.value, ctx.model, flow)
                payload = found and error_payload(found[0])
                if payload:
                    message = payload.message
                else:
                    message = _exception_text(found[0], clause.name) if found else None
                    if message is None:
                        continue
                seen.add(id(site.node))
                detail = ctx.text(message) if message is not None else None
                yield ctx.diagnostic(
                    self,
                    site.node,
                    f"`except` block answers {describe(status)} with an error body: the failure reaches the client as success",
                    raise_instead_fix(ctx, site.node, 500, detail, cause=clause.name),
                    related=[(clause, "the exception handled here")],
                )


_ERROR_KEYS = {"error", "errors", "detail", "message", "msg", "reason", "exception"}


def _exception_text(mapping: ast.Dict, name: str | None) -> ast.expr | None:
    """The value of an error-ish key that carries the caught exception's text."""
    for key, value in zip(mapping.keys, mapping.values):
        if (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and key.value.lower() in _ERROR_KEYS
            and mentions_exception(value, name)
        ):
            return value
    return None
