"""Every rule's VALID and INVALID examples, run through the real analysis and fix machinery."""

from __future__ import annotations

import ast

import pytest

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.diagnostics import apply_edits
from fastapi_status.rules import ALL_RULES, RULES_BY_CODE

ALL_CODES = frozenset(RULES_BY_CODE)
SETTINGS = Settings(select=ALL_CODES)


def _cases(kind):
    for rule in ALL_RULES:
        for i, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, example, id=f"{rule.code}-{kind.lower()}-{i}")


def _of(rule, source):
    result = analyze(source, SETTINGS)
    assert not result.errors, result.errors
    return [d for d in result.diagnostics if d.code == rule.code]


@pytest.mark.parametrize("rule,source", list(_cases("VALID")))
def test_valid_example_is_silent(rule, source):
    ast.parse(source)
    assert _of(rule, source) == []


@pytest.mark.parametrize("rule,example", list(_cases("INVALID")))
def test_invalid_example_is_flagged_and_fixed(rule, example):
    ast.parse(example.code)
    found = _of(rule, example.code)
    assert len(found) == example.count, [(d.range, d.message) for d in found]
    if example.fixed is None:
        return
    diag = found[0]
    if example.fix_title:
        fix = next(f for f in diag.fixes if f.title.startswith(example.fix_title))
    else:
        fix = diag.preferred_fix
    assert fix is not None, "expected a fix"
    fixed = apply_edits(example.code, fix.edits())
    assert fixed == example.fixed
    ast.parse(fixed)
    if example.count == 1:
        assert _of(rule, fixed) == [], "the fix must leave nothing for the rule to flag"


def test_every_rule_has_examples_and_docs():
    for rule in ALL_RULES:
        assert rule.VALID and rule.INVALID, rule.code
        doc = rule.documentation()
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
            assert section in doc, (rule.code, section)


def test_the_code_table_matches_the_rules():
    """`rules.CODES` (what selection reads without importing a rule) is the rules' own codes and
    defaults."""
    from fastapi_status.rules import ALL_RULES, CODES

    assert CODES == {r.code: r.default_enabled for r in ALL_RULES}
