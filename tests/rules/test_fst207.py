"""FST207 beyond its examples: what counts as the client's text, what protects it, the fix."""

from __future__ import annotations

from rule_testing import finder, fixer

found = finder("FST207")
fixed = fixer("FST207")

HEAD = "from fastapi import APIRouter, Header, Query\nrouter = APIRouter()\n"


def test_a_header_and_an_annotated_query_are_text_too():
    src = HEAD + (
        "@router.get('/x')\ndef x(limit: str = Query('10'), version: str | None = Header(None)):\n"
        "    return {'limit': float(limit), 'v': int(version) if version else 0}\n"
    )
    assert len(found(src)) == 2


def test_the_fix_keeps_the_default_and_drops_the_conversion():
    src = HEAD + "@router.get('/x')\ndef x(limit='10'):\n    return {'limit': int(limit)}\n"
    assert "def x(limit: int = 10):\n    return {'limit': limit}\n" in fixed(src)


def test_no_fix_when_the_parameter_is_used_as_text_elsewhere():
    src = HEAD + "@router.get('/x')\ndef x(limit: str = '10'):\n    print(limit.strip())\n    return {'limit': int(limit)}\n"
    [d] = found(src)
    assert d.fixes == []


def test_no_fix_for_uuid_that_is_not_imported_under_that_name():
    src = "import uuid\n" + HEAD + "@router.get('/c/{cid}')\ndef c(cid: str):\n    return {'c': uuid.UUID(cid)}\n"
    [d] = found(src)
    assert d.fixes == [] and "declare `cid: UUID`" in d.message


def test_a_try_decides_and_a_nested_function_is_not_the_handler():
    src = HEAD + (
        "@router.get('/x')\ndef x(limit: str = '10'):\n"
        "    try:\n        n = int(limit)\n    finally:\n        pass\n"
        "    def later():\n        return int(limit)\n    return {'n': n}\n"
    )
    assert found(src) == []


def test_a_module_that_maps_valueerror_is_left_alone():
    src = "from fastapi import FastAPI\napp = FastAPI(exception_handlers={ValueError: to_422})\n" + (
        "@app.get('/x')\ndef x(limit: str = '10'):\n    return {'limit': int(limit)}\n"
    )
    assert found(src) == []
