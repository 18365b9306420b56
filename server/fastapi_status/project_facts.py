"""What a project's own files say that the checks need, read once per folder (no import, no
network): the line length its formatter keeps, the FastAPI/Starlette versions it allows, and
the exceptions its apps map to answers.

- Line length: `[tool.fastapi-status] line-length`, else `[tool.ruff] line-length`, else
  `[tool.black] line-length` in the nearest pyproject.toml, else `line-length` in a `ruff.toml` /
  `.ruff.toml` beside it; 88 (ruff's and black's default) when none says.
- Versions: the dependencies declared in the nearest pyproject.toml (`[project] dependencies`,
  its optional dependencies and `[dependency-groups]`, `[tool.poetry.dependencies]`) and in a
  `requirements.txt` beside it. When every allowed Starlette is older than 0.48, or every allowed
  FastAPI older than 0.116.2 (which allows no Starlette 0.48), the old status constant names
  (`HTTP_422_UNPROCESSABLE_ENTITY`) are the current ones and the new ones do not exist.
- Exception handlers: the exception classes (by name) that any module of the project registers
  a handler for (`@app.exception_handler(ValueError)`, `app.add_exception_handler(X, …)`,
  `FastAPI(exception_handlers={X: …})`, also through a loop over a list or over a dict of the
  project), read from the Python files under the project's root (the folder of that
  pyproject.toml), tests left out. A registration whose class cannot be read counts as `*`: it
  may map anything. One in a string, a docstring or a comment (an example) does not count.
  An exception so mapped answers what the app's handler chooses, not 500.
"""

from __future__ import annotations

import ast
import os
import re
import stat
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
    # Exception classes the project's apps have handlers for (names; "*": one not read).
    handled_exceptions: frozenset[str] = frozenset()
    # The project's folder (of its pyproject.toml or requirements.txt); None: none found.
    root: str | None = None


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
        found = ProjectFacts(
            line_length(data, Path(directory)), not pins_old_status_names(requires), handled_exceptions(directory),
            directory,
        )
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


# Not the app: tests register handlers on apps of their own.
_SKIP_DIRS = {".venv", "venv", ".git", "node_modules", "__pycache__", "build", "dist", ".tox", ".nox", "site-packages",
              "tests", "test"}
_REGISTERS = (b"exception_handler",)  # `exception_handler(`, `add_exception_handler(`, `exception_handlers=`
_MAX_FILE = 5_000_000


def handled_exceptions(root: str) -> frozenset[str]:
    """The exception classes the project under `root` registers handlers for (see the module's
    docstring). Registrations of a class by name are read from the text; a file is parsed only
    when one registers a variable (`for exc, handler in HANDLERS.items(): app.add_exception_handler(exc, …)`)."""
    registered: set[str] = set()
    loops: list[str] = []  # dicts iterated by `for exc, handler in NAME.items()`
    dicts: dict[str, set[str]] = {}  # module-level dict name -> its keys' names, across files
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        for name in filenames:
            if not name.endswith(".py") or name == "conftest.py" or name.startswith("test_") or name.endswith("_test.py"):
                continue
            try:
                path = os.path.join(dirpath, name)
                info = os.stat(path)
                if info.st_size > _MAX_FILE or not stat.S_ISREG(info.st_mode):
                    continue  # (a FIFO would block the read)
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if b"exception_handler" not in data:
                continue
            text = data.decode("utf-8", "replace")
            for m in _DICT_ITEM.finditer(text):
                dicts.setdefault(m.group(1), set()).add(m.group(2).rsplit(".", 1)[-1])
            simple = _read_registrations(text)
            if simple is not None:
                registered |= simple
                continue
            try:
                tree = ast.parse(data)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                registered.add("*")
                continue
            _registrations(tree, registered, loops, dicts)
    for name in loops:
        registered |= dicts.get(name, {"*"})
    return frozenset(registered)


_REGISTRATION = re.compile(r"exception_handler\(\s*([A-Za-z_][\w.]*)")
# (Patterns that start with their literal text: the others cost tens of ms on a 1 MB module.)
_HANDLERS_DICT = re.compile(r"""exception_handlers["']?\s*[=:]\s*\{""")  # (keyword, or a kwargs dict's key)
_HANDLERS_OTHER = re.compile(r"""exception_handlers["']?\s*=\s*(?!\{)""")
_DICT_KEY = re.compile(r"([A-Za-z_][\w.]*)\s*:")
_BRACES = re.compile(r"[{}]")
_DICT_ITEM = re.compile(r"^([A-Za-z_]\w*)\[([A-Za-z_][\w.]*)\]\s*=", re.M)


