"""Findings cached by file content: a re-check of an unchanged tree does no analysis."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fastapi_status import __version__
from fastapi_status.cli.records import Record
from fastapi_status.core.analyze import Settings

CACHE_DIR = ".fastapi_status_cache"


class Cache:
    def __init__(self, root: Path) -> None:
        self.dir = root / CACHE_DIR / __version__

    def key(self, data: bytes, settings: Settings, with_edits: bool) -> str:
        h = hashlib.sha256()
        h.update(f"{__version__}|{sorted(settings.select)}|{settings.status_style}|{with_edits}|".encode())
        h.update(data)
        return h.hexdigest()

    def get(self, key: str) -> list[Record] | None:
        try:
            raw = json.loads((self.dir / key[:2] / key).read_text(encoding="utf-8"))
            return [Record.from_json(r) for r in raw]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or corrupt: analyse again

    def put(self, key: str, records: list[Record]) -> None:
        try:
            folder = self.dir / key[:2]
            folder.mkdir(parents=True, exist_ok=True)
            top = self.dir.parent
            if not (top / ".gitignore").exists():
                (top / ".gitignore").write_text("# Automatically created by fastapi-status.\n*\n", encoding="utf-8")
            tmp = folder / f"{key}.tmp"
            tmp.write_text(json.dumps([r.to_json() for r in records]), encoding="utf-8")
            tmp.replace(folder / key)
        except OSError:
            pass  # a read-only tree: work without a cache
