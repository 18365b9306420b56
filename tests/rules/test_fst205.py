"""FST205 beyond its examples: ranges, messages, the fix, and FST201 on the same path."""

from __future__ import annotations

import ast

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.diagnostics import apply_edits
from fastapi_status.rules import RULES_BY_CODE

ALL = Settings(select=frozenset(RULES_BY_CODE))
HEAD = (
    "from fastapi import APIRouter, Response\n"
    "from fastapi.responses import JSONResponse, RedirectResponse\n"
    "router = APIRouter()\n"
)


def codes(source: str) -> list[str]:
    result = analyze(source, ALL)
    assert not result.errors, result.errors
    return [d.code for d in result.diagnostics]


def found(source: str):
    return [d for d in analyze(source, ALL).diagnostics if d.code == "FST205"]


def test_range_is_the_assignment_and_related_the_return():
    src = HEAD + "@router.post('/jobs')\ndef start(response: Response):\n    response.status_code = 202\n    return JSONResponse({})\n"
    (diag,) = found(src)
    assert (diag.range.start.line, diag.range.start.col, diag.range.end.col) == (6, 4, len("    response.status_code = 202"))
    assert [r.range.start.line for r in diag.related] == [7]
    assert "receives 200 OK" in diag.message


def test_message_names_the_status_the_returned_response_carries():
    src = HEAD + "@router.post('/go')\ndef go(response: Response):\n    response.status_code = 303\n    return RedirectResponse('/done')\n"
    (diag,) = found(src)
    assert "receives 307 Temporary Redirect" in diag.message


def test_error_body_with_an_ignored_status_is_fst205_not_fst201():
    src = (
        HEAD + "@router.get('/items/{i}')\ndef read(i: int, response: Response):\n"
        "    if i not in DB:\n        response.status_code = 404\n        return JSONResponse({'error': 'Item not found'})\n"
        "    return DB[i]\n"
    )
    assert [c for c in codes(src) if c.startswith("FST2")] == ["FST205"]
    (diag,) = found(src)
    out = apply_edits(src, diag.preferred_fix.edits())
    assert "        return JSONResponse({'error': 'Item not found'}, status_code=404)\n" in out
    assert "response.status_code" not in out
    ast.parse(out)
    assert [c for c in codes(out) if c.startswith("FST2")] == []


def test_fix_keeps_a_multiline_call_layout():
    src = (
        HEAD + "@router.post('/jobs')\nasync def start(response: Response):\n    response.status_code = 202\n"
        "    return JSONResponse(\n        {'queued': True},\n        headers={'x-job': '1'},\n    )\n"
    )
    (diag,) = found(src)
    out = apply_edits(src, diag.preferred_fix.edits())
    assert out.endswith(
        "async def start(response: Response):\n    return JSONResponse(\n        {'queued': True},\n"
        "        headers={'x-job': '1'},\n        status_code=202,\n    )\n"
    )


def test_no_fix_when_the_status_is_overwritten_or_the_response_has_one():
    twice = (
        HEAD + "@router.post('/jobs')\ndef start(response: Response, fast: bool):\n    response.status_code = 202\n"
        "    if fast:\n        response.status_code = 201\n    return JSONResponse({})\n"
    )
    assert [d.fixes for d in found(twice)] == [[], []]
    own = HEAD + "@router.post('/jobs')\ndef start(response: Response):\n    response.status_code = 202\n    return JSONResponse({}, 200)\n"
    (diag,) = found(own)
    assert diag.fixes == [] and "receives 200 OK" in diag.message


def test_no_fix_inside_a_loop_that_returns_before_the_assignment_runs():
    src = (
        HEAD + "@router.post('/jobs')\ndef start(response: Response, items: list):\n    for item in items:\n"
        "        if item:\n            return JSONResponse({})\n        response.status_code = 202\n    return JSONResponse({'empty': True})\n"
    )
    diags = found(src)
    assert len(diags) == 1 and diags[0].fixes == []


def test_silent_when_a_path_falls_off_the_end_or_returns_data():
    src = (
        HEAD + "@router.delete('/jobs/{i}')\ndef stop(i: int, response: Response):\n    response.status_code = 204\n"
        "    if i < 0:\n        return JSONResponse({'bad': i}, status_code=400)\n"
    )
    assert found(src) == []


def test_one_diagnostic_for_a_handler_registered_twice():
    src = (
        HEAD + "@router.post('/jobs')\n@router.post('/jobs/')\ndef start(response: Response):\n"
        "    response.status_code = 202\n    return JSONResponse({})\n"
    )
    assert len(found(src)) == 1
