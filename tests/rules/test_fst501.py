"""FST501 beyond its examples: the import the fix needs, names hidden by locals, repeated fixing."""

from __future__ import annotations

import ast

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.diagnostics import apply_edits

ON = Settings(select=frozenset({"FST501"}))


def found(source: str):
    result = analyze(source, ON)
    assert not result.errors, result.errors
    return result.diagnostics


def fix_all(source: str) -> str:
    """Like `--fix`: apply one fix at a time and re-check, until nothing is left."""
    for _ in range(20):
        fixable = [d for d in found(source) if d.fixes and d.preferred_fix.edits()]
        if not fixable:
            return source
        source = apply_edits(source, fixable[0].preferred_fix.edits())
        ast.parse(source)
    raise AssertionError("does not converge")


def test_off_by_default():
    assert [d for d in analyze("from fastapi import HTTPException\nraise HTTPException(404)\n").diagnostics if d.code == "FST501"] == []


def test_import_added_once_for_several_numbers():
    src = (
        '"""Items."""\nfrom fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n'
        "@router.post('/items', status_code=201)\ndef create(x: int):\n    if x < 0:\n        raise HTTPException(400)\n    return x\n"
    )
    out = fix_all(src)
    assert out == (
        '"""Items."""\nfrom fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n'
        "@router.post('/items', status_code=status.HTTP_201_CREATED)\ndef create(x: int):\n"
        "    if x < 0:\n        raise HTTPException(status.HTTP_400_BAD_REQUEST)\n    return x\n"
    )


def test_module_alias_is_used():
    src = "import fastapi\nraise fastapi.HTTPException(status_code=404)\n"
    assert fix_all(src) == "import fastapi\nraise fastapi.HTTPException(status_code=fastapi.status.HTTP_404_NOT_FOUND)\n"


def test_starlette_status_import_is_reused():
    src = "from starlette import status\nfrom starlette.responses import Response\nr = Response(status_code=204)\n"
    assert fix_all(src).endswith("r = Response(status_code=status.HTTP_204_NO_CONTENT)\n")


def test_a_local_status_hides_the_module():
    src = (
        "from fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n"
        "@router.get('/jobs', status_code=200)\ndef jobs(status: str = ''):\n    raise HTTPException(400)\n"
    )
    diags = found(src)
    assert [(d.range.start.line, bool(d.fixes)) for d in diags] == [(3, True), (5, False)]
    out = fix_all(src)
    assert "@router.get('/jobs', status_code=status.HTTP_200_OK)\n" in out and "HTTPException(400)" in out


def test_status_bound_to_something_else_gives_no_fix():
    src = "from fastapi import HTTPException\nstatus = 'draft'\nraise HTTPException(404)\n"
    (diag,) = found(src)
    assert diag.fixes == []


def test_numbers_without_a_constant_and_responses_keys_are_left():
    src = (
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x', responses={404: {'description': 'Missing'}})\ndef x():\n    raise HTTPException(499)\n"
    )
    assert found(src) == []
