"""FST201 beyond its examples: reading failure text, ranges, one diagnostic per problem, the
fix's status, detail and imports, and the routes that put errors in a 2xx body on purpose."""

from __future__ import annotations

import pytest
from fastapi_status.core.analyze import Settings
from fastapi_status.core.payloads import infer_status, reads_as_failure
from fastapi_status.rules import RULES_BY_CODE
from rule_testing import finder, fixer

found = finder("FST201")
fixed = fixer("FST201", clean=("FST201", "FST202", "FST203"))
HEAD = "from fastapi import APIRouter\nrouter = APIRouter()\n"


def route(body: str, decorator: str = "@router.get('/items/{i}')", head: str = HEAD) -> str:
    return head + decorator + "\ndef read(i: int):\n" + body


# -- reading a message ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Item not found",
        "User could not be found",
        "Invalid credentials",
        "Email already exists",
        "Login failed",
        "Failed to save the order",
        "Token expired.",
        "Permission denied",
        "Name is required",
        "An error occurred",
        "Cannot delete a running job",
        "Error: no such file",
        "Rate limit exceeded",
    ],
)
def test_failure_wording(text):
    assert reads_as_failure(text)


@pytest.mark.parametrize(
    "text",
    [
        "API key deleted",
        "No errors found",
        "Import finished without errors",
        "Nothing failed",
        "3 failed",
        "\u2026 errors",  # an f-string's `{n} errors`
        "Cache invalidated",
        "Expired sessions purged",
        "Retried the failed jobs",
        "If the email is not found, no message is sent",
        "Error report received",
        "Error rate reset to zero",
        "Settings updated successfully",
        "Missing fields were filled with defaults, saved",
        "Deleted",
        "",
    ],
)
def test_not_failure_wording(text):
    assert not reads_as_failure(text)


@pytest.mark.parametrize(
    "text,code",
    [
        ("Item not found", 404),
        ("Invalid credentials", 401),
        ("Invalid API key", 401),
        ("Session expired", 401),
        ("Permission denied", 403),
        ("Not authorized to edit this team", 403),
        ("User already exists", 409),
        ("Too many requests", 429),
        ("Invalid email", 400),
        ("Coupon expired", 400),
        ("Quota reached", None),
    ],
)
def test_inferred_status(text, code):
    assert infer_status(text, uses_422=False) == code


def test_validation_wording_is_422_when_the_module_answers_422():
    assert infer_status("Name is required", uses_422=True) == 422
    assert infer_status("Item not found", uses_422=True) == 404


# -- the diagnostic -----------------------------------------------------------------------------


def test_range_is_the_return_statement_and_message_names_the_status():
    src = route("    if i:\n        return {'error': 'Item not found'}\n    return {'id': i}\n",
                "@router.post('/items/{i}', status_code=201)")
    (diag,) = found(src)
    assert (diag.range.start.line, diag.range.start.col) == (6, 8)
    assert (diag.range.end.line, diag.range.end.col) == (6, len("        return {'error': 'Item not found'}"))
    assert "201 Created" in diag.message and '"error"' in diag.message


def test_a_handler_on_two_routes_is_flagged_once():
    src = HEAD + "@router.get('/a/{i}')\n@router.get('/b/{i}')\ndef read(i: int):\n    return {'error': 'Item not found'}\n"
    assert len(found(src)) == 1


def test_a_return_in_except_is_fst203_only():
    src = route("    try:\n        return load(i)\n    except KeyError:\n        return {'error': 'Item not found'}\n")
    assert found(src) == []
    assert len(found(src, "FST203")) == 1


def test_unresolvable_or_error_status_is_silent():
    body = "    return {'error': 'Item not found'}\n"
    assert found(route(body, "@router.get('/items/{i}', status_code=CODE)")) == []
    assert found(route(body, "@router.get('/items/{i}', status_code=404)")) == []


