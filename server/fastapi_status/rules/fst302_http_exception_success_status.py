from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.model import kwarg
from fastapi_status.core.status_sites import own_init_class, raised_status
from fastapi_status.core.statuses import body_allowed, describe
from fastapi_status.rules.base import Invalid, Rule


class HttpExceptionSuccessStatus(Rule):
    """
    ## What it does
    Flags `HTTPException` raised (or built) with a status below 400. Left alone: a 3xx with
    `headers=` (a `Location` header: the redirect-from-a-dependency idiom), and a bare 204, 205
    or 304 without a `detail` (`raise HTTPException(304)` is a way to answer a conditional request
    from deep inside the code).

    ## Why is this bad?
    An exception says something went wrong, but FastAPI sends exactly the status it carries:
    `HTTPException(200, detail="done")` answers `200 OK` with the body `{"detail": "done"}`
    (observed). Clients, retries and monitoring treat the failure as success; a 3xx without a
    `Location` header sends the client nowhere. For 204, 205 and 304 FastAPI drops the body, so
    the `detail` never reaches the client either.

    ## Example
    ```python
    if item.locked:
        raise HTTPException(status_code=status.HTTP_200_OK, detail="Item is locked")
    ```

    ## Use instead
    ```python
    if item.locked:
        raise HTTPException(status_code=status.HTTP_423_LOCKED, detail="Item is locked")
    ```

    ## Fix safety
    There is no fix: choosing the error status is the author's decision.
    """

    code = "FST302"
    name = "http-exception-success-status"
    summary = "HTTPException with a status below 400"

    VALID = [
        "from fastapi import HTTPException\nraise HTTPException(404, detail='Not found')\n",
        # A redirect raised from a dependency.
        "from fastapi import HTTPException, status\n"
        "raise HTTPException(status.HTTP_307_TEMPORARY_REDIRECT, headers={'Location': '/login'})\n",
        # Unresolvable status.
        "from fastapi import HTTPException\ndef fail(code):\n    raise HTTPException(code)\n",
        # Sent without a body: the conditional-request idiom.
        "from fastapi import HTTPException, status\n"
        "def check(etag, header):\n    if etag == header:\n        raise HTTPException(status.HTTP_304_NOT_MODIFIED)\n",
        # A subclass whose first argument is not a status.
        "from fastapi import HTTPException\nclass ItemMissing(HTTPException):\n"
        "    def __init__(self, item_id):\n        super().__init__(404, f'Item {item_id} not found')\n"
        "raise ItemMissing(200)\n",
        # Not FastAPI's HTTPException.
        "import fastapi\nfrom requests import HTTPError as HTTPException\nraise HTTPException(200)\n",
    ]
    INVALID = [
        Invalid("from fastapi import HTTPException\nraise HTTPException(200, detail='done')\n"),
        Invalid("from starlette.exceptions import HTTPException\nfrom http import HTTPStatus\n"
                "raise HTTPException(status_code=HTTPStatus.ACCEPTED, detail='queued')\n"),
        Invalid("from fastapi import HTTPException, status\n"
                "raise HTTPException(status_code=status.HTTP_302_FOUND, detail='moved')\n"),
        # A message on a status sent without a body: the author meant an error.
        Invalid("from fastapi import HTTPException, status\n"
                "def update(changes):\n    if 'email' in changes:\n"
                "        raise HTTPException(status.HTTP_304_NOT_MODIFIED, detail='Email cannot change')\n"),
        # A subclass that fixes its status in its own __init__.
        Invalid("from fastapi import HTTPException\nclass Accepted(HTTPException):\n"
                "    def __init__(self, job_id):\n        super().__init__(status_code=202, detail=job_id)\n"
                "def start(job_id):\n    raise Accepted(job_id)\n"),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        model = ctx.model
        for node in ctx.calls_named(model.http_exception_names):
            if not model.is_http_exception(node.func):
                continue
            code = raised_status(model, node)
            if code is None or code >= 400 or code < 100:
                continue
            bare = not body_allowed(code)
            if bare and code >= 200 and not _has_detail(model, node):
                continue  # a bare 204/205/304: `raise HTTPException(304)` answers a conditional GET
            if 300 <= code < 400 and (kwarg(node, "headers") is not None or own_init_class(model, node.func)):
                continue
            effect = "a bare {}, without the detail,".format(code) if bare else f"{code} with the error detail"
            yield ctx.diagnostic(
                self,
                node,
                f"HTTPException with {describe(code)}: the client receives {effect} and reads the failure as success",
            )


def _has_detail(model, call: ast.Call) -> bool:
    if own_init_class(model, call.func) is not None:
        return True  # its own arguments: assume it carries a message
    return len(call.args) > 1 or kwarg(call, "detail") is not None
