"""What the project's own files tell the checks: the line length fixes keep, and whether the
Starlette it pins has the renamed status constants (FST303 stays silent where it has not)."""

from __future__ import annotations

import os
import time

import pytest

from fastapi_status.project_facts import facts_for, pins_old_status_names, upper_bound

OLD_NAME = "from fastapi import HTTPException, status\nraise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY)\n"


@pytest.mark.parametrize(
    "spec, bound",
    [
        ("~=0.115.0", ((0, 116), False)),
        ("~=0.115", ((1,), False)),
        (">=0.100,<0.116", ((0, 116), False)),
        ("<=0.47.3", ((0, 47, 3), True)),
        ("==0.115.*", ((0, 116), False)),
        ("==0.115.12", ((0, 115, 12), True)),
        ("^0.115.2", ((0, 116), False)),
        ("^1.2", ((2,), False)),
        ("~0.47", ((0, 48), False)),
        (">=0.100", None),
        ("", None),
        ("<1.0rc1", ((1, 0), False)),
    ],
)
def test_upper_bounds(spec, bound):
    assert upper_bound(spec) == bound


@pytest.mark.parametrize(
    "requirements, old",
    [
        (["fastapi~=0.115.0"], True),
        (["fastapi[standard]>=0.100,<0.116"], True),
        (["fastapi<0.116.2"], True),
        (["fastapi<=0.116.1"], True),
        (["fastapi<0.117"], False),
        (["starlette<0.48"], True),
        (["Starlette <0.48.0 ; python_version >= '3.9'"], True),
        (["starlette<0.49"], False),
        (["fastapi>=0.136.3,<1.0", "starlette>=1.0.1,<2.0"], False),
        (["fastapi"], False),
        (["fastapi-users~=0.1"], False),
    ],
)
def test_which_pins_predate_the_renamed_constants(requirements, old):
    assert pins_old_status_names(requirements) is old


def test_line_length_and_pins_from_the_nearest_project(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\ndependencies = ['fastapi~=0.115.0']\n[tool.ruff]\nline-length = 100\n"
    )
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    facts = facts_for(str(tmp_path / "pkg" / "sub"), {})
    assert facts.line_length == 100 and not facts.new_status_names
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "requirements.txt").write_text("# pinned\nfastapi==0.120.0\n")
    (tmp_path / "svc" / "ruff.toml").write_text("line-length = 79\n")
    facts = facts_for(str(tmp_path / "svc"), {})
    assert facts.new_status_names and facts.line_length == 79


def test_poetry_and_black(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.poetry.dependencies]\npython = '^3.10'\nfastapi = {version = '^0.110', extras = ['all']}\n"
        "[tool.black]\nline-length = 110\n"
    )
    facts = facts_for(str(tmp_path), {})
    assert facts.line_length == 110 and not facts.new_status_names


def test_fst303_follows_the_pinned_starlette(tmp_path, cli):
    (tmp_path / "app.py").write_text(OLD_NAME)
    assert "FST303" in cli("check", "--no-cache", cwd=tmp_path).stdout
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\ndependencies = ['fastapi~=0.115.0']\n")
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.returncode == 0 and "FST303" not in r.stdout
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\ndependencies = ['fastapi>=0.120']\n")
    assert "FST303" in cli("check", cwd=tmp_path).stdout  # (the cache knows the settings changed)


def test_line_length_key_is_validated(tmp_path, cli):
    (tmp_path / "app.py").write_text(OLD_NAME)
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-status]\nline-length = "long"\n')
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.returncode == 2 and "line-length" in r.stderr


ROUTES = (
    "from fastapi import APIRouter\nrouter = APIRouter()\n"
    "@router.get('/items/{item_id}')\ndef read(item_id: str, page: str = '1'):\n"
    "    if item_id not in ITEMS:\n        raise ValueError(f'Item {item_id} not found')\n"
    "    return ITEMS[item_id][int(page)]\n"
)


