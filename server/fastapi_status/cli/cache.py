"""Findings cached by file content: a re-check of an unchanged tree does no analysis.

Two levels, as ruff's cache: a manifest maps each file's path, size and modification time to
its findings, so an unchanged file is not even read; a file whose stat changed is read and
looked up by the hash of its content (a touched but unchanged file costs a read, no analysis).
A file modified within a second of the manifest's writing is not trusted by its stat alone
(its next change could keep the same time stamp).

A file's findings can depend on other modules of the project (a rule followed a call into
them): each entry keeps the size and time stamp of every file the analysis read, and is used
only while they are unchanged.
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
FORMAT = 2  # (2: entries carry the files they depend on)


def _entry_ok(entry: object) -> bool:
    """A manifest entry as `remember` writes it: [mtime_ns, size, settings key, records, deps]."""
    return (
        isinstance(entry, list) and len(entry) == 5 and isinstance(entry[0], int) and isinstance(entry[1], int)
        and isinstance(entry[2], str) and isinstance(entry[3], list) and isinstance(entry[4], list)
    )


def _unchanged(deps, written_at: float | None) -> bool:
    """Every file in `deps` is as it was (and, when `written_at` is given, was not changed too
    close to then to trust its time stamp)."""
    if not isinstance(deps, list):
        return False
    return all(
        isinstance(d, list) and len(d) == 3 and Cache.dependencies([d[0]])[0] == d
        and (written_at is None or d[1] is None or d[1] / 1e9 < written_at - RACY_SECONDS)
        for d in deps
    )


def _ensure_gitignore(top: Path) -> None:
    if not (top / ".gitignore").exists():
        (top / ".gitignore").write_text("# Automatically created by fastapi-status.\n*\n", encoding="utf-8")


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
                files, written_at = raw["files"], float(raw["written_at"])
                if not isinstance(files, dict):
                    raise TypeError("files")
                # A cache that does not read is discarded: keep only well-formed entries.
                self._manifest = {p: e for p, e in files.items() if _entry_ok(e)}
                self._written_at = written_at
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self._manifest, self._written_at = {}, 0.0
        return self._manifest

    @staticmethod
    def settings_key(settings: Settings, with_edits: bool) -> str:
        return f"{FORMAT}|{settings.key()}|{with_edits}"

    @staticmethod
    def dependencies(paths: list[str]) -> list[list]:
        """[path, time stamp, size] of each file an analysis read ([path, None, None] for one
        that is gone)."""
        found: list[list] = []
        for path in paths:
            try:
                stat = os.stat(path)
                found.append([path, stat.st_mtime_ns, stat.st_size])
            except OSError:
                found.append([path, None, None])
        return found

    def by_stat(self, path: str, stat: os.stat_result, settings_key: str) -> list[Record] | None:
        """The findings stored for this file when its size and time stamp have not changed,
        nor those of the files it depends on (an empty list for a file that never mentions
        FastAPI); None to look further."""
        entry = self._entries().get(path)
        if entry is None or len(entry) != 5 or entry[:3] != [stat.st_mtime_ns, stat.st_size, settings_key]:
            return None
        if stat.st_mtime_ns / 1e9 >= self._written_at - RACY_SECONDS:
            return None  # changed too close to the last run to trust the time stamp
        if not _unchanged(entry[4], self._written_at):
            return None
        try:
            return [Record.from_json(r) for r in entry[3]]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def remember(
        self, path: str, stat: os.stat_result, settings_key: str, records: list[Record], deps: list | None = None
    ) -> None:
        entry = [stat.st_mtime_ns, stat.st_size, settings_key, [r.to_json() for r in records], deps or []]
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
            _ensure_gitignore(self.dir.parent)
            tmp = self._manifest_path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"written_at": now, "files": entries}), encoding="utf-8")
            tmp.replace(self._manifest_path)
        except OSError:
            pass

    # -- by content ----------------------------------------------------------------------------

    def key(self, data: bytes, settings: Settings, with_edits: bool) -> str:
        import hashlib  # only when a file's content must be looked up

        h = hashlib.sha256()
        h.update(f"{__version__}|{FORMAT}|{settings.key()}|{with_edits}|".encode())
        h.update(data)
        return h.hexdigest()

    def get(self, key: str) -> tuple[list[Record], list] | None:
        """The findings stored for this content, and the files they depend on, while those are
        unchanged."""
        try:
            raw = json.loads((self.dir / key[:2] / key).read_text(encoding="utf-8"))
            if not _unchanged(raw["deps"], None):
                return None
            return [Record.from_json(r) for r in raw["records"]], raw["deps"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing or corrupt: analyse again

    def put(self, key: str, records: list[Record], deps: list | None = None) -> None:
        try:
            folder = self.dir / key[:2]
            folder.mkdir(parents=True, exist_ok=True)
            _ensure_gitignore(self.dir.parent)
            tmp = folder / f"{key}.tmp"
            tmp.write_text(json.dumps({"records": [r.to_json() for r in records], "deps": deps or []}), encoding="utf-8")
            tmp.replace(folder / key)
        except OSError:
            pass  # a read-only tree: work without a cache


# -- a command's whole output -------------------------------------------------------------------


class OutputCache:
    """The output of a command over a whole project (`fastapi-status routes`), kept with the size
    and time stamp of every file it depends on: while none of them changed (and none was
    changed too close to the writing to trust its time stamp), and no file was added or
    removed (the list of files is part of what is compared), the output is printed again
    without reading any module."""

    def __init__(self, root: Path, command: str) -> None:
        self.dir = Cache(root).dir / command

    @staticmethod
    def key(*parts: str) -> str:
        import hashlib

        return hashlib.sha256("\0".join((__version__, *parts)).encode()).hexdigest()

    def get(self, key: str, files: list[str]) -> str | None:
        try:
            raw = json.loads((self.dir / key).read_text(encoding="utf-8"))
            deps, written_at, output = raw["deps"], float(raw["written_at"]), raw["output"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if not isinstance(output, str) or not isinstance(deps, list) or [d[0] for d in deps if isinstance(d, list) and d] != files:
            return None
        return output if _unchanged(deps, written_at) else None

    def put(self, key: str, files: list[str], output: str, started: float) -> None:
        """`started`: when the command began reading the files (a file changed meanwhile is not
        trusted by its time stamp)."""
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            _ensure_gitignore(self.dir.parent.parent)
            tmp = self.dir / f"{key}.tmp"
            tmp.write_text(json.dumps({"written_at": started, "deps": Cache.dependencies(files), "output": output}), encoding="utf-8")
            tmp.replace(self.dir / key)
        except OSError:
            pass  # a read-only tree: work without a cache
