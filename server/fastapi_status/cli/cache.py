"""Findings cached by file content: a re-check of an unchanged tree does no analysis.

Two levels, as ruff's cache: a manifest maps each file's path, size and modification time to
its findings, so an unchanged file is not even read; a file whose stat changed is read and
looked up by the hash of its content (a touched but unchanged file costs a read, no analysis).
A file modified within a second of the manifest's writing is not trusted by its stat alone
(its next change could keep the same time stamp).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from fastapi_status import __version__
from fastapi_status.cli.records import Record
from fastapi_status.core.analyze import Settings

CACHE_DIR = ".fastapi_status_cache"


RACY_SECONDS = 1.0


class Cache:
    def __init__(self, root: Path) -> None:
        self.dir = root / CACHE_DIR / __version__
        self._manifest_path = self.dir / "manifest.json"
        self._manifest: dict[str, list] | None = None
        self._written_at = 0.0
        self._dirty = False

    # -- by stat -------------------------------------------------------------------------------

    def _entries(self) -> dict[str, list]:
        if self._manifest is None:
            try:
                raw = json.loads(self._manifest_path.read_text(encoding="utf-8"))
                self._manifest, self._written_at = raw["files"], float(raw["written_at"])
            except (OSError, ValueError, KeyError, TypeError):
                self._manifest = {}
        return self._manifest

    @staticmethod
    def settings_key(settings: Settings, with_edits: bool) -> str:
        return f"{settings.key()}|{with_edits}"

    def by_stat(self, path: str, stat: os.stat_result, settings_key: str) -> list[Record] | None:
        """The findings stored for this file when its size and time stamp have not changed
        (an empty list for a file that never mentions FastAPI); None to look further."""
        entry = self._entries().get(path)
        if entry is None or entry[:3] != [stat.st_mtime_ns, stat.st_size, settings_key]:
            return None
        if stat.st_mtime_ns / 1e9 >= self._written_at - RACY_SECONDS:
            return None  # changed too close to the last run to trust the time stamp
        try:
            return [Record.from_json(r) for r in entry[3]]
        except (ValueError, KeyError, TypeError):
            return None

    def remember(self, path: str, stat: os.stat_result, settings_key: str, records: list[Record]) -> None:
        entry = [stat.st_mtime_ns, stat.st_size, settings_key, [r.to_json() for r in records]]
        entries = self._entries()
        if entries.get(path) != entry:
            entries[path] = entry
            self._dirty = True

    def save(self) -> None:
        """Write the manifest if it changed (or if entries are too recent to be trusted yet)."""
        entries = self._entries()
        now = time.time()
        racy = any(e[0] / 1e9 >= self._written_at - RACY_SECONDS for e in entries.values())
        if not (self._dirty or racy) or not entries:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._ensure_gitignore()
            tmp = self._manifest_path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"written_at": now, "files": entries}), encoding="utf-8")
            tmp.replace(self._manifest_path)
        except OSError:
            pass

    def _ensure_gitignore(self) -> None:
        top = self.dir.parent
        if not (top / ".gitignore").exists():
            (top / ".gitignore").write_text("# Automatically created by fastapi-status.\n*\n", encoding="utf-8")

    # -- by content ----------------------------------------------------------------------------

    def key(self, data: bytes, settings: Settings, with_edits: bool) -> str:
        import hashlib  # only when a file's content must be looked up

        h = hashlib.sha256()
        h.update(f"{__version__}|{settings.key()}|{with_edits}|".encode())
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
            self._ensure_gitignore()
            tmp = folder / f"{key}.tmp"
            tmp.write_text(json.dumps([r.to_json() for r in records]), encoding="utf-8")
            tmp.replace(folder / key)
        except OSError:
            pass  # a read-only tree: work without a cache
