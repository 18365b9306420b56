"""FST203 beyond its examples: what an error answer is in an `except`, the related range, the
status and cause of the fix, and its neighbours FST201 and FST204."""

from __future__ import annotations

import pytest
from fastapi_status.core.analyze import analyze
from fastapi_status.core.diagnostics import apply_edits
from rule_testing import ALL, finder, fixer

found = finder("FST203")
fixed = fixer("FST203")
HEAD = "from fastapi import APIRouter, HTTPException\nfrom fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse\nrouter = APIRouter()\n"


def handler(clause: str, answer: str, decorator: str = "@router.get('/reports/{i}')") -> str:
    return (
        HEAD + f"{decorator}\nasync def report(i: int):\n    try:\n        return await build(i)\n"
        f"    {clause}:\n        {answer}\n"
    )


@pytest.mark.parametrize(
    "answer",
    [
        "return {'error': str(e)}",
        "return {'detail': f'Report failed: {e}'}",
        "return {'message': 'Could not build: ' + str(e)}",
        "return {'ok': False}",
        "return {'status': 'error', 'message': 'Internal error'}",
        "return str(e)",
        "return f'Error: {e}'",
        "return repr(e)",
        "return JSONResponse({'error': repr(e)})",
        "return PlainTextResponse(str(e))",
        "return {'result': None, 'error': str(e)}",
    ],
)
def test_error_answers(answer):
    assert len(found(handler("except Exception as e", answer))) == 1


@pytest.mark.parametrize(
    "answer",
    [
        "return []",
        "return None",
        "return False",
        "return {'items': [], 'error': str(e)}",  # degraded: the data keys kept with fallbacks
        "return {'count': 0}",
        "return {'status': 'ok', 'warning': str(e)}",  # a warning is not an error
        "return {'valid': False, 'error': str(e)}",  # a yes/no answer
        "return {'id': e.existing_id}",
        "return 'unknown'",
        "return JSONResponse({'error': str(e)}, status_code=502)",
        "return JSONResponse({'error': str(e)}, status)",
        "return {'message': f'Already done ({e})'}",
    ],
)
def test_not_error_answers(answer):
    assert found(handler("except Exception as e", answer)) == []


@pytest.mark.parametrize(
    "decorator",
    ["@router.get('/health')", "@router.post('/webhooks/stripe')", "@router.post('/connections/test')",
     "@router.get('/x', status_code=500)", "@router.get('/x', response_class=HTMLResponse)"],
)
def test_routes_left_alone(decorator):
    assert found(handler("except Exception as e", "return {'error': str(e)}", decorator)) == []


def test_range_is_the_return_and_related_is_the_clause_header():
    (diag,) = found(handler("except (KeyError, ValueError) as err", "return {'error': str(err)}"))
    assert (diag.range.start.line, diag.range.start.col) == (9, 8)
    [related] = diag.related
    assert (related.range.start.line, related.range.start.col) == (8, 4)
    assert (related.range.end.line, related.range.end.col) == (8, len("    except (KeyError, ValueError) as err"))
    assert "200 OK" in diag.message


def test_a_status_set_on_the_path_or_handed_off_silences():
    src = HEAD + "@router.get('/x')\ndef x(response: Response):\n    try:\n        return load()\n" \
        "    except Exception as e:\n        mark_failed(response)\n        return {'error': str(e)}\n"
    assert found(src.replace("APIRouter, HTTPException", "APIRouter, HTTPException, Response")) == []


@pytest.mark.parametrize(
    "clause,code",
    [
        ("except Exception as e", 500),
        ("except ValueError as e", 500),  # may be the server's own bug: no guess
        ("except KeyError as e", 500),
        ("except ItemNotFound as e", 404),
        ("except orm.exc.NoResultFound as e", 404),
        ("except IntegrityError as e", 409),
        ("except PermissionError as e", 403),
        ("except ValidationError as e", 422),
        ("except httpx.ReadTimeout as e", 504),
        ("except (ItemNotFound, IntegrityError) as e", 500),  # they disagree
    ],
)
def test_fix_status_from_the_exception_type(clause, code):
    out = fixed(handler(clause, "return {'error': str(e)}"))
    assert f"raise HTTPException(status_code={code}, detail=str(e)) from e" in out


def test_fix_status_from_the_message_wins():
    out = fixed(handler("except IntegrityError as e", "return {'detail': f'User not found ({e})'}"))
    assert "raise HTTPException(status_code=404, detail=f'User not found ({e})') from e" in out


def test_fix_without_a_bound_name_has_no_cause():
    out = fixed(handler("except Exception", "return {'success': False, 'message': 'Report failed'}"))
    assert out.endswith("        raise HTTPException(status_code=500, detail='Report failed')\n")


def test_fix_through_a_local_keeps_the_expression_and_drops_the_assignment():
    src = HEAD + "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception as exc:\n" \
        "        payload = {'error': f'Load failed: {exc}'}  # for the UI\n        return payload\n"
    out = fixed(src)
    assert "payload" not in out
    assert out.endswith("    except Exception as exc:\n        raise HTTPException(status_code=500, detail=f'Load failed: {exc}') from exc\n")


def test_a_caught_httpexception_is_re_raised_but_not_a_mixed_clause():
    out = fixed(handler("except HTTPException as e", "return {'detail': e.detail}"))
    assert out.endswith("    except HTTPException as e:\n        raise\n")
    out = fixed(handler("except (HTTPException, ValueError) as e", "return {'detail': str(e)}"))
    assert "raise HTTPException(status_code=500, detail=str(e)) from e" in out


def test_neighbours_fst201_and_fst204():
    # The swallowed 404 is answered with a 200 body: FST203's problem, not FST204's (which
    # judges handlers that raise) nor FST201's (which leaves returns in `except` alone).
    src = HEAD + "@router.get('/x/{i}')\ndef x(i: int):\n    try:\n        if i < 0:\n" \
        "            raise HTTPException(404, 'Item not found')\n        return load(i)\n" \
        "    except Exception as e:\n        return {'error': str(e)}\n"
    assert [d.code for d in analyze(src, ALL).diagnostics if d.code.startswith("FST2")] == ["FST203"]


def test_nested_try_in_the_clause_counts_as_the_clause():
    src = HEAD + "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception as e:\n" \
        "        try:\n            rollback()\n        except Exception:\n            pass\n" \
        "        return {'error': str(e)}\n"
    (diag,) = found(src)
    assert "from e" in apply_edits(src, diag.preferred_fix.edits())


def test_a_text_body_through_a_local():
    src = HEAD + "@router.get('/x')\ndef x():\n    try:\n        return load()\n    except Exception as exc:\n" \
        "        msg = f'Load failed: {exc}'\n        return msg\n"
    out = fixed(src)
    assert out.endswith("    except Exception as exc:\n        raise HTTPException(status_code=500, detail=f'Load failed: {exc}') from exc\n")
