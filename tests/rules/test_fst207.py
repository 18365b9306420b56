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
        "    try:\n        n = int(limit)\n    except ValueError:\n        n = 10\n"
        "    def later():\n        return int(limit)\n    return {'n': n}\n"
    )
    assert found(src) == []


def test_a_try_that_only_cleans_up_decides_nothing():
    # (chainlit's upload: the asserts run inside `try: … finally: await file.close()`.)
    src = HEAD + (
        "@router.get('/x')\ndef x(limit: str = '10'):\n"
        "    try:\n        n = int(limit)\n    except HTTPException:\n        raise\n"
        "    try:\n        m = int(limit)\n    finally:\n        pass\n    return {'n': n + m}\n"
    )
    assert [d.range.start.line for d in found(src)] == [6]  # (one finding per handler and message)


def test_client_text_taken_apart_then_converted():
    # (phoenix: a cursor decoded with GlobalID.from_id, its node id converted with int().)
    src = HEAD + (
        "@router.get('/x')\ndef x(cursor: str = None):\n"
        "    if cursor:\n        try:\n            gid = GlobalID.from_id(cursor)\n"
        "        except ValueError:\n            raise HTTPException(400)\n"
        "        before = int(gid.node_id)\n    return {}\n"
    )
    [d] = found(src)
    assert "int(gid.node_id)" in d.message
    # No type to declare: the fix answers 400 for it.
    [fix] = d.fixes
    assert fix.title.startswith("Answer 400") and any("except ValueError as exc" in e.content for e in fix.edits())
    # Checked first: silent.
    checked = src.replace("        before = int(gid.node_id)", "        before = int(gid.node_id) if gid.node_id.isdigit() else 0")
    assert found(checked) == []


def test_a_lookup_result_is_not_the_clients_text():
    src = HEAD + (
        "@router.get('/x/{key}')\ndef x(key: str):\n"
        "    row = repo.get(key)\n    return {'n': int(row.count), 'v': TABLE[row.name]}\n"
    )
    assert found(src) == []


def test_a_key_the_client_names_on_a_local_mapping():
    # (gradio: `full_api_info["named_endpoints"]["/" + api_name]`.)
    src = HEAD + (
        "@router.get('/info/{api_name}')\ndef info(api_name: str):\n"
        "    full = load_info()\n    return full['named_endpoints']['/' + api_name]\n"
    )
    [d] = found(src)
    assert "KeyError" in d.message
    tested = src.replace("    return full", "    if '/' + api_name not in full['named_endpoints']:\n        raise HTTPException(404)\n    return full")
    assert found(tested) == []


def test_a_body_read_by_hand_validated_by_a_model():
    # (litellm: `Update(**raw)` of `await request.json()`, which pydantic rejects with a 500.)
    src = HEAD + (
        "@router.patch('/org/update')\nasync def update(request: Request):\n"
        "    raw = normalise(await request.json())\n    data = OrgUpdate(**raw)\n    return data\n"
    )
    messages = [d.message for d in found(src)]
    assert any("OrgUpdate" in m and "ValidationError" in m for m in messages)


def test_a_module_that_maps_valueerror_is_left_alone():
    src = "from fastapi import FastAPI\napp = FastAPI(exception_handlers={ValueError: to_422})\n" + (
        "@app.get('/x')\ndef x(limit: str = '10'):\n    return {'limit': int(limit)}\n"
    )
    assert found(src) == []
