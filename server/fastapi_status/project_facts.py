"""What a project's own files say that the checks need, read once per folder (no import, no
network): the line length its formatter keeps, and the FastAPI/Starlette versions it allows.

- Line length: `[tool.fastapi-status] line-length`, else `[tool.ruff] line-length`, else
  `[tool.black] line-length` in the nearest pyproject.toml, else `line-length` in a `ruff.toml` /
  `.ruff.toml` beside it; 88 (ruff's and black's default) when none says.
- Versions: the dependencies declared in the nearest pyproject.toml (`[project] dependencies`,
  its optional dependencies and `[dependency-groups]`, `[tool.poetry.dependencies]`) and in a
  `requirements.txt` beside it. When every allowed Starlette is older than 0.48, or every allowed
  FastAPI older than 0.116.2 (which allows no Starlette 0.48), the old status constant names
  (`HTTP_422_UNPROCESSABLE_ENTITY`) are the current ones and the new ones do not exist.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_LINE_LENGTH = 88
# The first releases with the RFC 9110 names (`HTTP_422_UNPROCESSABLE_CONTENT`, ...).
RENAMED_IN = {"starlette": (0, 48, 0), "fastapi": (0, 116, 2)}

Version = tuple[int, ...]


@dataclass(frozen=True)
class ProjectFacts:
    line_length: int = DEFAULT_LINE_LENGTH
    new_status_names: bool = True  # False: the project pins a Starlette without them


def read_toml(path: Path) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # (a broken file is reported by the configuration, when it is ours)


def facts_for(directory: str, cache: dict[str, ProjectFacts]) -> ProjectFacts:
    """The facts of the project the folder belongs to: its nearest pyproject.toml (or
    requirements.txt), walking up. `cache` holds what was read before (per folder)."""
    return _facts(os.path.realpath(directory), cache)


def _facts(directory: str, cache: dict[str, ProjectFacts]) -> ProjectFacts:
    found = cache.get(directory)
    if found is not None:
        return found
    pyproject, requirements = Path(directory, "pyproject.toml"), Path(directory, "requirements.txt")
    if pyproject.is_file() or requirements.is_file():
        data = (read_toml(pyproject) if pyproject.is_file() else None) or {}
        requires = list(declared_requirements(data))
        if requirements.is_file():
            requires += _requirement_lines(requirements)
        found = ProjectFacts(line_length(data, Path(directory)), not pins_old_status_names(requires))
    else:
        parent = os.path.dirname(directory)
        found = _facts(parent, cache) if parent != directory else ProjectFacts()
    cache[directory] = found
    return found


def line_length(data: dict[str, Any], directory: Path) -> int:
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    for table in (tool.get("fastapi-status"), tool.get("ruff"), tool.get("black")):
        value = table.get("line-length") if isinstance(table, dict) else None
        if isinstance(value, int) and value > 0:
            return value
    for name in ("ruff.toml", ".ruff.toml"):
        ruff = Path(directory, name)
        if ruff.is_file():
            value = (read_toml(ruff) or {}).get("line-length")
            if isinstance(value, int) and value > 0:
                return value
    return DEFAULT_LINE_LENGTH


def declared_requirements(data: dict[str, Any]) -> Iterable[str]:
    """PEP 508 strings (and Poetry's `name = "^1.2"` written as `name ^1.2`)."""
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    yield from _strings(project.get("dependencies"))
    optional = project.get("optional-dependencies")
    for group in (optional.values() if isinstance(optional, dict) else ()):
        yield from _strings(group)
    groups = data.get("dependency-groups")
    for group in (groups.values() if isinstance(groups, dict) else ()):
        yield from _strings(group)
    poetry = (data.get("tool") or {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    for name, spec in (deps.items() if isinstance(deps, dict) else ()):
        version = spec.get("version") if isinstance(spec, dict) else spec
        if isinstance(version, str):
            yield f"{name} {version}"


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _requirement_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.strip() and not line.startswith("-")]


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")
_CLAUSE = re.compile(r"(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*([0-9][0-9A-Za-z.*+!-]*)")


def pins_old_status_names(requirements: Iterable[str]) -> bool:
    """Every Starlette (or FastAPI) the requirements allow predates the renamed constants."""
    for requirement in requirements:
        m = _REQUIREMENT.match(requirement.split(";", 1)[0])
        if not m:
            continue
        name = m.group(1).lower().replace("_", "-")
        if name not in RENAMED_IN:
            continue
        bound = upper_bound(m.group(2))
        if bound is not None and _below(bound, RENAMED_IN[name]):
            return True
    return False


def upper_bound(specifier: str) -> tuple[Version, bool] | None:
    """The highest version a specifier allows: (version, inclusive). None: no upper bound.
    `~=0.115.0` → ((0, 116), False); `<0.48` → ((0, 48), False); `==0.115.*` → ((0, 116), False);
    Poetry's `^0.115.2` → ((0, 116), False)."""
    best: tuple[Version, bool] | None = None
    for clause in specifier.replace(" ", "").split(","):
        m = _CLAUSE.fullmatch(clause)
        if not m or not clause:
            continue
        op, text = m.group(1) or "==", m.group(2)
        bound = _clause_bound(op, text)
        if bound is not None and (best is None or _tighter(bound, best)):
            best = bound
    return best


def _clause_bound(op: str, text: str) -> tuple[Version, bool] | None:
    wildcard = text.endswith(".*")
    parts = _parse(text.removesuffix(".*"))
    if parts is None:
        return None
    if op in ("<", "<="):
        return parts, op == "<="
    if op in ("==", "==="):
        return (_bump(parts, len(parts) - 1), False) if wildcard else (parts, True)
    if op == "~=" and len(parts) >= 2:
        return _bump(parts, len(parts) - 2), False
    if op == "^":
        first = next((i for i, p in enumerate(parts) if p), len(parts) - 1)
        return _bump(parts, first), False
    if op == "~":
        return _bump(parts, min(1, len(parts) - 1)), False
    return None


def _parse(text: str) -> Version | None:
    numbers = []
    for piece in text.split("."):
        digits = re.match(r"\d+", piece)
        if not digits:
            break
        numbers.append(int(digits.group()))
        if digits.end() != len(piece):
            break  # a pre-release or local part ends the release number
    return tuple(numbers) or None


def _bump(parts: Version, index: int) -> Version:
    return (*parts[:index], parts[index] + 1)


def _pad(v: Version) -> Version:
    return v + (0,) * (4 - len(v))


def _tighter(a: tuple[Version, bool], b: tuple[Version, bool]) -> bool:
    return (_pad(a[0]), a[1]) < (_pad(b[0]), b[1])


def _below(bound: tuple[Version, bool], first_new: Version) -> bool:
    """Every version under `bound` is older than `first_new`."""
    version, inclusive = _pad(bound[0]), bound[1]
    return version < _pad(first_new) or (version == _pad(first_new) and not inclusive)