def test_status_code_on_the_response_in_any_form_silences():
    head = HEAD + "from fastapi.responses import JSONResponse\n"
    for call in ("JSONResponse({'error': 'x'}, 404)", "JSONResponse({'error': 'x'}, status_code=code)",
                 "JSONResponse({'error': 'x'}, **kwargs)"):
        assert found(route(f"    return {call}\n", head=head)) == [], call
    assert len(found(route("    return JSONResponse(content={'error': 'x'})\n", head=head))) == 1


def test_a_local_used_elsewhere_is_not_followed():
    body = "    body = {'error': 'Item not found'}\n    log(body)\n    return body\n"
    assert found(route(body)) == []
    body = "    body = {'error': 'Item not found'}\n    body = {}\n    return body\n"
    assert found(route(body)) == []
    body = "    for body in []:\n        pass\n    body = {'error': 'Item not found'}\n    return body\n"
    assert found(route(body)) == []


def test_a_local_is_followed_through_nested_blocks_but_not_into_nested_functions():
    body = "    if i:\n        try:\n            body = {'error': 'Item not found'}\n            return body\n        finally:\n            pass\n    return {}\n"
    assert len(found(route(body))) == 1
    body = "    def inner():\n        body = {'error': 'Item not found'}\n    body = load(i)\n    return body\n"
    assert found(route(body)) == []
    body = "    class Inner:\n        body = {'error': 'Item not found'}\n    return body\n"
    assert found(route(body)) == []
    body = "    body: dict = {'error': 'Item not found'}\n    return body\n"
    assert len(found(route(body))) == 1


def test_a_parameter_named_like_the_local_is_not_followed():
    src = HEAD + "@router.post('/x')\ndef x(body: dict):\n    if not body:\n        body = {'error': 'Empty'}\n    return body\n"
    assert found(src) == []


# -- routes that answer errors with 2xx on purpose --------------------------------------------------


@pytest.mark.parametrize(
    "decorator,extra",
    [
        ("@router.post('/stripe/events')", ""),
        ("@router.post('/github')", "    sig = request.headers['X-Hub-Signature-256']\n"),
        ("@router.post('/events')", "    '''Webhook for the billing provider.'''\n"),
        ("@router.post('/graphql')", ""),
        ("@router.post('/in', response_model=Item | ErrorResponse)", ""),
        ("@router.post('/login')\n@templates.render('login.html')", ""),
    ],
)
def test_errors_in_the_body_on_purpose(decorator, extra):
    src = HEAD + decorator + "\nasync def receive(request: Request):\n" + extra + "    return {'error': 'Invalid payload'}\n"
    assert found(src) == []


def test_reporting_routes_flag_only_a_bare_not_found():
    assert found(route("    return {'valid': False, 'message': 'Invalid token'}\n", "@router.post('/tokens/verify')")) == []
    assert found(route("    return {'status': 'error', 'error': 'Redis not found'}\n", "@router.get('/health')")) == []
    assert found(route("    return {'message': 'Invalid coupon'}\n", "@router.post('/coupons/check')")) == []
    assert len(found(route("    return {'detail': 'Job not found'}\n", "@router.get('/jobs/{i}/status')"))) == 1


def test_a_template_context_is_a_page():
    src = route("    return {'request': request, 'error': 'Invalid password'}\n")
    assert found(src) == []


# -- the fix ------------------------------------------------------------------------------------------


def test_fix_keeps_the_comment_and_adds_the_import_after_the_last_one():
    src = (
        '"""Items."""\nimport logging\nfrom fastapi import APIRouter\nrouter = APIRouter()\n'
        "@router.get('/items/{i}')\ndef read(i: int):\n"
        "    if i < 0:\n        return {'error': 'Item not found'}  # legacy\n    return {'id': i}\n"
    )
    out = fixed(src)
    assert out.startswith('"""Items."""\nimport logging\nfrom fastapi import APIRouter, HTTPException\n')
    assert "        raise HTTPException(status_code=404, detail='Item not found')  # legacy\n" in out


