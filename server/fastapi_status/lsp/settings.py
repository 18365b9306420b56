"""Client settings (section `fastapiStatus`), merged over the document's pyproject.toml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi_status.config import ConfigError, ConfigFinder, Overrides
from fastapi_status.core.analyze import Settings
from fastapi_status.core.diagnostics import Severity
from fastapi_status.rules import expand_selector

STATUS_STYLES = ("auto", "constant", "number")
SCOPES = ("openFiles", "workspace")


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
    def parse(cls, raw: Any) -> tuple["ClientSettings", list[str]]:
        """Settings from the client, and a message for each value that was ignored."""
        problems: list[str] = []
        out = cls()
        if not isinstance(raw, dict):
            return out, problems
        raw = raw.get("fastapiStatus", raw)
        if not isinstance(raw, dict):
            return out, problems

        def codes(key: str) -> list[str] | None:
            value = raw.get(key)
            if value is None:
                return None
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"fastapiStatus.{key} must be a list of rule codes")
                return None
            good = []
            for v in value:
                try:
                    expand_selector(v)
                    good.append(v)
                except ValueError:
                    problems.append(f"fastapiStatus.{key}: unknown rule code {v!r}")
            return good if good or not value else None  # nothing usable: as if unset

        out.select = codes("select")
        out.ignore = codes("ignore") or []
        severity = raw.get("severity") or {}
        if isinstance(severity, dict):
            for code, level in severity.items():
                try:
                    out.severity[code.upper()] = Severity(str(level).lower())
                except ValueError:
                    problems.append(f"fastapiStatus.severity.{code}: {level!r} is not error, warning, info or hint")
        def choice(key: str, allowed: tuple[str, ...]) -> str | None:
            value = raw.get(key)
            if value is None or value in allowed:
                return value
            problems.append(f"fastapiStatus.{key} must be one of {', '.join(allowed)}")
            return None

        out.status_style = choice("statusStyle", STATUS_STYLES)
        if isinstance(raw.get("inlayHints"), bool):
            out.inlay_hints = raw["inlayHints"]
        out.scope = choice("scope", SCOPES) or out.scope
        debounce = raw.get("debounce")
        if isinstance(debounce, int) and debounce >= 0:
            out.debounce_ms = debounce
        return out, problems


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
