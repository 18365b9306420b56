"""FST306 beyond its examples: what a message can be, what a "not found" must name, the fix."""

from __future__ import annotations

from rule_testing import finder, fixer

found = finder("FST306")
fixed = fixer("FST306")

HEAD = "from fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n"


def test_the_segment_before_an_id_names_what_is_missing():
    src = HEAD + "@router.get('/teams/{id}')\ndef read(id: int):\n    raise HTTPException(400, detail='Team not found')\n"
    [d] = found(src)
    assert d.message == (
        'the message says not found ("Team not found") but the status is 400 Bad Request: '
        "the client should receive 404 Not Found"
    )
    assert (d.range.start.line, d.range.start.col) == (5, 24)  # the status argument


def test_an_rpc_style_body_reference_is_left_alone():
    src = HEAD + (
        "@router.post('/team/delete')\ndef delete_team(data: dict):\n"
        "    raise HTTPException(400, detail={'error': f\"Team doesn't exist. Got={data['team_id']}\"})\n"
    )
    assert found(src) == []


def test_format_and_a_dict_detail():
    src = HEAD + (
        "@router.delete('/keys/{key_id}')\ndef delete_key(key_id: str):\n"
        "    raise HTTPException(status.HTTP_400_BAD_REQUEST, {'error': 'Key {} does not exist'.format(key_id)})\n"
    )
    assert "status.HTTP_404_NOT_FOUND, {'error'" in fixed(src)


def test_a_dependency_answers_requests_too():
    src = HEAD.replace("status\n", "status, Depends\n") + (
        "def admin(user=Depends(current_user)):\n"
        "    if not user.is_admin:\n        raise HTTPException(401, 'Admin access required')\n"
    )
    assert "raise HTTPException(403, 'Admin access required')" in fixed(src)


def test_a_status_that_matches_or_is_unknown_is_silent():
    src = HEAD + (
        "@router.get('/items/{item_id}')\ndef read(item_id: int, code: int):\n"
        "    if code:\n        raise HTTPException(code, 'Item not found')\n"
        "    raise HTTPException(status.HTTP_404_NOT_FOUND, 'Item not found')\n"
    )
    assert found(src) == []


def test_noqa():
    src = HEAD + (
        "@router.get('/items/{item_id}')\ndef read(item_id: int):\n"
        "    raise HTTPException(400, 'Item not found')  # noqa: FST306\n"
    )
    assert found(src) == []
