"""Fixes keep the file's layout: a multi-line call or import stays in its layout, statuses are
written in the module's style, and a line the fix makes too long is wrapped as ruff format would
(the project's line length: `Settings.line_length`)."""

from __future__ import annotations

import ast

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.diagnostics import apply_edits


def fixed(source: str, code: str, line_length: int = 88, unsafe: bool = True) -> str:
    result = analyze(source, Settings(select=frozenset({code}), line_length=line_length))
    out = source
    for d in reversed(result.diagnostics):  # (bottom up: the positions above stay right)
        fix = d.preferred_fix
        assert fix is not None and (unsafe or fix.is_safe)
        out = apply_edits(out, fix.edits())
    ast.parse(out)
    return out


def test_a_call_made_too_long_is_hugged_when_its_arguments_fit_on_one_line():
    src = (
        "from fastapi import HTTPException, status\n\n"
        "def check(user):\n"
        "    if user is None:\n"
        "        raise HTTPException(status_code=401, detail='Missing credentials')\n"
    )
    assert fixed(src, "FST501").endswith(
        "        raise HTTPException(\n"
        "            status_code=status.HTTP_401_UNAUTHORIZED, detail='Missing credentials'\n"
        "        )\n"
    )


def test_one_argument_a_line_when_hugging_is_not_enough():
    src = (
        "from fastapi import HTTPException, status\n\n"
        "def check(user):\n"
        "    if user is None:\n"
        "        raise HTTPException(status_code=401, detail='Missing or expired credentials!!')\n"
    )
    assert fixed(src, "FST501").endswith(
        "        raise HTTPException(\n"
        "            status_code=status.HTTP_401_UNAUTHORIZED,\n"
        "            detail='Missing or expired credentials!!',\n"
        "        )\n"
    )


def test_the_project_line_length_decides():
    src = (
        "from fastapi import HTTPException, status\n\n"
        "def check(user):\n"
        "    if user is None:\n"
        "        raise HTTPException(status_code=401, detail='Missing credentials')\n"
    )
    assert fixed(src, "FST501", line_length=100).endswith(
        "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail='Missing credentials')\n"
    )


def test_a_line_that_was_already_too_long_is_left_as_it_is():
    src = (
        "from fastapi import HTTPException, status\n\n"
        "def check(user):\n"
        "    if user is None:\n"
        "        raise HTTPException(status_code=401, detail='Missing credentials, or credentials that expired')\n"
    )
    assert fixed(src, "FST501").endswith(
        "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail='Missing credentials, or credentials that expired')\n"
    )


def test_responses_added_to_a_hugged_decorator_explode_it():
    """fief's style: the arguments on one line between `(` and `)` on lines of their own. The
    new argument once landed at column 0 after a line with trailing spaces."""
    src = (
        "from fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n\n\n"
        "@router.patch(\n"
        '    "/{id:uuid}", name="user_fields:update", response_model=schemas.UserField\n'
        ")\n"
        "async def update_user_field(id: str):\n"
        "    raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST)\n"
    )
    out = fixed(src, "FST401")
    assert (
        "@router.patch(\n"
        '    "/{id:uuid}",\n'
        '    name="user_fields:update",\n'
        "    response_model=schemas.UserField,\n"
        '    responses={status.HTTP_400_BAD_REQUEST: {"description": "Bad Request"}},\n'
        ")\n"
    ) in out
    assert not [line for line in out.splitlines() if line != line.rstrip()]


def test_responses_added_to_a_hugged_decorator_that_still_fits():
    src = (
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n\n\n"
        "@router.patch(\n"
        '    "/{id}", name="update"\n'
        ")\n"
        "async def update(id: str):\n"
        "    raise HTTPException(status_code=400)\n"
    )
    assert (
        "@router.patch(\n"
        '    "/{id}", name="update", responses={400: {"description": "Bad Request"}}\n'
        ")\n"
    ) in fixed(src, "FST401")


