"""Runs every rule over a folder (default: the public corpora) and prints each finding with its
source line, for reading a rule's hits on real code. Not a test; not timed.

    python bench/scan.py [--select FST201,FST203] [FOLDER]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.rules import resolve_selection

DEFAULT = Path(os.environ.get("CORPORA_DIR", Path.home() / ".cache" / "fastapi-status-corpora"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--select", default="ALL")
    parser.add_argument("--context", type=int, default=0, help="lines of source to show around each hit")
    args = parser.parse_args()
    settings = Settings(select=resolve_selection(args.select.split(",")))
    counts: Counter[str] = Counter()
    files = 0
    for path in sorted(Path(args.folder).rglob("*.py")):
        data = path.read_bytes()
        if b"fastapi" not in data and b"starlette" not in data:
            continue
        files += 1
        source = data.decode("utf-8", errors="replace")
        result = analyze(source, settings)
        for code, tb in result.errors:
            print(f"CRASH {path} {code}\n{tb}", file=sys.stderr)
        lines = source.splitlines()
        for d in result.diagnostics:
            counts[d.code] += 1
            line = d.range.start.line
            print(f"{path}:{line}:{d.range.start.col + 1}: {d.code} {d.message}")
            lo, hi = max(line - 1 - args.context, 0), min(line + args.context, len(lines))
            for i in range(lo, hi):
                print(f"    {i + 1:6} | {lines[i]}")
    print(f"\n{files} files; " + ", ".join(f"{c}: {n}" for c, n in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
