"""FST401 beyond its examples: what counts as raised and as documented, and the fix."""

from __future__ import annotations

import ast

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.diagnostics import apply_edits
from fastapi_status.rules import RULES_BY_CODE

ALL = Settings(select=frozenset(RULES_BY_CODE))
HEAD = "from fastapi import APIRouter, Depends, HTTPException\nrouter = APIRouter()\n"


def found(source: str, settings: Settings = ALL):
    result = analyze(source, settings)
    assert not result.errors, result.errors
    return [d for d in result.diagnostics if d.code == "FST401"]


def fix(source: str, settings: Settings = ALL) -> str:
    (diag,) = found(source, settings)
    out = apply_edits(source, diag.preferred_fix.edits())
    ast.parse(out)
    assert found(out, settings) == []
    return out


def test_off_by_default():
    src = HEAD + "@router.get('/x')\ndef x():\n    raise HTTPException(404)\n"
    assert [d for d in analyze(src).diagnostics if d.code == "FST401"] == []


def test_range_is_the_decorator_call_and_codes_are_listed_in_order():
    src = HEAD + "@router.get('/x')\ndef x(a: int):\n    if a:\n        raise HTTPException(409)\n    raise HTTPException(404)\n"
    (diag,) = found(src)
    assert (diag.range.start.line, diag.range.start.col) == (3, 1)
    assert "404 Not Found, 409 Conflict" in diag.message


def test_mutually_recursive_helpers_terminate():
    src = HEAD + (
        "def ping(n):\n    if n < 0:\n        raise HTTPException(400)\n    return pong(n - 1)\n"
        "def pong(n):\n    return ping(n)\n"
        "@router.get('/x')\ndef x(n: int):\n    return ping(n)\n"
    )
    (diag,) = found(src)
    assert "400 Bad Request" in diag.message


def test_route_dependencies_and_add_api_route():
    src = HEAD + (
        "def admin_only(token: str = ''):\n    if token != 'admin':\n        raise HTTPException(403)\n"
        "def listing():\n    return []\n"
        "router.add_api_route('/l', listing, dependencies=[Depends(admin_only)])\n"
    )
    out = fix(src)
    assert (
        "router.add_api_route(\n    '/l',\n    listing,\n    dependencies=[Depends(admin_only)],\n"
        "    responses={403: {'description': 'Forbidden'}},\n)\n"
    ) in out


def test_declared_status_and_422_are_not_asked_for():
    src = HEAD + "@router.get('/x', status_code=202)\ndef x():\n    if q():\n        raise HTTPException(422)\n    raise HTTPException(202)\n"
    assert found(src) == []


def test_a_default_entry_documents_everything():
    src = HEAD + "@router.get('/x', responses={'default': {'description': 'Error'}})\ndef x():\n    raise HTTPException(404)\n"
    assert found(src) == []


def test_constant_style_adds_the_status_import():
    settings = Settings(select=frozenset({"FST401"}), status_style="constant")
    src = HEAD + "@router.get('/x')\ndef x():\n    raise HTTPException(404)\n"
    out = fix(src, settings)
    assert out.startswith("from fastapi import APIRouter, Depends, HTTPException, status\n")
    assert "@router.get('/x', responses={status.HTTP_404_NOT_FOUND: {'description': 'Not Found'}})\n" in out


def test_empty_dict_and_double_quotes():
    src = HEAD.replace("'", '"') + '@router.get("/x", responses={})\ndef x():\n    raise HTTPException(418)\n'
    out = fix(src)
    assert '@router.get("/x", responses={418: {"description": "I\'m a teapot"}})\n' in out


def test_no_fix_when_responses_is_not_a_literal_dict_of_the_route():
    src = HEAD + "ERRORS = {}\n@router.get('/x', responses=ERRORS)\ndef x():\n    raise HTTPException(404)\n"
    assert found(src) == []  # not readable: not judged