def test_fix_names_httpexception_through_what_the_module_binds():
    body = "@router.get('/x')\ndef x():\n    return {'success': False, 'message': 'Invalid state'}\n"
    out = fixed("import fastapi.responses\nrouter = fastapi.APIRouter()\n" + body)
    assert out.count("import") == 1 and "raise fastapi.HTTPException(status_code=400, detail='Invalid state')" in out


def test_fix_does_not_duplicate_an_existing_import():
    src = route("    return {'error': 'Item not found'}\n", head="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n")
    out = fixed(src)
    assert out.count("HTTPException") == 2


def test_fix_uses_the_module_alias_and_status_constants():
    src = (
        "import fastapi\nfrom fastapi import status as http\nrouter = fastapi.APIRouter()\n"
        "@router.get('/x', status_code=http.HTTP_200_OK)\ndef x():\n    return {'detail': 'Not authenticated'}\n"
    )
    out = fixed(src)
    assert (  # (wrapped: the line would be longer than 88)
        "    raise fastapi.HTTPException(\n        status_code=http.HTTP_401_UNAUTHORIZED, detail='Not authenticated'\n    )\n"
    ) in out


def test_fix_writes_a_number_where_status_is_a_parameter():
    src = (
        "from fastapi import APIRouter, status\nrouter = APIRouter()\n"
        "@router.get('/x', status_code=status.HTTP_200_OK)\ndef x(status: str = ''):\n"
        "    return {'error': 'Item not found'}\n"
    )
    assert "raise HTTPException(status_code=404, detail='Item not found')" in fixed(src)


def test_constant_style_setting_imports_status_in_one_statement():
    settings = Settings(select=frozenset(RULES_BY_CODE), status_style="constant")
    src = route("    return {'error': 'Item not found'}\n")
    out = fixed(src, settings)
    assert out.startswith("from fastapi import APIRouter, HTTPException, status\n")
    assert "raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail='Item not found')" in out


def test_no_fix_when_httpexception_means_something_else():
    src = route("    HTTPException = None\n    return {'error': 'Item not found'}\n")
    (diag,) = found(src)
    assert diag.fixes == []
    src = HEAD + "class HTTPException(Exception):\n    pass\n@router.get('/x')\ndef x():\n    return {'error': 'Item not found'}\n"
    (diag,) = found(src)
    assert diag.fixes == []


def test_fix_removes_the_dead_local_only_in_the_same_block():
    body = "    if i:\n        body = {'ok': False, 'message': 'Invalid id'}\n        return body\n    return {'id': i}\n"
    out = fixed(route(body))
    assert "body =" not in out and "raise HTTPException(status_code=400, detail='Invalid id')" in out


def test_422_follows_the_module_not_a_comment():
    body = "    # answers 422 elsewhere\n    return {'message': 'Name is required'}\n"
    assert "status_code=400" in fixed(route(body))
    head = HEAD + "from fastapi.responses import JSONResponse\nBAD = JSONResponse({}, status_code=422)\n"
    assert "status_code=422" in fixed(route(body, head=head))


def test_structured_error_becomes_the_detail():
    body = "    return {'error': {'code': 'NOT_FOUND', 'message': 'Item not found'}}\n"
    out = fixed(route(body))
    assert (
        "    raise HTTPException(\n        status_code=404, detail={'code': 'NOT_FOUND', 'message': 'Item not found'}\n    )\n"
    ) in out


def test_fixing_twice_changes_nothing_more():
    src = route("    if i:\n        return {'error': 'Item not found'}\n    return {'id': i}\n")
    once = fixed(src)
    assert found(once) == []


def test_fix_adds_no_import_under_a_fastapi_star_import():
    src = "from fastapi import *\napp = FastAPI()\n@app.get('/i')\ndef read():\n    return {'error': 'Item not found'}\n"
    out = fixed(src)
    assert out.count("import") == 1
    assert "raise HTTPException(status_code=404" in out
