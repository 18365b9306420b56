"""Printing findings: text (ruff-style), JSON (ruff's shape), SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

from fastapi_status import __version__
from fastapi_status.cli.records import FileReport
from fastapi_status.core.diagnostics import DOCS_URL
from fastapi_status.rules import all_rules

FORMATS = ("text", "json", "sarif", "github")


def _loc(pos: tuple[int, int]) -> dict:
    return {"row": pos[0], "column": pos[1] + 1}


def write(fmt: str, reports: list[FileReport], out: TextIO) -> None:
    {"text": _text, "json": _json, "sarif": _sarif, "github": _github}[fmt](reports, out)


def _text(reports: list[FileReport], out: TextIO) -> None:
    for report in reports:
        for r in report.records:
            marker = " [*]" if r.fix and r.fix.applicability == "safe" else ""
            out.write(f"{report.path}:{r.start[0]}:{r.start[1] + 1}: {r.code}{marker} {r.message}\n")


def _json(reports: list[FileReport], out: TextIO) -> None:
    items = []
    for report in reports:
        filename = os.path.abspath(report.path)
        for r in report.records:
            fix = None
            if r.fix is not None:
                fix = {
                    "applicability": r.fix.applicability,
                    "message": r.fix.title,
                    "edits": [
                        {"content": e.content, "location": _loc(e.start), "end_location": _loc(e.end)}
                        for e in (r.fix.edits or [])
                    ],
                }
            items.append(
                {
                    "code": r.code,
                    "message": r.message,
                    "severity": r.severity,
                    "filename": filename,
                    "location": _loc(r.start),
                    "end_location": _loc(r.end),
                    "fix": fix,
                    "url": r.url,
                    "noqa_row": r.start[0],
                }
            )
    json.dump(items, out, indent=2)
    out.write("\n")


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def _sarif(reports: list[FileReport], out: TextIO) -> None:
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.documentation()},
            "help": {"text": rule.summary, "markdown": rule.documentation()},
            "helpUri": f"{DOCS_URL}#{rule.code.lower()}",
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity.value]},
            "properties": {"tags": ["fastapi", "http-status"]},
        }
        for rule in all_rules()
    ]
    rules.append(
        {
            "id": "FST000",
            "name": "unreadable-file",
            "shortDescription": {"text": "File could not be read or parsed"},
            "fullDescription": {"text": "A syntax error or an undecodable file: it was not checked."},
            "helpUri": DOCS_URL,
            "defaultConfiguration": {"level": "error"},
        }
    )
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for report in reports:
        uri = Path(os.path.relpath(report.path)).as_posix() if not os.path.isabs(report.path) else Path(report.path).as_uri()
        for r in report.records:
            results.append(
                {
                    "ruleId": r.code,
                    "ruleIndex": index.get(r.code, len(rules) - 1),
                    "level": _SARIF_LEVEL.get(r.severity, "warning"),
                    "message": {"text": r.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                "region": {
                                    "startLine": r.start[0],
                                    "startColumn": r.start[1] + 1,
                                    "endLine": r.end[0],
                                    "endColumn": r.end[1] + 1,
                                },
                            }
                        }
                    ],
                }
            )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fastapi-status",
                        "version": __version__,
                        "informationUri": DOCS_URL,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    json.dump(doc, out, indent=2)
    out.write("\n")


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _github(reports: list[FileReport], out: TextIO) -> None:
    for report in reports:
        for r in report.records:
            level = "error" if r.severity == "error" else "warning"
            props = ",".join(
                [
                    f"title={_escape(f'fastapi-status ({r.code})', True)}",
                    f"file={_escape(report.path, True)}",
                    f"line={r.start[0]}",
                    f"col={r.start[1] + 1}",
                    f"endLine={r.end[0]}",
                    f"endColumn={r.end[1] + 1}",
                ]
            )
            out.write(f"::{level} {props}::{_escape(f'{r.code} {r.message}')}\n")


def summary(reports: list[FileReport], fixing: bool, unsafe: bool, failed: bool = False) -> str:
    """The last line of a text report. With `failed` (an internal error, a file not written or
    not found), never "All checks passed!": some of the checks did not run."""
    remaining = sum(len(r.records) for r in reports)
    fixed = sum(r.fixed for r in reports)
    if failed:
        found = f"Found {remaining} problem{'' if remaining == 1 else 's'}" + (f" ({fixed} fixed)" if fixing else "")
        return f"{found}, but not every check ran: see the errors above."

    def problems(n: int) -> str:
        return f"{n} problem" + ("" if n == 1 else "s")

    if fixing:
        if fixed == 0 and remaining == 0:
            return "All checks passed!"
        return f"Found {problems(fixed + remaining)} ({fixed} fixed, {remaining} remaining)."
    if remaining == 0:
        return "All checks passed!"
    fixable = sum(1 for rep in reports for r in rep.records if r.fix and (r.fix.applicability == "safe" or unsafe))
    hidden = 0 if unsafe else sum(1 for rep in reports for r in rep.records if r.fix and r.fix.applicability == "unsafe")
    line = f"Found {problems(remaining)}"
    if fixable:
        line += f" ({fixable} fixable with --fix)" if not unsafe else f" ({fixable} fixable with --fix --unsafe-fixes)"
    line += "."
    if hidden:
        line += f"\n({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the `--unsafe-fixes` option.)"
    return line
