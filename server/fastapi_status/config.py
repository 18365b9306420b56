"""`[tool.fastapi-status]` in pyproject.toml: found, validated and turned into Settings per file."""

from __future__ import annotations

import fnmatch
import functools
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from fastapi_status.core.codes import expand_selector, resolve_selection
from fastapi_status.core.settings import Settings
from fastapi_status.project_facts import ProjectFacts, facts_for

SECTION = "fastapi-status"
STATUS_STYLES = ("auto", "constant", "number")
_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
KNOWN_KEYS = {*_LIST_KEYS, "per-file-ignores", "status-style", "line-length"}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Overrides:
    """Command-line options, which win over the file."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    status_style: str | None = None


@dataclass
class Config:
    root: Path  # the folder of the pyproject.toml (or the working directory)
    path: Path | None  # the file it came from
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    status_style: str = "auto"
    line_length: int | None = None  # `line-length` here; else the project's formatter's
    _settings: dict = field(default_factory=dict, repr=False, compare=False)

    def settings_for(self, file: Path, overrides: Overrides, facts: ProjectFacts | None = None) -> Settings:
        """The settings for `file`: this table, the command line over it, and what the project's
        files say (`facts`: its line length, the Starlette it pins)."""
        facts = facts or ProjectFacts()
        if not self.per_file_ignores:  # the same for every file: one Settings object, reused
            key = (id(overrides), facts)
            cached = self._settings.get(key)
            if cached is None or cached[0] is not overrides:
                cached = self._settings[key] = (overrides, self._settings_for(file, overrides, facts))
            return cached[1]
        return self._settings_for(file, overrides, facts)

    def _settings_for(self, file: Path, overrides: Overrides, facts: ProjectFacts) -> Settings:
        select = overrides.select if overrides.select is not None else self.select
        ignore = [*self.ignore, *overrides.ignore]
        if self.per_file_ignores:
            rel = _relative(file, self.root)
            for pattern, codes in self.per_file_ignores.items():
                if _matches(rel, pattern):
                    ignore.extend(codes)
        chosen = _selection(
            tuple(select) if select is not None else None,
            tuple(ignore),
            (*self.extend_select, *overrides.extend_select),
        )
        style = overrides.status_style or self.status_style
        return Settings(
            select=chosen,
            status_style=style,  # type: ignore[arg-type]
            line_length=self.line_length or facts.line_length,
            new_status_names=facts.new_status_names,
            handled_exceptions=facts.handled_exceptions,
            project_root=facts.root,
        )

    def is_excluded(self, file: Path) -> bool:
        if not self.exclude:
            return False
        rel = _relative(file, self.root)
        return any(_matches(rel, pattern) for pattern in self.exclude)


@functools.lru_cache(maxsize=None)
def _selection(select, ignore, extend):
    return resolve_selection(list(select) if select is not None else None, list(ignore), list(extend))


@functools.lru_cache(maxsize=4096)
def real_dir(directory: str) -> str:
    """`os.path.realpath` of a folder, once per folder (resolving every file is what made
    walking a large tree slow)."""
    return os.path.realpath(directory)


def real_path(file: Path) -> Path:
    return Path(real_dir(str(file.parent)), file.name)


def _relative(file: Path, root: Path) -> str:
    try:
        return real_path(file).relative_to(real_dir(str(root))).as_posix()
    except ValueError:
        return file.as_posix()


def _matches(rel: str, pattern: str) -> bool:
    """Globs as in ruff: `tests/**`, `*.py`, `migrations`, `app/legacy.py`."""
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
        return True
    parts = rel.split("/")
    if "/" not in pattern:  # a bare name matches any path component or the file name
        return any(fnmatch.fnmatch(p, pattern) for p in parts)
    return any(fnmatch.fnmatch("/".join(parts[:i]), pattern) for i in range(1, len(parts)))


def load(path: Path) -> Config:
    """Read and validate one pyproject.toml (or a fastapi-status.toml-like file with the table)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise ConfigError(f"{path}: cannot read: not valid UTF-8 (byte 0x{bad} at offset {exc.start}); TOML files are UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("tool", {}).get(SECTION, {}) if isinstance(data.get("tool"), dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return _validate(table, path)


def _validate(table: dict[str, Any], path: Path) -> Config:
    where = f"{path}: [tool.{SECTION}]"
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{where}: unknown key `{key}` (known: {', '.join(sorted(KNOWN_KEYS))})")
    config = Config(root=path.parent, path=path)
    for key in _LIST_KEYS:
        if key not in table:
            continue
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: `{key}` must be a list of strings")
        if key in ("select", "ignore", "extend-select"):
            _check_codes(value, f"{where}: `{key}`")
    config.select = table.get("select")
    config.ignore = list(table.get("ignore", []))
    config.extend_select = list(table.get("extend-select", []))
    config.exclude = [*table.get("exclude", []), *table.get("extend-exclude", [])]
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{where}: `per-file-ignores` must be a table of glob = [codes]")
    for pattern, codes in pfi.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{where}: `per-file-ignores` entry {pattern!r} must be a list of rule codes")
        _check_codes(codes, f"{where}: `per-file-ignores` entry {pattern!r}")
    config.per_file_ignores = dict(pfi)
    style = table.get("status-style", "auto")
    if style not in STATUS_STYLES:
        raise ConfigError(f"{where}: `status-style` must be one of {', '.join(STATUS_STYLES)}, not {style!r}")
    config.status_style = style
    length = table.get("line-length")
    if length is not None and (not isinstance(length, int) or isinstance(length, bool) or not 1 <= length <= 1000):
        raise ConfigError(f"{where}: `line-length` must be a whole number of characters (1-1000), not {length!r}")
    config.line_length = length
    return config


def _check_codes(codes: list[str], where: str) -> None:
    for code in codes:
        try:
            expand_selector(code)
        except ValueError:
            raise ConfigError(f"{where}: unknown rule code {code!r}") from None


def check_selectors(codes: list[str], option: str) -> None:
    """For command-line options: the same validation, naming the option."""
    _check_codes(codes, option)


class ConfigFinder:
    """The nearest pyproject.toml with a [tool.fastapi-status] table, per directory (cached)."""

    def __init__(self, explicit: Path | None = None, cwd: Path | None = None) -> None:
        self.cwd = (cwd or Path.cwd()).resolve()
        self._explicit = load(explicit) if explicit else None
        self._by_dir: dict[str, Config] = {}  # real folder -> its configuration
        self._by_parent: dict[str, Config] = {}  # the folder as written: no path work per file
        self._default = Config(root=self.cwd, path=None)
        self._facts: dict[str, ProjectFacts] = {}  # real folder -> what its project's files say

    def settings_for(self, file: Path, overrides: Overrides) -> Settings:
        """The settings to check `file` with: its configuration and its project's facts."""
        facts = facts_for(os.path.dirname(file) or ".", self._facts)
        return self.for_file(file).settings_for(file, overrides, facts)

    def for_file(self, file: Path | str) -> Config:
        if self._explicit:
            return self._explicit
        return self.for_directory(os.path.dirname(file) or ".")

    def for_directory(self, parent: str, real: str | None = None) -> Config:
        """The configuration for files in the folder `parent` (as written: cached by it);
        `real` is its real path when the caller knows it."""
        if self._explicit:
            return self._explicit
        config = self._by_parent.get(parent)
        if config is None:
            config = self._by_parent[parent] = self._for_dir(real or real_dir(parent))
        return config

    def _for_dir(self, directory: str) -> Config:
        found = self._by_dir.get(directory)
        if found is not None:
            return found
        candidate = os.path.join(directory, "pyproject.toml")
        config = None
        if os.path.isfile(candidate) and _has_section(Path(candidate)):
            config = load(Path(candidate))
        else:
            parent = os.path.dirname(directory)
            if parent != directory:
                config = self._for_dir(parent)
        config = config or self._default
        self._by_dir[directory] = config
        return config


    def stamps(self) -> dict[Path, int | None]:
        """The modification time of every pyproject.toml this finder looked at (None: absent),
        so a long-running user (the language server) can tell when its cache went stale."""
        return {Path(d, "pyproject.toml"): modified_ns(Path(d, "pyproject.toml")) for d in list(self._by_dir)}


def modified_ns(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _has_section(path: Path) -> bool:
    """The file configures fastapi-status: `[tool.fastapi-status]` in any spelling TOML allows
    (`[tool."fastapi-status"]`, `tool.fastapi-status.select = …`, `fastapi-status = …` under
    `[tool]`). A file that mentions it but does not read (not UTF-8, bad TOML, not a table)
    counts, so that `load` says what is wrong with it instead of it being ignored."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if SECTION.encode() not in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    if f"tool.{SECTION}" in text or f'tool."{SECTION}"' in text:
        return True
    try:  # `fastapi-status = …` may be a key of [tool] or, say, a dependency's name
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        return False  # (only a mention elsewhere: a file that is not ours to report)
    return isinstance(tool, dict) and SECTION in tool
