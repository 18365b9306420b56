"""FST202 beyond its examples: the contract that admits null, what counts as a lookup, the
message against what FastAPI really answers, and the fix's detail."""

from __future__ import annotations

import pytest
from fastapi_status.core.analyze import analyze
from rule_testing import ALL, finder, fixer

found = finder("FST202")
fixed = fixer("FST202")
HEAD = "from typing import Any, Dict, List, Optional, Union\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"


def lookup(returns: str = "", decorator: str = "@router.get('/users/{i}')", test: str = "user is None",
           value: str = "repo.get(i)", name: str = "user") -> str:
    return (
        HEAD + f"{decorator}\ndef read(i: int){returns}:\n    {name} = {value}\n"
        f"    if {test}:\n        return None\n    return {name}\n"
    )


@pytest.mark.parametrize(
    "returns",
    [" -> Optional[dict]", " -> dict | None", " -> None | dict", " -> Union[dict, None]", " -> 'dict | None'",
     " -> Any", " -> 'typing.Optional[User]'", " -> Annotated[Optional[User], 'x']"],
)
def test_a_contract_that_admits_null_is_silent(returns):
    assert found(lookup(returns)) == []


@pytest.mark.parametrize("returns", [" -> dict", " -> Dict[str, Any]", " -> 'User'", " -> List[Optional[int]]"])
def test_a_contract_that_does_not_admit_null_is_flagged(returns):
    assert len(found(lookup(returns))) == 1


def test_response_model_wins_over_the_annotation():
    assert found(lookup(" -> Optional[dict]", "@router.get('/u/{i}', response_model=dict)")) != []
    assert found(lookup(" -> dict", "@router.get('/u/{i}', response_model=Optional[dict])")) == []
    assert found(lookup(" -> dict", "@router.get('/u/{i}', response_model=None)")) == []


def test_a_module_alias_of_optional_is_followed():
    src = HEAD.replace("router = APIRouter()\n", "router = APIRouter()\nMaybeUser = Optional[dict]\n")
    src += "@router.get('/u/{i}')\ndef read(i: int) -> MaybeUser:\n    user = repo.get(i)\n    if user is None:\n        return None\n    return user\n"
    assert found(src) == []


@pytest.mark.parametrize(
    "value,test,name",
    [
        ("request.cookies.get('sid')", "user is None", "user"),  # the request, not a stored thing
        ("os.environ.get('USER')", "user is None", "user"),
        ("settings.get('default_user')", "user is None", "user"),
        ("repo.get(i) if i else None", "user is None", "user"),  # computed, not looked up
        ("db.query(User).all()", "not users", "users"),  # an empty list
        ("db.query(User).filter_by(team=i).all()", "not user", "user"),
        ("repo.get(i)", "user is None and strict", "user"),  # not only absence leads there
        ("repo.get(i)", "other is None", "user"),
    ],
)
def test_not_a_missing_lookup(value, test, name):
    assert found(lookup(value=value, test=test, name=name)) == []


def test_the_status_the_client_really_gets_is_in_the_message():
    (plain,) = found(lookup())
    assert "200 OK with `null`" in plain.message
    (modelled,) = found(lookup(" -> dict"))
    assert "500 Internal Server Error" in modelled.message
    (created,) = found(lookup(decorator="@router.put('/users/{i}', status_code=202)"))
    assert "202 Accepted with `null`" in created.message


def test_observed_in_fastapi():
    """What the message claims: 200 null without a model, 500 with one that rejects None."""
    FastAPI = pytest.importorskip("fastapi").FastAPI
    TestClient = pytest.importorskip("fastapi.testclient").TestClient

    app = FastAPI()

    @app.get("/plain/{i}")
    def plain(i: int):
        return None

    @app.get("/model/{i}")
    def model(i: int) -> dict:
        return None  # type: ignore[return-value]

    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/plain/1")
    assert (r.status_code, r.text) == (200, "null")
    assert client.get("/model/1").status_code == 500


def test_fix_detail_is_named_after_the_variable_and_quoted_like_the_module():
    src = lookup(name="db_user", test="db_user is None").replace("'", '"')
    assert 'raise HTTPException(status_code=404, detail="User not found")' in fixed(src)
    src = lookup(name="current_order_row", test="not current_order_row")
    assert "detail='Order not found'" in fixed(src)


def test_search_loop_variants():
    loop = HEAD + "@router.get('/items/{k}')\nasync def item(k: str):\n    async for item in stream():\n" \
        "        if item.key == k:\n            return item\n    return None\n"
    assert "detail='Item not found'" in fixed(loop)
    # A loop that does not return what it iterates is not a search.
    other = HEAD + "@router.get('/items/{k}')\ndef item(k: str):\n    for part in parts():\n" \
        "        if part == k:\n            return {'found': True}\n    return None\n"
    assert found(other) == []


def test_one_diagnostic_per_return_and_fst201_stays_out():
    src = lookup()
    assert [d.code for d in analyze(src, ALL).diagnostics if d.code.startswith("FST2")] == ["FST202"]
