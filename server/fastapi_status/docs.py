"""Generates docs/rules.md (and the README's rules table) from the rule modules.

    python -m fastapi_status.docs            # docs/rules.md to stdout
    python -m fastapi_status.docs --table    # the README table rows
    python -m fastapi_status.docs --write    # rewrite docs/rules.md and the README table (make docs)
"""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi_status.rules import ALL_RULES


def table_rows() -> str:
    rows = []
    for r in ALL_RULES:
        default = "on" if r.default_enabled else "off"
        rows.append(f"| [{r.code}](docs/rules.md#{r.code.lower()}) | `{r.name}` | {r.summary} | {default} | {r.fix_summary or '—'} |")
    return "\n".join(rows)


def rules_markdown() -> str:
    out = [
        "# Rules",
        "",
        "Generated from the rule modules in `server/fastapi_status/rules/` by `make docs`; do not edit.",
        "",
        "| code | name | summary | default | fix |",
        "|---|---|---|---|---|",
    ]
    for r in ALL_RULES:
        default = "on" if r.default_enabled else "off"
        out.append(f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.summary} | {default} | {r.fix_summary or '—'} |")
    for r in ALL_RULES:
        doc = r.documentation().replace("\n## ", "\n### ")
        if doc.startswith("## "):
            doc = "#" + doc
        out += [
            "",
            f'<a id="{r.code.lower()}"></a>',
            "",
            f"## {r.code}: {r.name}",
            "",
            f"*Default: {'on' if r.default_enabled else 'off'}. Severity: {r.severity.value}. "
            f"Fix: {r.fix_summary or 'none'}.*",
            "",
            doc,
        ]
    return "\n".join(out) + "\n"


TABLE_HEADER = "| code | name | what it flags | default | fix |\n|---|---|---|---|---|\n"


def write(root: Path) -> None:
    (root / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    start = text.index(TABLE_HEADER) + len(TABLE_HEADER)
    end = text.index("\n\n", start)
    readme.write_text(text[:start] + table_rows() + text[end:], encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--write" in argv:
        write(Path.cwd())
    elif "--table" in argv:
        sys.stdout.write(table_rows() + "\n")
    else:
        sys.stdout.write(rules_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
