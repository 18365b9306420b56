"""Client settings (section `fastapiStatus`), merged over the document's pyproject.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi_status.config import ConfigError, ConfigFinder, Overrides
from fastapi_status.core.analyze import Settings
from fastapi_status.core.diagnostics import Severity
from fastapi_status.rules import CODES, SYNTAX_ERROR_CODE, expand_selector

STATUS_STYLES = ("auto", "constant", "number")
SCOPES = ("openFiles", "workspace")
SEVERITIES = tuple(s.value for s in Severity)
KNOWN = frozenset({"select", "ignore", "severity", "statusStyle", "inlayHints", "scope", "debounce"})
# Settings of the editor extensions (how to start the server), not the server's: not reported
# as unknown when a client sends them along.
CLIENT_SIDE = frozenset({"enable", "importStrategy", "interpreter", "path", "trace", "showNotifications"})


def shown(value: Any) -> str:
    """A value as a message names it: `a string ("fast")`, `a number (3)`, `a list`."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f'a string ("{value}")'
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


@dataclass
class ClientSettings:
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    status_style: str | None = None
    inlay_hints: bool = True
    scope: str = "openFiles"
    debounce_ms: int = 250

    @classmethod
    def parse(cls, raw: Any) -> tuple[ClientSettings, list[str]]:
        """Settings from the client, and a message for each value that was ignored (naming the
        setting, what it must be and what it was). Unset keys (or null) keep the defaults."""
        reader = _Reader()
        out = cls()
        if not isinstance(raw, dict):
            return out, []
        section = raw.get("fastapiStatus", raw)
        if section is None:
            return out, []
        if not isinstance(section, dict):
            return out, [f"fastapiStatus must be an object of settings; it is {shown(section)}"]
        if "fastapiStatus" in raw:
            reader.unknown_keys(section)
        out.select = reader.codes(section, "select")
        out.ignore = reader.codes(section, "ignore") or []
        out.severity = reader.severity(section.get("severity"))
        out.status_style = reader.choice(section, "statusStyle", STATUS_STYLES)
        out.inlay_hints = reader.boolean(section, "inlayHints", out.inlay_hints)
        out.scope = reader.choice(section, "scope", SCOPES) or out.scope
        out.debounce_ms = reader.milliseconds(section, "debounce", out.debounce_ms)
        return out, reader.problems


class _Reader:
    """Reads one setting at a time, collecting a message for each value it cannot use."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def wrong(self, key: str, expected: str, value: Any) -> None:
        self.problems.append(f"fastapiStatus.{key} must be {expected}; it is {shown(value)} (ignored)")

    def unknown_keys(self, section: dict) -> None:
        for key in section:
            if key not in KNOWN and key not in CLIENT_SIDE:
                self.problems.append(f"fastapiStatus.{key} is not a setting of the fastapi-status server (ignored)")

    def codes(self, section: dict, key: str) -> list[str] | None:
        """A list of rule codes; a string is taken as a list (`"FST201"`, `"FST1, FST201"`)."""
        value = section.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [v for v in re.split(r"[\s,]+", value) if v]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.wrong(key, 'a list of rule codes (strings, e.g. ["FST201"])', value)
            return None
        good = []
        for v in value:
            try:
                expand_selector(v)
                good.append(v)
            except ValueError:
                self.problems.append(f"fastapiStatus.{key}: unknown rule code {v!r} (ignored)")
        return good if good or not value else None  # nothing usable: as if unset

    def severity(self, value: Any) -> dict[str, Severity]:
        """An object of rule code → level."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.wrong("severity", 'an object of rule code to level (e.g. {"FST201": "error"})', value)
            return {}
        out = {}
        for code, level in value.items():
            if code.upper() not in CODES and code.upper() != SYNTAX_ERROR_CODE:
                self.problems.append(f"fastapiStatus.severity: unknown rule code {code!r} (ignored)")
            elif not isinstance(level, str) or level.lower() not in SEVERITIES:
                self.wrong(f"severity.{code}", "one of " + ", ".join(SEVERITIES), level)
            else:
                out[code.upper()] = Severity(level.lower())
        return out

    def choice(self, section: dict, key: str, allowed: tuple[str, ...]) -> str | None:
        value = section.get(key)
        if value is None or value in allowed:
            return value
        self.wrong(key, "one of " + ", ".join(allowed), value)
        return None

    def boolean(self, section: dict, key: str, default: bool) -> bool:
        value = section.get(key)
        if value is None or isinstance(value, bool):
            return default if value is None else value
        self.wrong(key, "true or false", value)
        return default

    def milliseconds(self, section: dict, key: str, default: int) -> int:
        value = section.get(key)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 and value == int(value):
            return int(value)
        self.wrong(key, "a whole number of milliseconds, 0 or more", value)
        return default


def settings_for(path: Path | None, client: ClientSettings, finder: ConfigFinder) -> tuple[Settings, str | None]:
    """Core settings for one document: pyproject.toml first, the client's settings over it.
    A broken pyproject.toml is reported (second value) and the client settings alone are used."""
    overrides = Overrides(select=client.select, ignore=list(client.ignore), status_style=client.status_style)
    if path is None:
        from fastapi_status.config import Config

        return Config(root=Path.cwd(), path=None).settings_for(Path("untitled.py"), overrides), None
    try:
        return finder.settings_for(path, overrides), None
    except ConfigError as exc:
        from fastapi_status.config import Config

        return Config(root=path.parent, path=None).settings_for(path, overrides), str(exc)
