"""FST204 beyond its examples: ranges, the fix's imports and layout, idempotence, neighbours."""

from __future__ import annotations

from fastapi_status.core.analyze import analyze
from rule_testing import ALL, finder, fixer

found = finder("FST204")
fixed = fixer("FST204")


ROUTE = (
    "from fastapi import APIRouter, HTTPException\n"
    "router = APIRouter()\n"
    "@router.get('/items/{item_id}')\n"
    "async def read(item_id: int):\n"
    "    try:\n"
    "        item = await load(item_id)\n"
    "        if item is None:\n"
    "            raise HTTPException(404, detail='Item not found')\n"
    "        return item\n"
    "    except Exception as exc:\n"
    "        raise HTTPException(500, detail=str(exc)) from exc\n"
)


def test_range_is_the_clause_header_and_related_is_the_raise():
    (diag,) = found(ROUTE)
    assert (diag.range.start.line, diag.range.start.col) == (10, 4)
    assert (diag.range.end.line, diag.range.end.col) == (10, len("    except Exception as exc"))
    assert [(r.range.start.line, r.range.start.col) for r in diag.related] == [(8, 12)]
    assert "404 Not Found" in diag.message and "500 Internal Server Error" in diag.message


def test_fix_uses_the_name_in_scope_and_adds_no_import():
    out = fixed(ROUTE)
    assert out.count("import") == 1
    assert "        return item\n    except HTTPException:\n        raise\n    except Exception as exc:\n" in out


def test_fix_is_idempotent_and_other_rules_stay_quiet():
    out = fixed(ROUTE)
    assert [d.code for d in analyze(out, ALL).diagnostics if d.code in ("FST203", "FST204")] == []


def test_import_is_added_to_the_existing_fastapi_import():
    src = (
        "from fastapi import APIRouter, Request, exceptions\n"
        "class Missing(exceptions.HTTPException):\n    pass\n"
        "def find(x):\n    if x is None:\n        raise Missing(404)\n    return x\n"
        "def route(x, request: Request):\n    try:\n        return find(x)\n    except Exception:\n        raise RuntimeError('failed')\n"
    )
    out = fixed(src)
    assert out.startswith("from fastapi import APIRouter, Request, exceptions, HTTPException\n")
    assert "    except HTTPException:\n        raise\n    except Exception:\n" in out


def test_an_alias_of_starlettes_class_is_reused():
    src = (
        "from starlette.exceptions import HTTPException as StarletteHTTPException\n"
        "from starlette.requests import Request\n"
        "class Missing(StarletteHTTPException):\n    pass\n"
        "def route(x, request: Request):\n    try:\n        raise Missing(404)\n    except BaseException as e:\n        raise ValueError(str(e))\n"
    )
    out = fixed(src)
    assert "    except StarletteHTTPException:\n        raise\n    except BaseException as e:\n" in out
    assert out.count("import") == 2


def test_crlf_and_comments_are_kept():
    src = ROUTE.replace("    except Exception as exc:\n", "    # the rest is ours\n    except Exception as exc:  # noqa: BLE001\n")
    src = src.replace("\n", "\r\n")
    out = fixed(src)
    assert "\r\n    except HTTPException:\r\n        raise\r\n    # the rest is ours\r\n    except Exception as exc:  # noqa: BLE001\r\n" in out
    assert "\n" not in out.replace("\r\n", "")


def test_except_star_is_flagged_without_a_fix():
    src = (
        "from fastapi import HTTPException, Request\n"
        "def f(x, request: Request):\n    try:\n        raise HTTPException(404)\n    except* Exception:\n        raise RuntimeError('x')\n"
    )
    (diag,) = found(src)
    assert diag.fixes == []


def test_a_fallback_return_in_the_handler_is_left_to_fst203():
    src = ROUTE.replace("        raise HTTPException(500, detail=str(exc)) from exc\n", "        return {'error': str(exc)}\n")
    assert found(src) == []


def test_noqa_silences_it():
    src = ROUTE.replace("    except Exception as exc:\n", "    except Exception as exc:  # noqa: FST204\n")
    assert found(src) == []


def test_a_module_without_fastapi_is_not_checked():
    src = ROUTE.replace("from fastapi import APIRouter, HTTPException\n", "from myweb import APIRouter, HTTPException\n")
    assert found(src) == []


def test_a_raise_in_an_inner_broad_try_is_judged_there_only():
    src = (
        "from fastapi import HTTPException, Request\n"
        "def f(x, request: Request):\n"
        "    try:\n"
        "        try:\n            raise HTTPException(404)\n        except Exception:\n            raise RuntimeError('inner')\n"
        "    except Exception:\n        raise RuntimeError('outer')\n"
    )
    (diag,) = found(src)
    assert diag.range.start.line == 6  # the inner clause


HELPER_AND_RAISE = (
    "from fastapi import HTTPException, Request\n"
    "def check_budget(spend):\n"
    "    if spend > 10:\n"
    "        raise HTTPException(402)\n"
    "def route(key, spend, request: Request):\n"
    "    try:\n"
    "        if key is None:\n"
    "            raise HTTPException(401)\n"
    "        check_budget(spend)\n"
    "    except Exception as exc:\n"
    "        raise HTTPException(500) from exc\n"
)


def test_a_helper_call_and_a_raise_in_one_try_are_both_swallowed():
    (diag,) = found(HELPER_AND_RAISE)
    assert "401 Unauthorized" in diag.message and "402 Payment Required" in diag.message
    assert [(r.range.start.line, r.message) for r in diag.related] == [(8, "the HTTPException that is swallowed")]


def test_a_helper_called_outside_the_try_adds_nothing_to_it():
    src = HELPER_AND_RAISE.replace("        check_budget(spend)\n", "        pass\n") + "check_budget(1)\n"
    (diag,) = found(src)
    assert "401 Unauthorized" in diag.message and "402" not in diag.message


def test_a_helper_is_judged_where_a_route_calls_it():
    """A function that is no route and takes nothing FastAPI provides: its callers decide what
    the client receives (seen on real code: a helper whose every caller answers 500 anyway)."""
    src = HELPER_AND_RAISE.replace("def route(key, spend, request: Request):", "def route(key, spend):")
    assert found(src) == []
    routed = src.replace("def route(key, spend):", "@router.post('/spend')\ndef route(key, spend):").replace(
        "from fastapi import HTTPException, Request\n", "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
    )
    assert len(found(routed)) == 1


def test_a_raise_inside_an_expression_free_block_of_the_try_is_found():
    # The raises sit in statements nested in `with`, `for`, `match` and `else` blocks.
    src = (
        "from fastapi import HTTPException, Request\n"
        "def route(items, lock, request: Request):\n"
        "    try:\n"
        "        with lock:\n"
        "            for item in items:\n"
        "                match item:\n"
        "                    case None:\n"
        "                        raise HTTPException(404)\n"
        "                    case _:\n"
        "                        pass\n"
        "            else:\n"
        "                raise HTTPException(409)\n"
        "    except Exception as exc:\n"
        "        raise HTTPException(500) from exc\n"
    )
    (diag,) = found(src)
    assert "404 Not Found" in diag.message and "409 Conflict" in diag.message