def test_a_nested_dict_is_wrapped_in_turn():
    src = (
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n\n\n"
        "@router.get('/items/{item_id}/attachments/{attachment_id}')\n"
        "async def read(item_id: int, attachment_id: int):\n"
        "    if item_id < 0:\n        raise HTTPException(status_code=401)\n"
        "    if item_id == 0:\n        raise HTTPException(status_code=403)\n"
        "    raise HTTPException(status_code=404)\n"
    )
    out = fixed(src, "FST401")
    assert (
        "@router.get(\n"
        "    '/items/{item_id}/attachments/{attachment_id}',\n"
        "    responses={\n"
        "        401: {'description': 'Unauthorized'},\n"
        "        403: {'description': 'Forbidden'},\n"
        "        404: {'description': 'Not Found'},\n"
        "    },\n"
        ")\n"
    ) in out
    assert max(len(line) for line in out.splitlines()) <= 88


def test_a_call_holding_a_comment_is_not_rewrapped():
    src = (
        "from fastapi import HTTPException, status\n\n"
        "def check(user):\n"
        "    if user is None:\n"
        "        raise HTTPException(\n"
        "            status_code=401, detail='Missing credentials, or credentials that expired'  # why\n"
        "        )\n"
    )
    out = fixed(src, "FST501")
    assert "            status_code=status.HTTP_401_UNAUTHORIZED, detail='Missing credentials, or credentials that expired'  # why\n" in out


def test_fst101_writes_httpstatus_in_a_module_that_uses_it():
    src = (
        "from http import HTTPStatus\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items/{i}', status_code=HTTPStatus.OK)\ndef read(i: int):\n    return {}\n"
        "@router.post('/items')\ndef create_item(item: dict):\n    return item\n"
    )
    out = fixed(src, "FST101")
    assert "@router.post('/items', status_code=HTTPStatus.CREATED)\n" in out
    assert [d.code for d in analyze(out, Settings(select=frozenset({"FST501"}))).diagnostics] == []


def test_fst501_extends_a_parenthesised_import_in_its_layout():
    src = (
        "from fastapi import (\n    APIRouter,\n    HTTPException,  # errors\n)\n\n"
        "def f():\n    raise HTTPException(409)\n"
    )
    out = fixed(src, "FST501")
    assert out.startswith("from fastapi import (\n    APIRouter,\n    HTTPException,  # errors\n    status,\n)\n")


def test_crlf_is_kept_when_wrapping():
    src = (
        "from fastapi import HTTPException, status\r\n\r\n"
        "def check(user):\r\n"
        "    if user is None:\r\n"
        "        raise HTTPException(status_code=401, detail='Missing credentials')\r\n"
    )
    out = fixed(src, "FST501")
    assert out.endswith("        raise HTTPException(\r\n            status_code=status.HTTP_401_UNAUTHORIZED, detail='Missing credentials'\r\n        )\r\n")


def test_an_import_made_too_long_is_parenthesised_one_name_a_line():
    src = (
        "from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Path, Query\n\n"
        "def f():\n    raise HTTPException(409)\n"
    )
    assert fixed(src, "FST501").startswith(
        "from fastapi import (\n    APIRouter,\n    BackgroundTasks,\n    Depends,\n    HTTPException,\n"
        "    Path,\n    Query,\n    status,\n)\n"
    )


def test_a_statement_header_is_wrapped_too():
    src = (
        "from fastapi import HTTPException, status\n\n"
        "def stream(items):\n"
        "    for item in error_items(\n"
        "        HTTPException(status_code=500, detail=items.detail), surface=items.surface\n"
        "    ):\n"
        "        yield item\n"
    )
    assert (
        "    for item in error_items(\n"
        "        HTTPException(\n"
        "            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR, detail=items.detail\n"
        "        ),\n"
        "        surface=items.surface,\n"
        "    ):\n"
        "        yield item\n"
    ) in fixed(src, "FST501")
