"""docs/rules.md and the README's rules table are generated from the rule modules: keep them current."""

from __future__ import annotations

from pathlib import Path

from fastapi_status.docs import rules_markdown, table_rows
from fastapi_status.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[1]


def test_rules_md_is_current():
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(), "run `make docs`"


def test_readme_table_is_current():
    readme = (ROOT / "README.md").read_text()
    assert table_rows() in readme, "update the README's rules table from `python -m fastapi_status.docs --table`"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block


def test_every_rule_has_an_anchor():
    text = rules_markdown()
    for rule in ALL_RULES:
        assert f'<a id="{rule.code.lower()}"></a>' in text
