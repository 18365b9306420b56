"""FST301, FST302 and FST304: where a status is read, and where it is not."""

from __future__ import annotations

from fastapi_status.core.diagnostics import apply_edits
from rule_testing import finder

found = finder("FST301")


def test_fst301_every_position():
    src = (
        "from fastapi import APIRouter, FastAPI, HTTPException, Response\n"
        "from fastapi.responses import RedirectResponse\n"
        "app = FastAPI(responses={1000: {}})\nrouter = APIRouter()\n"
        "def listing(response: Response):\n    response.status_code = 99\n    return []\n"
        "router.add_api_route('/l', listing, status_code=700)\n"
        "app.include_router(router, responses={0: {}})\n"
        "def go():\n    return RedirectResponse('/x', 3070)\n"
        "def fail():\n    raise HTTPException(status_code=40)\n"
    )
    lines = sorted(d.range.start.line for d in found(src, "FST301"))
    assert lines == [3, 6, 8, 9, 11, 13]


def test_fst301_range_is_the_literal():
    src = "from fastapi import HTTPException\nraise HTTPException(status_code=4040, detail='x')\n"
    (diag,) = found(src, "FST301")
    assert (diag.range.start.col, diag.range.end.col) == (32, 36)
    assert "4040" in diag.message


def test_fst302_redirect_idioms_and_bare_statuses():
    quiet = [
        "raise HTTPException(303, headers={'Location': '/login'})",
        "raise HTTPException(status_code=304)",
        "raise HTTPException(204, headers={'x-empty': '1'})",
        "raise HTTPException(404)",
        "raise HTTPException(600)",  # FST301's
    ]
    for line in quiet:
        assert found(f"from fastapi import HTTPException\n{line}\n", "FST302") == [], line
    loud = {
        "raise HTTPException(200, 'done')": "200 with the error detail",
        "raise HTTPException(status_code=304, detail='Same email')": "a bare 304, without the detail,",
        "raise HTTPException(101)": "101",
        "raise HTTPException(302, detail='moved')": "302 with the error detail",
    }
    for line, words in loud.items():
        (diag,) = found(f"from fastapi import HTTPException\n{line}\n", "FST302")
        assert words in diag.message, (line, diag.message)


def test_fst304_string_fix_and_messages():
    src = "from fastapi import HTTPException\nraise HTTPException(' 404 ', detail='Missing')\n"
    (diag,) = found(src, "FST304")
    assert "string" in diag.message and "500 Internal Server Error" in diag.message
    assert apply_edits(src, diag.preferred_fix.edits()) == "from fastapi import HTTPException\nraise HTTPException(404, detail='Missing')\n"
    (flt,) = found("from fastapi import HTTPException\nraise HTTPException(404.0)\n", "FST304")
    assert "float" in flt.message and "h11" in flt.message


def test_fst304_no_fix_for_text_that_is_not_a_number():
    (diag,) = found("from fastapi import HTTPException\nraise HTTPException('NOT_FOUND')\n", "FST304")
    assert diag.fixes == []
    (frac,) = found("from fastapi.responses import JSONResponse\nr = JSONResponse({}, status_code=200.5)\n", "FST304")
    assert frac.fixes == []


def test_fst304_string_keys_of_responses_are_openapi():
    src = (
        "from fastapi import FastAPI\napp = FastAPI()\n"
        "@app.get('/x', responses={'404': {}, '4XX': {}, 'default': {}})\ndef x():\n    return 1\n"
    )
    assert found(src, "FST304") == []


def test_subclass_with_its_own_signature_only_reads_the_keyword():
    src = (
        "from fastapi import HTTPException\nfrom fastapi.responses import JSONResponse\n"
        "class Missing(HTTPException):\n    def __init__(self, what, status_code=404):\n"
        "        super().__init__(status_code, f'{what} not found')\n"
        "class Page(JSONResponse):\n    def __init__(self, items, page):\n        super().__init__({'items': items, 'page': page})\n"
        "a = Missing('1000')\nb = Missing('x', status_code='410')\nc = Page([], 0)\nd = Page([], 1000, status_code=1000)\n"
    )
    assert [d.range.start.line for d in found(src, "FST304")] == [10]
    assert [d.range.start.line for d in found(src, "FST301")] == [12]