def _quoted(text: str, position: int) -> bool:
    """In a string or a comment (by what precedes it on its line), or in a triple-quoted string
    (a docstring: by counting the quotes before)."""
    line_start = text.rfind("\n", 0, position) + 1
    if any(q in text[line_start:position] for q in ("'", '"', "#", "`")):
        return True
    return text.count('"""', 0, position) % 2 == 1 or text.count("'''", 0, position) % 2 == 1


def _read_registrations(text: str) -> set[str] | None:
    """The classes registered by name in the file's text; None when some registration names
    a variable or a dict that only parsing can resolve."""
    found: set[str] = set()
    for m in _REGISTRATION.finditer(text):
        before = text[max(0, m.start() - 5) : m.start()]
        if not (before.endswith(".") or before == ".add_"):
            continue  # (`def validation_exception_handler(request, exc)`)
        if _quoted(text, m.start()):
            continue  # (in a string or a comment: an example in a docstring, a test's source)
        name = m.group(1).rsplit(".", 1)[-1]
        if not name[:1].isupper():
            return None
        found.add(name)
    if "exception_handlers" not in text:
        return found
    for m in _HANDLERS_DICT.finditer(text):
        start = m.start() - 1 if m.start() and text[m.start() - 1] in "'\"" else m.start()
        if _quoted(text, start):  # (`"exception_handlers": {…}` is a key, not a string)
            continue
        depth, end = 1, len(text)
        for brace in _BRACES.finditer(text, m.end()):
            depth += 1 if brace.group() == "{" else -1
            if not depth:
                end = brace.start()
                break
        body = re.sub(r"#[^\n]*", "", text[m.end() : end])
        if "{" in body:
            return None
        found |= {k.rsplit(".", 1)[-1] for k in _DICT_KEY.findall(body)}
    if _HANDLERS_OTHER.search(text):
        return None
    return found


def _registrations(tree: ast.Module, registered: set[str], loops: list[str], dicts: dict[str, set[str]]) -> None:
    for stmt in tree.body:  # module-level dicts of handlers, and the keys set on them later
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            if isinstance(target, ast.Name) and isinstance(stmt.value, ast.Dict):
                dicts.setdefault(target.id, set()).update(_name(k) for k in stmt.value.keys if k is not None)
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                dicts.setdefault(target.value.id, set()).add(_name(target.slice))
    # A registration inside `for exc in …:` registers what the loop goes over (the innermost
    # loop that binds the name).
    loop_of: dict[int, ast.For | ast.AsyncFor] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.AsyncFor)):
            names = _names(node.target)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and inner.args and isinstance(inner.args[0], ast.Name):
                    if names and inner.args[0].id == names[0]:
                        loop_of[id(inner)] = node  # (ast.walk is breadth-first: inner loops come later)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if attr in ("exception_handler", "add_exception_handler") and node.args:
            registered |= _classes(node.args[0], loop_of.get(id(node)), loops)
        for kw in node.keywords:
            if kw.arg == "exception_handlers":
                if isinstance(kw.value, ast.Dict):
                    registered |= {_name(k) for k in kw.value.keys if k is not None}
                elif isinstance(kw.value, ast.Name):
                    loops.append(kw.value.id)
                else:
                    registered.add("*")


def _classes(expr: ast.AST, loop: ast.For | ast.AsyncFor | None, loops: list[str]) -> set[str]:
    """The class names a registration's first argument stands for."""
    if isinstance(expr, ast.Name) and not expr.id[:1].isupper():
        if loop is None:
            return {"*"}
        it = loop.iter
        if isinstance(it, (ast.List, ast.Tuple, ast.Set)):
            return {_name(e) for e in it.elts}
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("items", "keys"):
            it = it.func.value
        if isinstance(it, ast.Name):
            loops.append(it.id)
            return set()
        return {"*"}
    return {_name(expr)}


def _name(expr: ast.AST) -> str:
    """`ValueError` for `ValueError` or `errors.ValueError`; `*` for anything else."""
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int):
        return str(expr.value)  # a status code: `exception_handlers={404: …}` (not an exception)
    return "*"


def _names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for e in target.elts for n in _names(e)]
    return []
