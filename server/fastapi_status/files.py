"""Which files to check, and reading them the way Python does (PEP 263 encoding cookie)."""

from __future__ import annotations

import io
import os
import stat
import tokenize
from pathlib import Path

from fastapi_status.config import ConfigFinder, real_dir, real_path

SKIP_DIRS = {".venv", "venv", ".git", "node_modules", "__pycache__", "build", "dist", ".tox", ".nox",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".fastapi_status_cache", ".eggs"}
FRAMEWORK_MARKERS = (b"fastapi", b"starlette")


class ReadError(Exception):
    pass


def discover(paths: list[str], finder: ConfigFinder) -> tuple[list[Path], list[str]]:
    """Python files under `paths` (explicitly named files always count), and errors for paths
    that do not exist."""
    files: list[Path] = []
    errors: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            errors.append(f"{raw}: No such file or directory")
            continue
        if not path.is_dir() and not path.is_file():
            errors.append(f"{raw}: not a regular file ({_kind(path)}); skipped")
            continue
        if path.is_file():
            key = str(real_path(path))
            if key not in seen:
                seen.add(key)
                files.append(path)
            continue
        # Strings, not Paths, in the loop: a large tree has tens of thousands of entries.
        reals = {str(path): real_dir(str(path))}
        sep = os.sep
        for dirpath, dirnames, filenames in os.walk(path):
            # os.walk does not enter symlinked folders: below a real folder, every folder is real.
            real = reals.pop(dirpath, None) or real_dir(dirpath)
            config = finder.for_directory(dirpath, real)
            prefix = dirpath if dirpath.endswith(sep) else dirpath + sep
            real_prefix = real if real.endswith(sep) else real + sep
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in SKIP_DIRS
                and not d.endswith(".egg-info")
                and not (config.exclude and config.is_excluded(Path(dirpath, d)))
            )
            for d in dirnames:
                reals[prefix + d] = real_prefix + d
            for name in sorted(filenames):
                if not name.endswith(".py"):
                    continue
                key = real_prefix + name
                if key in seen:
                    continue
                file = Path(prefix + name)
                if config.exclude and config.is_excluded(file):
                    continue
                if not regular_file(prefix + name):
                    continue  # a FIFO would block the read forever; a socket cannot be read
                seen.add(key)
                files.append(file)
    return files, errors


def regular_file(path: str) -> bool:
    """Not a FIFO, socket or device (reading one would block or fail). A path that cannot be
    stat'ed counts (a dangling symlink): reading it reports why."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def _kind(path: Path) -> str:
    mode = os.stat(path).st_mode
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a file or folder"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc):
            raise ReadError(f"cannot read: {exc}") from exc
        # No usable encoding declaration and bytes that are not UTF-8.
        raise ReadError("cannot read: not valid UTF-8 (and no encoding declaration)") from exc
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        label = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else encoding
        raise ReadError(f"cannot read: not valid {label} ({exc})") from exc


def mentions_framework(data: bytes) -> bool:
    """A file that never names FastAPI or Starlette cannot have a finding: skip parsing it."""
    return any(marker in data for marker in FRAMEWORK_MARKERS)


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def project_files(root: str) -> list[str]:
    """The Python files of the project under `root` (the folders `discover` skips left out),
    for the project index (core/project.py)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        found += [p for n in filenames if n.endswith(".py") and regular_file(p := os.path.join(dirpath, n))]
    return found


def read_source(path: str) -> str | None:
    """A module's text as Python reads it, or None when it cannot be read."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        return decode(data)[0]
    except (OSError, ReadError):
        return None
