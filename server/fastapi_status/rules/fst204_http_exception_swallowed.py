from __future__ import annotations

import ast
import bisect
import builtins
from typing import Iterable, Iterator

from fastapi_status.core.callees import answers_requests, enclosing_function, module_functions
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import (
    Applicability,
    Diagnostic,
    Fix,
    FixNotApplicable,
)
from fastapi_status.core.index import cached_on, children, statement_children
from fastapi_status.core.messages import meaning_of, message_text
from fastapi_status.core.model import HTTP_EXCEPTION, ModuleModel, kwarg
from fastapi_status.core.project_routes import module_model
from fastapi_status.core.raises import callee, module_info
from fastapi_status.core.status_sites import raised_status
from fastapi_status.core.statuses import describe
from fastapi_status.fixes.cst import rewrite
from fastapi_status.fixes.imports import plan_references, references
from fastapi_status.fixes.lazy import cst
from fastapi_status.fixes.scope import shadowed
from fastapi_status.rules.base import Invalid, Rule

BROAD = {"Exception", "BaseException"}
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


_TRY_TYPES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)

class HttpExceptionSwallowed(Rule):
    """
    ## What it does
    Flags a broad `except Exception`, `except BaseException` or bare `except` around code that
    raises `HTTPException` (directly, or through a function of the same module), when no earlier
    `except HTTPException` clause lets it through and the broad handler does not re-raise it.

    Handlers that re-raise what they caught (`raise`, `raise exc`, a check of
    `isinstance(exc, HTTPException)`), read its `status_code`, or pass the exception on to a
    function that may keep its status (`raise to_http_error(exc)`; a built-in exception such as
    `ValueError(exc)` keeps none) are left alone, and so are handlers that answer with the very
    status that was raised, or that answer the same "not found" in their own words (a 404 of a
    lookup answered `400 "Team not found for team_id=…"` on purpose), or fall back without
    raising (`return []`, `pass`: FST203 judges an error body returned there). Module functions
    called by name are followed one level deep, and in a project (a folder with a
    `pyproject.toml`) so are the functions of other modules the `try` calls (`store.find_item(…)`,
    `from .store import find_item`); a raise inside an inner `try` that catches broadly is
    judged at that `try`.

    Only `try` blocks in functions that answer requests are judged: route handlers, and
    endpoints or dependencies by their parameters (`request: Request`, `Depends(...)`). In any
    other helper, what the client receives is decided by its callers (a route may catch what
    the helper raises, or answer 500 for everything anyway); the route's own `try` around the
    call is judged instead.

    ## Why is this bad?
    `HTTPException` is an `Exception`: the broad handler catches the 404 you raised and, usually,
    answers 500 instead. FastAPI then sends `500` with a body such as
    `{"detail": "404: Item not found"}` (observed): the client loses the real status.

    ## Example
    ```python
    try:
        item = await repo.get(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
    except Exception as exc:
        raise HTTPException(status_code=500, detail=str(exc))
    ```

    ## Use instead
    ```python
    try:
        item = await repo.get(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
    except HTTPException:
        raise
    except Exception as exc:
        raise HTTPException(status_code=500, detail=str(exc))
    ```

    ## Fix safety
    The fix is unsafe: clients then receive the status the `HTTPException` was raised with
    (say `404 Not Found`) instead of the one the broad `except` answered (`500`), which is what
    the `raise` meant, but a client or a test that expects the old status notices. Every other
    exception is handled as before.
    It names `HTTPException` as the swallowed `raise` does, or imports it. There is no fix for
    `except*`.
    """

    code = "FST204"
    name = "http-exception-swallowed"
    summary = "Broad `except` turns a raised HTTPException into a 500"
    fix_summary = "Insert `except HTTPException: raise` before it (unsafe)"

    VALID = [
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        if not x:\n"
        "            raise HTTPException(404)\n    except HTTPException:\n        raise\n"
        "    except Exception:\n        raise HTTPException(500)\n",
        # Re-raises what it caught.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(404)\n"
        "    except Exception as exc:\n        log(exc)\n        raise\n",
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(404)\n"
        "    except Exception as exc:\n        if isinstance(exc, HTTPException):\n            raise exc\n"
        "        raise HTTPException(500, detail=str(exc))\n",
        # Keeps the status, or hands the exception to a function that may.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(404)\n"
        "    except Exception as e:\n        raise HTTPException(getattr(e, 'status_code', 500), detail=str(e))\n",
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(404)\n"
        "    except Exception as e:\n        raise handle_exception(e)\n",
        # The handler answers with the status that was raised.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(p):\n    try:\n        if p.is_dir():\n"
        "            raise HTTPException(403, 'File not allowed')\n    except Exception as e:\n"
        "        raise HTTPException(403, 'File not allowed') from e\n",
        # A fallback: the handler neither raises nor returns.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "def load_team(t):\n    if t is None:\n        raise HTTPException(404)\n"
        "    return t\n@router.get('/x')\ndef f(t):\n    try:\n        team = load_team(t)\n    except Exception:\n"
        "        team = None\n    return team\n",
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(t):\n    try:\n        raise HTTPException(404)\n"
        "    except Exception:\n        return {'items': []}\n",
        # Narrow handlers do not catch HTTPException.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(404)\n"
        "    except ValueError:\n        raise HTTPException(400)\n",
        # The raise is outside the try, or in a nested function.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        y = int(x)\n    except Exception:\n"
        "        y = 0\n    if y < 0:\n        raise HTTPException(400)\n",
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        def cb():\n"
        "            raise HTTPException(404)\n        register(cb)\n    except Exception:\n        pass\n",
        # An inner try already lets it through.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        try:\n            raise HTTPException(404)\n"
        "        except HTTPException:\n            raise\n    except HTTPException:\n        raise\n"
        "    except Exception:\n        pass\n",
        # HTTPException is let through by an earlier clause that names it in a tuple.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(404)\n"
        "    except (HTTPException, KeyError):\n        raise\n    except Exception as exc:\n"
        "        raise HTTPException(500) from exc\n",
        # `load_user` is the imported function, not the method of the same name that raises.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\nfrom users import load_user\n"
        "class Repo:\n    def load_user(self, uid):\n        raise HTTPException(404)\n"
        "@router.get('/x')\ndef f(uid):\n    try:\n        return load_user(uid)\n    except Exception as exc:\n"
        "        raise RuntimeError('lookup failed') from exc\n",
        # The lookup's 404 answered, on purpose, as the same "not found" with another status
        # (the team's id is in the body: litellm's /key/generate).
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "def get_team(t):\n    if t is None:\n        raise HTTPException(404, 'Team does not exist')\n    return t\n"
        "@router.post('/keys')\ndef generate(team_id: str):\n    try:\n        team = get_team(team_id)\n"
        "    except Exception:\n        raise HTTPException(400, detail=f'Team not found for team_id={team_id}')\n"
        "    return {'team': team}\n",
        # The helper handles its own HTTPException; nothing escapes to the caller's try.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "def load(x):\n    try:\n        raise HTTPException(404)\n"
        "    except Exception:\n        return None\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        return load(x)\n"
        "    except Exception as exc:\n        raise HTTPException(500) from exc\n",
        # A helper (no route, no parameter FastAPI provides): its callers decide what the client
        # receives; here the route's own `except` answers 500 for everything anyway.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "async def add_tag(model_id, tag):\n    try:\n        row = await db.find(model_id)\n"
        "        if row is None:\n            raise HTTPException(404, 'Model not found in the database')\n"
        "        await db.tag(row, tag)\n    except Exception as e:\n        raise HTTPException(500, str(e))\n",
        # The handler looks at the status it caught before answering.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(404)\n"
        "    except Exception as exc:\n        code = exc.status_code if hasattr(exc, 'status_code') else 500\n"
        "        raise HTTPException(code) from exc\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n\n"
            "@router.get('/x')\ndef read(item_id: int):\n"
            "    try:\n"
            "        if item_id not in DB:\n"
            "            raise HTTPException(status_code=404, detail='Item not found')\n"
            "        return DB[item_id]\n"
            "    except Exception as exc:  # anything else\n"
            "        raise HTTPException(status_code=500, detail=str(exc))\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n\n"
            "@router.get('/x')\ndef read(item_id: int):\n"
            "    try:\n"
            "        if item_id not in DB:\n"
            "            raise HTTPException(status_code=404, detail='Item not found')\n"
            "        return DB[item_id]\n"
            "    except HTTPException:\n"
            "        raise\n"
            "    except Exception as exc:  # anything else\n"
            "        raise HTTPException(status_code=500, detail=str(exc))\n",
        ),
        # Through a helper of the same module, with a bare except; the import is added.
        Invalid(
            "import fastapi\nfrom fastapi import APIRouter, Depends\nrouter = APIRouter()\n"
            "def get_user(uid):\n    if uid is None:\n        raise fastapi.HTTPException(401)\n    return uid\n"
            "@router.get('/x')\ndef route(uid):\n    try:\n        return get_user(uid)\n"
            "    except:\n        raise RuntimeError('lookup failed')\n",
            fixed="import fastapi\nfrom fastapi import APIRouter, Depends\nrouter = APIRouter()\n"
            "def get_user(uid):\n    if uid is None:\n        raise fastapi.HTTPException(401)\n    return uid\n"
            "@router.get('/x')\ndef route(uid):\n    try:\n        return get_user(uid)\n"
            "    except fastapi.HTTPException:\n        raise\n"
            "    except:\n        raise RuntimeError('lookup failed')\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nfrom starlette.exceptions import HTTPException\nrouter = APIRouter()\n"
            "class NotFound(HTTPException):\n    pass\n"
            "@router.get('/x')\nasync def f():\n    try:\n        raise NotFound(404)\n    except BaseException as e:\n"
            "        raise RuntimeError('failed') from e\n",
        ),
        # A dependency (by its parameters) answers requests too.
        Invalid(
            "from fastapi import Depends, HTTPException, Request\n"
            "async def current_team(request: Request):\n    try:\n        team = await load_team(request)\n"
            "        if team is None:\n            raise HTTPException(404, 'Team not found')\n        return team\n"
            "    except Exception:\n        raise HTTPException(500, 'Could not load the team')\n",
        ),
        # A built-in exception built from the caught one keeps no status; a one-line clause
        # gets a one-line companion.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(409)\n"
            "    except Exception as e: raise ValueError(e)\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef f(x):\n    try:\n        raise HTTPException(409)\n"
            "    except HTTPException: raise\n    except Exception as e: raise ValueError(e)\n",
        ),
        # Raised in the handler of an inner try, which the outer broad clause catches; the
        # comment above the broad clause stays with it.
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef f(db, x):\n    try:\n        try:\n            row = db[x]\n"
            "        except KeyError:\n            raise HTTPException(404)\n        return row\n\n"
            "    # anything else is a server error\n    except Exception:\n        raise HTTPException(500)\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef f(db, x):\n    try:\n        try:\n            row = db[x]\n"
            "        except KeyError:\n            raise HTTPException(404)\n        return row\n\n"
            "    except HTTPException:\n        raise\n"
            "    # anything else is a server error\n    except Exception:\n        raise HTTPException(500)\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        helpers = {
            name: fn
            for name, fn in module_functions(ctx).items()
            if _may_raise_http(ctx, fn) and _function_raises_http(ctx, fn)
        }
        for node in ctx.nodes_of(*_TRY_TYPES):
            if not answers_requests(ctx, enclosing_function(ctx, node)):
                continue  # in a helper, what the client receives is decided where a route calls it
            remote = _remote_raises(ctx, node.body)
            if (
                not remote and not _may_raise_http(ctx, node)
                and not _calls_helper(ctx, node.lineno, node.end_lineno or node.lineno, helpers)
            ):
                continue  # nothing in it can raise an HTTPException
            raises = None
            for handler in node.handlers:
                if self._catches_http(ctx, handler):
                    break  # an earlier clause handles it (and FST204 judges no later one)
                if not _is_broad(handler):
                    continue
                if raises is None:
                    raises = _http_raises(ctx, node.body, helpers) + remote
                if not raises or _preserves(ctx, handler) or not _answers(handler):
                    break
                swallowed = {_status(ctx, r) for _, r in raises}
                answered = {_status(ctx, r) for r in _walk_statements(handler.body) if _is_http_raise(ctx, r)}
                if None not in swallowed and len(answered) == 1 and swallowed <= answered:
                    break  # the handler answers with the very status that was raised
                if swallowed == {404} and _says_not_found(ctx, handler):
                    break  # it answers that very "not found", in its own words and with the status it chose
                lost = [(where, r) for where, r in raises if _status(ctx, r) is None or _status(ctx, r) not in answered]
                where, first = (lost or raises)[0]
                yield ctx.diagnostic(
                    self,
                    ctx.except_header(handler),
                    _message(ctx, [r for _, r in lost or raises], answered),
                    _insert_fix(ctx, node, handler, raises),
                    related=[
                        (where, "the HTTPException that is swallowed")
                        if where is first
                        else (where, f"`{ctx.text(where.func)}()` raises the HTTPException that is swallowed")
                    ],
                )
                break

    @staticmethod
    def _catches_http(ctx: Context, handler: ast.ExceptHandler) -> bool:
        if handler.type is None:
            return False
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        return any(ctx.model.is_http_exception(t) for t in types)


