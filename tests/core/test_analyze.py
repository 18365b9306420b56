"""analyze(): noqa, syntax errors, a crashing rule, columns with non-ASCII text, CRLF files."""

from __future__ import annotations

import ast
import sys

import pytest

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.diagnostics import Position, apply_edits
from fastapi_status.rules import RULES_BY_CODE

ALL = Settings(select=frozenset(RULES_BY_CODE))

CREATE = """from fastapi import APIRouter
router = APIRouter()
@router.post("/items"){comment}
def create_item(item: dict):
    return item
"""


def codes(src: str, settings: Settings = ALL) -> list[str]:
    return [d.code for d in analyze(src, settings).diagnostics]


def test_noqa_specific_bare_and_other_code():
    assert codes(CREATE.format(comment="")) == ["FST101"]
    assert codes(CREATE.format(comment="  # noqa: FST101")) == []
    assert codes(CREATE.format(comment="  # noqa")) == []
    assert codes(CREATE.format(comment="  # NOQA:FST102,FST101")) == []
    assert codes(CREATE.format(comment="  # noqa: FST201")) == ["FST101"]


def test_selection():
    assert codes(CREATE.format(comment=""), Settings(select=frozenset({"FST201"}))) == []


def test_syntax_error_is_one_clear_problem():
    result = analyze("from fastapi import FastAPI\napp = FastAPI(\n\ndef f(:\n")
    assert not result.parsed
    [d] = result.diagnostics
    assert d.code == "FST000" and "SyntaxError" in d.message
    assert d.range.start.line >= 2


def test_nul_byte_is_reported_not_raised():
    [d] = analyze("x = 1\x00\n").diagnostics
    assert d.code == "FST000"


def test_a_crashing_rule_is_isolated(monkeypatch):
    rule = RULES_BY_CODE["FST101"]

    def boom(self, ctx):
        raise RuntimeError("kaput")

    monkeypatch.setattr(rule, "check", boom)
    src = CREATE.format(comment="") + "from fastapi import status\nx = status.HTTP_422_UNPROCESSABLE_ENTITY\n"
    result = analyze(src, ALL)
    assert [d.code for d in result.diagnostics] == ["FST303"]
    assert result.errors and result.errors[0][0] == "FST101" and "kaput" in result.errors[0][1]


def test_columns_count_code_points_not_bytes():
    src = 'from fastapi import status\nlabel = "é—✓"; x = status.HTTP_422_UNPROCESSABLE_ENTITY\n'
    [d] = analyze(src, ALL).diagnostics
    line = src.splitlines()[1]
    assert line[d.range.start.col : d.range.end.col] == "HTTP_422_UNPROCESSABLE_ENTITY"
    fixed = apply_edits(src, d.preferred_fix.edits())
    assert fixed.splitlines()[1] == 'label = "é—✓"; x = status.HTTP_422_UNPROCESSABLE_CONTENT'


def test_fix_keeps_crlf_line_endings_and_comments():
    src = CREATE.format(comment="  # keep me").replace("\n", "\r\n")
    [d] = analyze(src, ALL).diagnostics
    fixed = apply_edits(src, d.preferred_fix.edits())
    assert fixed == src.replace('("/items")', '("/items", status_code=201)')
    assert "\n" not in fixed.replace("\r\n", "")


def test_fix_adds_the_import_once_and_extends_an_existing_one():
    from fastapi_status.core.analyze import Settings as S

    src = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/items')\ndef create_item(item: dict):\n    return item\n"
    [d] = analyze(src, S(select=frozenset({"FST101"}), status_style="constant")).diagnostics
    fixed = apply_edits(src, d.preferred_fix.edits())
    assert fixed.startswith("from fastapi import APIRouter, status\n")
    assert "status_code=status.HTTP_201_CREATED" in fixed
    ast.parse(fixed)

    src2 = '"""Doc."""\nimport fastapi as f\nrouter = f.APIRouter()\n@router.post("/x")\ndef create_x(x: dict):\n    return x\n'
    [d] = analyze(src2, S(select=frozenset({"FST101"}), status_style="constant")).diagnostics
    fixed = apply_edits(src2, d.preferred_fix.edits())
    assert "status_code=f.status.HTTP_201_CREATED" in fixed and fixed.count("import") == 1


def test_fix_on_a_deeply_nested_route_parses_only_its_statement():
    body = "".join(f"x{i} = {i}\n" for i in range(2000))
    src = "from fastapi import APIRouter\nrouter = APIRouter()\n" + body + CREATE.split("\n", 2)[2].format(comment="")
    [d] = analyze(src, ALL).diagnostics
    [edit] = d.preferred_fix.edits()
    assert edit.range.start == Position(2003, 21) and edit.content == ", status_code=201"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 parses PEP 695 syntax")
@pytest.mark.parametrize(
    "code, feature",
    [
        ("def first[T](items: list[T]) -> T:\n    return items[0]\n", "type parameters (PEP 695)"),
        ("class Page[T]:\n    items: list[T]\n", "type parameters (PEP 695)"),
        ("type Json = dict[str, 'Json']\n", "a `type` alias (PEP 695)"),
        ("name = f\"{user[\"name\"]}\"\n", "quotes reused inside an f-string (PEP 701)"),
    ],
)
def test_syntax_of_a_newer_python_is_a_warning_about_the_run(code, feature):
    [d] = analyze("from fastapi import FastAPI\n" + code).diagnostics
    assert d.code == "FST000" and d.severity.value == "warning"
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert d.message == (
        f"this file uses Python 3.12 syntax, {feature}, but this check runs on Python {running}: "
        "run it with Python 3.12 or newer to check this file"
    )


def test_a_plain_syntax_error_stays_an_error():
    [d] = analyze("from fastapi import FastAPI\ndef f(:\n    pass\n").diagnostics
    assert d.severity.value == "error" and d.message.startswith("SyntaxError: ")