def test_exception_handlers_registered_anywhere_in_the_project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(
        "from fastapi import FastAPI\nfrom . import errors\napp = FastAPI(exception_handlers={errors.Conflict: x})\n"
        "@app.exception_handler(ValueError)\nasync def bad_value(request, exc):\n    ...\n"
        "app.add_exception_handler(Exception, server_error)\n"
    )
    (tmp_path / "app" / "handlers.py").write_text(
        "HANDLERS = {}\nHANDLERS[LoginFailed] = on_login\n"
        "def install(app):\n    for exc, handler in HANDLERS.items():\n        app.add_exception_handler(exc, handler)\n"
        "    for exc in [Gone, Moved]:\n        app.add_exception_handler(exc, on_gone)\n"
    )
    (tmp_path / "app" / "other.py").write_text("def validation_exception_handler(request, exc):\n    ...\n")
    facts = facts_for(str(tmp_path / "app"), {})
    assert facts.handled_exceptions == {"Conflict", "ValueError", "Exception", "LoginFailed", "Gone", "Moved"}
    # Examples in strings, docstrings and comments, and tests' own apps, do not count; a kwargs
    # dict's "exception_handlers" key does.
    (tmp_path / "app" / "docs.py").write_text(
        '"""Use `@app.exception_handler(KeyError)`:\n\n    @app.exception_handler(LookupError)\n"""\n'
        "EXAMPLE = '@app.exception_handler(TypeError)'\n# app.add_exception_handler(OSError, h)\n"
        "create(kwargs={'exception_handlers': {Gone: on_gone}})\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text("app.add_exception_handler(AttributeError, h)\n")
    assert facts_for(str(tmp_path / "app"), {}).handled_exceptions == facts.handled_exceptions
    (tmp_path / "app" / "later.py").write_text("def install(app, classes):\n    app.add_exception_handler(classes[0], h)\n")
    assert "*" in facts_for(str(tmp_path / "app"), {}).handled_exceptions  # (not read: may map anything)


def test_a_handler_in_another_module_silences_fst207_and_fst209(tmp_path, cli):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "routes.py").write_text(ROUTES)
    r = cli("check", "--no-cache", "--select", "FST207,FST209", cwd=tmp_path)
    assert "FST207" in r.stdout and "FST209" in r.stdout
    # The app's server-error handler (`Exception`) still answers 500: nothing changes.
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\napp = FastAPI()\n@app.exception_handler(Exception)\nasync def h(r, e):\n    ...\n"
    )
    r = cli("check", "--no-cache", "--select", "FST207,FST209", cwd=tmp_path)
    assert "FST207" in r.stdout and "FST209" in r.stdout
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\napp = FastAPI()\n@app.exception_handler(ValueError)\nasync def h(r, e):\n    ...\n"
    )
    r = cli("check", "--no-cache", "--select", "FST207,FST209", cwd=tmp_path)
    assert r.returncode == 0 and "FST207" not in r.stdout and "FST209" not in r.stdout


def test_fst209_follows_a_call_into_another_module_and_the_cache_follows_it(tmp_path, cli):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "sessions.py").write_text(
        "SESSIONS = {}\n\nclass Session:\n    @classmethod\n    def require(cls, sid):\n"
        "        if sid not in SESSIONS:\n            raise ValueError('Session not found')\n        return SESSIONS[sid]\n"
    )
    (tmp_path / "shop" / "context.py").write_text(
        "from .sessions import Session\n\ndef init_context(session_id):\n    return Session.require(session_id)\n"
    )
    (tmp_path / "shop" / "routes.py").write_text(
        "from fastapi import APIRouter\nfrom shop.context import init_context\nrouter = APIRouter()\n\n"
        "@router.post('/project/action')\nasync def call_action(session_id: str):\n"
        "    context = init_context(session_id)\n    return {'ok': True}\n"
    )
    old = time.time() - 100  # (time stamps the cache can trust)
    for f in (tmp_path / "shop").iterdir():
        os.utime(f, (old, old))
    r = cli("check", "--select", "FST209", cwd=tmp_path)
    assert "shop/routes.py:7:15: FST209 `init_context(…)` raises ValueError(\"Session not found\")" in r.stdout, r.stdout
    assert "`shop.sessions.Session.require`, line 7" in r.stdout
    # The callee now answers for itself: the cached finding of routes.py must not be reused.
    (tmp_path / "shop" / "sessions.py").write_text(
        "from fastapi import HTTPException\nSESSIONS = {}\n\nclass Session:\n    @classmethod\n    def require(cls, sid):\n"
        "        if sid not in SESSIONS:\n            raise HTTPException(404, 'Session not found')\n"
        "        return SESSIONS[sid]\n"
    )
    os.utime(tmp_path / "shop" / "sessions.py", (old + 10, old + 10))
    r = cli("check", "--select", "FST209", cwd=tmp_path)
    assert r.returncode == 0 and "FST209" not in r.stdout, r.stdout