def _is_broad(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in BROAD for t in types)


def _walk_body(stmts: list[ast.stmt], expressions: bool = True) -> Iterator[ast.AST]:
    """Nodes of `stmts`, not entering nested functions/classes, nor inner try bodies whose
    handlers catch broadly or catch HTTPException (those are judged on their own). Without
    `expressions`: only the statements (and `except` clauses, `case`s), in the same order; a
    search for `raise` statements need not walk every expression."""
    stack: list[ast.AST] = list(reversed(stmts))
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        yield node
        if isinstance(node, ast.Try):
            inner_catches = any(_is_broad(h) or _names_http(h) for h in node.handlers)
            parts = ([] if inner_catches else node.body) + node.handlers + node.orelse + node.finalbody
            stack.extend(reversed(parts))
        else:
            stack.extend(reversed(children(node) if expressions else statement_children(node)))


def _walk_statements(stmts: list[ast.stmt]) -> Iterator[ast.AST]:
    return _walk_body(stmts, expressions=False)


def _names_http(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any((t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", "")) == "HTTPException" for t in types)


def _is_http_raise(ctx: Context, node: ast.AST, model: ModuleModel | None = None) -> bool:
    if not isinstance(node, ast.Raise) or node.exc is None:
        return False
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return (model or ctx.model).is_http_exception(exc)


def _calls_helper(ctx: Context, first: int, last: int, helpers: dict) -> bool:
    """Some call of a helper that raises an HTTPException lies within lines `first`..`last`."""
    if not helpers:
        return False
    lines = ctx.memo(
        "fst204.helper-call-lines",
        lambda: sorted(c.lineno for c in ctx.model.index.calls_named(helpers) if isinstance(c.func, ast.Name)),
    )
    return _within(lines, first, last)


def _within(lines: list[int], first: int, last: int) -> bool:
    i = bisect.bisect_left(lines, first)
    return i < len(lines) and lines[i] <= last


def _may_raise_http(ctx: Context, node: ast.AST) -> bool:
    """Some `raise HTTPException(...)` lies within the lines of `node` (a quick test before the
    exact walk: most functions of a module raise none)."""
    lines = ctx.memo(
        "fst204.http_raise_lines", lambda: sorted(r.lineno for r in ctx.model.index.of(ast.Raise) if _is_http_raise(ctx, r))
    )
    return _within(lines, node.lineno, node.end_lineno or node.lineno)  # type: ignore[attr-defined]


def _function_raises_http(ctx: Context, fn: ast.AST) -> bool:
    """`_raises_http` of a function's body, kept on the node (see `cached_on`)."""
    return cached_on(fn, "fst204_raises_http", lambda: _raises_http(ctx, fn.body))  # type: ignore[attr-defined]


def _raises_http(ctx: Context, stmts: list[ast.stmt]) -> bool:
    return any(_is_http_raise(ctx, n) for n in _walk_statements(stmts))


def _http_raises(ctx: Context, stmts: list[ast.stmt], helpers: dict) -> list[tuple[ast.AST, ast.Raise]]:
    """(where, raise statement) for each HTTPException raised in `stmts`, directly or in a
    helper function of this module called there."""
    if not (stmts and _calls_helper(ctx, stmts[0].lineno, stmts[-1].end_lineno or stmts[-1].lineno, helpers)):
        return [(r, r) for r in _walk_statements(stmts) if _is_http_raise(ctx, r)]  # no helper call
    found = []
    for n in _walk_body(stmts):
        if _is_http_raise(ctx, n):
            found.append((n, n))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in helpers:
            found += [(n, r) for r in _helper_raises(ctx, helpers[n.func.id])]
    return found


def _helper_raises(ctx: Context, helper: ast.AST) -> list[ast.Raise]:
    """The HTTPException raises of a helper's body (found once per analysis: a helper is
    typically called from many routes)."""
    return ctx.memo(
        f"fst204.helper-raises.{id(helper)}",
        lambda: [r for r in _walk_statements(helper.body) if _is_http_raise(ctx, r)],  # type: ignore[attr-defined]
    )


def _status(ctx: Context, node: ast.Raise) -> int | None:
    call = node.exc
    if not isinstance(call, ast.Call):
        return None
    return raised_status(_remote_models(ctx).get(id(node), ctx.model), call)


def _remote_models(ctx: Context) -> dict[int, ModuleModel]:
    """The model of the module of each raise found in another module (by the raise's id)."""
    return ctx.memo("fst204.remote-models", dict)


def _remote_raises(ctx: Context, stmts: list[ast.stmt]) -> list[tuple[ast.AST, ast.Raise]]:
    """(the call, the raise) for each HTTPException a function of another module of the
    project raises, called in `stmts` (one level deep, as this module's helpers)."""
    view = ctx.settings.project
    if view is None or view.name is None:
        return []
    info = module_info(ctx)
    found: list[tuple[ast.AST, ast.Raise]] = []
    for n in _walk_body(stmts):
        if not isinstance(n, ast.Call) or (isinstance(n.func, ast.Name) and n.func.id in module_functions(ctx)):
            continue
        target = callee(view, info, n)
        if target is None or target.module.path == view.path:
            continue
        model = module_model(target.module)
        function = target.function
        raises = cached_on(
            function, "fst204_remote_raises",
            lambda: [r for r in _walk_statements(function.body) if _is_http_raise(ctx, r, model)],  # noqa: B023
        )
        models = _remote_models(ctx)
        for r in raises:
            models[id(r)] = model
            found.append((n, r))
    return found


def _message(ctx: Context, lost: list[ast.Raise], answered: set[int | None]) -> str:
    codes = sorted({c for c in (_status(ctx, r) for r in lost) if c is not None})
    what = "the HTTPException" + (f" ({', '.join(describe(c) for c in codes)})" if codes else "")
    if len(answered) == 1 and None not in answered:
        (code,) = answered
        return f"this `except` also catches {what} raised in the `try`: the client receives {describe(code)} instead"
    if answered:
        return f"this `except` also catches {what} raised in the `try` and answers another status instead"
    return f"this `except` also catches {what} raised in the `try` and raises another exception: its status is lost"


def _says_not_found(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """Every HTTPException the handler raises says "not found" ("Team not found for
    team_id=…": a 404 of a lookup the route answers 400 on purpose, its id being in the body)."""
    said = []
    for r in _walk_statements(handler.body):
        if not _is_http_raise(ctx, r) or not isinstance(r.exc, ast.Call):
            continue
        detail = kwarg(r.exc, "detail")
        expr = detail.value if detail is not None else r.exc.args[1] if len(r.exc.args) > 1 else None
        text = message_text(ctx, expr)
        meaning = meaning_of(text[0]) if text is not None else None
        said.append(meaning is not None and meaning.status == 404)
    return bool(said) and all(said)


def _answers(handler: ast.ExceptHandler) -> bool:
    """The handler raises: it turns the HTTPException into another error. A handler that falls
    back (returns a default, assigns one, passes) made a deliberate choice and is left alone;
    one that returns an error body with 200 is FST203's concern."""
    return any(isinstance(n, ast.Raise) for n in _walk_statements(handler.body))


def _preserves(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """The handler re-raises, inspects or delegates what it caught."""
    name = handler.name
    for n in _walk_body(handler.body):
        if isinstance(n, ast.Raise):
            if n.exc is None:
                return True
            if name and isinstance(n.exc, ast.Name) and n.exc.id == name:
                return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "isinstance":
            if any(ctx.model.is_http_exception(t) for t in _type_args(n)):
                return True
        if name and isinstance(n, ast.Attribute) and n.attr == "status_code":
            if isinstance(n.value, ast.Name) and n.value.id == name:
                return True
        if name and isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("getattr", "hasattr"):
            if n.args and isinstance(n.args[0], ast.Name) and n.args[0].id == name:
                return True
        if name and isinstance(n, (ast.Raise, ast.Return)) and _delegates(ctx, n, name):
            return True
    return False


def _type_args(call: ast.Call) -> list[ast.expr]:
    if len(call.args) < 2:
        return []
    t = call.args[1]
    return list(t.elts) if isinstance(t, ast.Tuple) else [t]


_PLAIN_CALLS = {"str", "repr", "format", "type", "print", "len"}
# Built-in exceptions keep no status: `raise RuntimeError(e)` is not a delegation.
_BUILTIN_EXCEPTIONS = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}


def _delegates(ctx: Context, stmt: ast.Raise | ast.Return, name: str) -> bool:
    value = stmt.exc if isinstance(stmt, ast.Raise) else stmt.value
    if value is None:
        return False
    for n in ast.walk(value):
        if not isinstance(n, ast.Call) or ctx.model.is_http_exception(n.func):
            continue
        if isinstance(n.func, ast.Name) and n.func.id in _PLAIN_CALLS | _BUILTIN_EXCEPTIONS:
            if ctx.model.imports.lookup(n.func.id) is None and n.func.id not in ctx.model.functions:
                continue
        args = [*n.args, *(k.value for k in n.keywords)]
        if any(isinstance(a, ast.Name) and a.id == name for a in args):
            return True
    return False


def _insert_fix(ctx: Context, try_node: ast.Try, handler: ast.ExceptHandler, raises) -> list[Fix]:
    """The fix, when it can be built: `try`/`except` (not `except*`), and a name for
    HTTPException that means it at the `try` (the one the swallowed `raise` uses, or an import)."""
    if not isinstance(try_node, ast.Try):
        return []
    text = _exception_name_in_place(ctx, raises)
    if text is None:
        texts, missing = _plan(ctx)
        if texts is None or shadowed(ctx, texts[0], try_node.lineno):
            return []

    def build():
        if text is not None:
            http_exc, import_edits = text, []
        else:
            (http_exc,), import_edits = references(ctx, [HTTP_EXCEPTION], before_line=try_node.lineno)

        def plan(snippet):
            target = snippet.find(try_node, cst.Try)
            broad = snippet.find(handler, cst.ExceptHandler)
            index = next(i for i, h in enumerate(target.handlers) if h is broad)

            def insert(updated):
                handlers = list(updated.handlers)
                template = handlers[index]
                if isinstance(template.body, cst.SimpleStatementSuite):  # `except Exception: ...` on one line
                    body: cst.BaseSuite = cst.SimpleStatementSuite(body=[cst.Raise()])
                else:
                    body = cst.IndentedBlock(
                        body=[cst.SimpleStatementLine([cst.Raise()])],
                        indent=template.body.indent,
                    )
                # Blank lines before the broad clause go before the new one; comments stay with it.
                lines = list(template.leading_lines)
                blank = 0
                while blank < len(lines) and lines[blank].comment is None:
                    blank += 1
                new = cst.ExceptHandler(body=body, type=cst.parse_expression(http_exc), leading_lines=lines[:blank])
                handlers[index] = template.with_changes(leading_lines=lines[blank:])
                handlers.insert(index, new)
                return updated.with_changes(handlers=handlers)

            return {target: insert}

        return rewrite(ctx, try_node, plan) + import_edits

    return [Fix("Insert `except HTTPException: raise` before it", Applicability.UNSAFE, build)]


def _plan(ctx: Context):
    try:
        return plan_references(ctx, [HTTP_EXCEPTION])
    except FixNotApplicable:
        return None, None


def _exception_name_in_place(ctx: Context, raises) -> str | None:
    """How the swallowed `raise` in the `try` body itself names HTTPException (`HTTPException`,
    `fastapi.HTTPException`, `StarletteHTTPException`): that name is bound where the fix writes."""
    for where, node in raises:
        if where is node and isinstance(node.exc, ast.Call) and ctx.model.qualname(node.exc.func) == HTTP_EXCEPTION:
            return ctx.text(node.exc.func) or None
    return None
