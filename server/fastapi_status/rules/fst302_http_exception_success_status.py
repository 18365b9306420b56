from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.model import kwarg
from fastapi_status.core.statuses import describe
from fastapi_status.rules.base import Invalid, Rule


class HttpExceptionSuccessStatus(Rule):
    """
    ## What it does
    Flags `HTTPException` raised (or built) with a status below 400. A 3xx with `headers=` (a
    `Location` header) is the redirect-from-a-dependency idiom and is left alone.

    ## Why is this bad?
    An exception says something went wrong, but FastAPI sends exactly the status it carries:
    `HTTPException(200, detail="done")` answers `200 OK` with the body `{"detail": "done"}`, and
    a 304 or 204 sends a body those statuses forbid. Clients treat the failure as success.

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
        # Not FastAPI's HTTPException.
        "import fastapi\nfrom requests import HTTPError as HTTPException\nraise HTTPException(200)\n",
    ]
    INVALID = [
        Invalid("from fastapi import HTTPException\nraise HTTPException(200, detail='done')\n"),
        Invalid("from starlette.exceptions import HTTPException\nfrom http import HTTPStatus\n"
                "raise HTTPException(status_code=HTTPStatus.NO_CONTENT)\n"),
        Invalid("from fastapi import HTTPException, status\n"
                "raise HTTPException(status_code=status.HTTP_304_NOT_MODIFIED, detail='same')\n"),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        model = ctx.model
        for node in ast.walk(ctx.tree):
            if not (isinstance(node, ast.Call) and model.is_http_exception(node.func)):
                continue
            expr = node.args[0] if node.args else (kwarg(node, "status_code").value if kwarg(node, "status_code") else None)
            code = model.status_of(expr)
            if code is None or code >= 400 or code < 100:
                continue
            if 300 <= code < 400 and kwarg(node, "headers") is not None:
                continue
            yield ctx.diagnostic(
                self,
                node,
                f"HTTPException with {describe(code)}: the client receives {code} and reads the failure as success",
            )
