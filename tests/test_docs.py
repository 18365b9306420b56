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


def test_fix_safety_page_matches_the_rules():
    """docs/fix-safety.md lists each fix under the safety its rule states (the `fix_summary`,
    the applicability of the fixes the rule builds, checked by the rule examples' tests)."""
    page = (ROOT / "docs" / "fix-safety.md").read_text()
    safe_table = page.split("## What is safe", 1)[1].split("## What is unsafe", 1)[0]
    unsafe_table = page.split("## What is unsafe", 1)[1].split("## For rule authors", 1)[0]
    for rule in ALL_RULES:
        summary = rule.fix_summary or ""
        assert (rule.code in safe_table) == ("(safe)" in summary), rule.code
        assert (rule.code in unsafe_table) == ("(unsafe)" in summary), rule.code
        assert ("Fix safety" in rule.documentation()), rule.code


def test_fixes_have_the_safety_their_rule_states():
    """Every fix built on a rule's INVALID examples has the applicability its `fix_summary` names."""
    from fastapi_status.core.analyze import Settings, analyze

    for rule in ALL_RULES:
        stated = {"safe": "(safe)" in (rule.fix_summary or ""), "unsafe": "(unsafe)" in (rule.fix_summary or "")}
        for example in rule.INVALID:
            for d in analyze(example.code, Settings(select=frozenset({rule.code}))).diagnostics:
                for fix in d.fixes:
                    assert stated[fix.applicability.value], f"{rule.code}: {fix.title} is {fix.applicability.value}"
