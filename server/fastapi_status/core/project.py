"""The project's other modules, as far as the rules follow a call into them.

A `ProjectIndex` knows the project's modules by dotted name (from the file layout: a folder is a
package when it holds an `__init__.py`; `src/` and other source roots need no configuration)
and parses one only when a rule follows a call into it, once. It does no I/O of its own: the
engine gives it the list of files and a function that reads one (the CLI reads the disk, the
server prefers the text of an open editor).

`resolve` turns a call in a module (`validate_email(email)` after `from app.auth import
validate_email`, `auth.validate_email(…)`, `Session.require(sid)`, relative imports) into the
function it runs in the project; anything else (a library, a method of an instance, a name
bound at run time) is unresolved, and the rules stay silent about it.

A `ProjectView` is the index seen from one module: its name, and the files read on its behalf
(a cache of that module's findings is valid while they are unchanged).
"""

from __future__ import annotations

import ast
import bisect
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from fastapi_status.core.imports import ImportMap, collect_imports, import_statements
from fastapi_status.core.index import NodeIndex, cached_on
from fastapi_status.core.model import FunctionNode, statement_first_line
from fastapi_status.core.text import parse_quietly

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_MAX_MODULE_BYTES = 5_000_000


@dataclass
class ModuleInfo:
    name: str
    path: str | None
    tree: ast.Module
    imports: ImportMap
    functions: dict[str, FunctionNode]  # module-level defs
    classes: dict[str, ast.ClassDef]  # module-level classes

    @classmethod
    def of(cls, name: str, path: str | None, tree: ast.Module, imports: ImportMap | None = None) -> "ModuleInfo":
        functions = {s.name: s for s in tree.body if isinstance(s, _DEFS)}
        classes = {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}
        if imports is None:
            imports = collect_imports(tree, statements=import_statements(tree))
        return cls(name, path, tree, imports, functions, classes)

    def owner(self, function: FunctionNode) -> str | None:
        """The name of the module-level class whose body defines `function`, if any (found by
        line, without reading the module's other classes)."""
        starts = cached_on(self.tree, "top_starts", lambda: [statement_first_line(s) for s in self.tree.body])
        i = bisect.bisect_right(starts, function.lineno) - 1
        top = self.tree.body[i] if i >= 0 else None
        if isinstance(top, ast.ClassDef) and any(s is function for s in top.body):
            return top.name
        return None

    def method(self, class_name: str, name: str) -> FunctionNode | None:
        cls = self.classes.get(class_name)
        if cls is None:
            return None
        return next((s for s in cls.body if isinstance(s, _DEFS) and s.name == name), None)


def node_index(tree: ast.Module) -> NodeIndex:
    """The node index of a module the project index parsed (built once, when its model is
    asked for; see `indexed`)."""
    return cached_on(tree, "node-index", lambda: NodeIndex(tree))


def indexed(tree: ast.Module) -> NodeIndex | None:
    """The module's node index if it was built (a module only called into has none)."""
    return getattr(tree, "_fastapi_status_node-index", None)


@dataclass(frozen=True)
class Target:
    """A function of the project a call runs: where it is, and its module."""

    module: ModuleInfo
    function: FunctionNode
    class_name: str | None = None


def module_names(paths: Iterable[str]) -> dict[str, str]:
    """Dotted module name -> path, for the Python files given: `app/api/items.py` is
    `app.api.items` when `app/` holds an `__init__.py` (among the files given; `app/api/`
    then is a namespace package of it if it has none), `items` when it does not."""
    paths = [os.path.normpath(p) for p in paths]
    packages = {os.path.dirname(p) for p in paths if os.path.basename(p) == "__init__.py"}
    names: dict[str, str] = {}
    for path in sorted(paths):
        folder, file = os.path.split(path)
        stem = file[:-3] if file.endswith(".py") else file
        parts = [] if stem == "__init__" else [stem]
        # A folder in a package is a (namespace) package of it even without an `__init__.py`.
        while folder in packages or (folder and _inside_package(folder, packages)):
            folder, package = os.path.split(folder)
            parts.insert(0, package)
        if parts and all(p.isidentifier() for p in parts):
            names.setdefault(".".join(parts), path)
    return names


def _inside_package(folder: str, packages: set[str]) -> bool:
    """Some folder above `folder` (up to the first that is not a package) is a package."""
    parent = os.path.dirname(folder)
    return bool(parent) and parent != folder and parent in packages


class ProjectIndex:
    def __init__(self, modules: Mapping[str, str], read: Callable[[str], str | None]) -> None:
        self.modules = dict(modules)  # dotted name -> path
        self._names = {path: name for name, path in self.modules.items()}
        self._read = read
        self._parsed: dict[str, ModuleInfo | None] = {}
        self._digests: dict[str, int] = {}  # name -> hash of the text parsed
        # Per-function facts the rules compute once (`raises.escapes`), by key.
        self.memo: dict[object, object] = {}

    @classmethod
    def of_files(cls, paths: Iterable[str], read: Callable[[str], str | None]) -> "ProjectIndex":
        return cls(module_names(paths), read)

    def name_of(self, path: str | None) -> str | None:
        if not path:
            return None
        path = os.path.normpath(path)
        return self._names.get(path) or self._names.get(os.path.realpath(path))

    def view(self, path: str | None) -> "ProjectView":
        return ProjectView(self, self.name_of(path), os.path.normpath(path) if path else None)

    def module(self, name: str, reads: set[str] | None = None) -> ModuleInfo | None:
        path = self.modules.get(name)
        if path is None:
            return None
        if reads is not None:
            reads.add(path)
        if name not in self._parsed:
            self._parsed[name] = self._load(name, path)
        return self._parsed[name]

    def mentions(self, name: str, words: tuple[str, ...]) -> bool:
        """The module's text holds one of `words` (read, not parsed: a cheap first filter)."""
        path = self.modules.get(name)
        text = self._read(path) if path is not None and name not in self._parsed else None
        if text is None:
            return name in self._parsed and self._parsed[name] is not None
        return any(word in text for word in words)

    def _load(self, name: str, path: str) -> ModuleInfo | None:
        text = self._read(path)
        if text is None or len(text) > _MAX_MODULE_BYTES:
            return None
        self._digests[name] = hash(text)
        try:
            tree = parse_quietly(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return ModuleInfo.of(name, path, tree)  # type: ignore[arg-type]

    def preload(self, name: str, info: ModuleInfo, text: str) -> None:
        """The module, already parsed from `text` (the module being checked: not parsed again)."""
        self._parsed[name] = info
        self._digests[name] = hash(text)

    def holds(self, name: str, text: str) -> bool:
        """The module was parsed from this very text (not an older or newer one: a fix being
        applied, an edit not yet seen)."""
        return self.module(name) is not None and self._digests.get(name) == hash(text)

    def parsed_paths(self) -> set[str]:
        """The files of the modules parsed so far."""
        return {self.modules[name] for name, info in self._parsed.items() if info is not None}

    def forget(self, path: str) -> None:
        """The file changed: parse it again when next asked, and drop the facts that read it
        (the server calls this). A fact kept in `memo` is `(value, names of the modules it
        read)`."""
        name = self.name_of(path)
        if name is None:
            return
        self._parsed.pop(name, None)
        self._digests.pop(name, None)
        stale = [key for key, value in self.memo.items() if not isinstance(value, tuple) or name in value[-1]]
        for key in stale:
            del self.memo[key]

    # -- resolving calls --------------------------------------------------------------------

    def _split(
        self, caller: str | None, imports: ImportMap, expr: ast.expr, reads: set[str] | None
    ) -> tuple[ModuleInfo, list[str]] | None:
        """The project module an expression's name starts in, and the rest of the name."""
        qualname = imports.qualname(expr)
        if qualname is None:
            return None
        qualname = absolute(qualname, caller, caller_is_package=self._is_package(caller))
        if qualname is None:
            return None
        parts = qualname.split(".")
        # The longest prefix that is a module of the project; the rest is `f` or `Class.method`.
        for cut in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:cut])
            if name in self.modules:
                info = self.module(name, reads)
                return (info, parts[cut:]) if info is not None else None
        return None

    def resolve_class(
        self, caller: str | None, imports: ImportMap, expr: ast.expr, reads: set[str] | None = None
    ) -> tuple[ModuleInfo, ast.ClassDef] | None:
        """The project class a name refers to (`ElementRequest` after `from app.types import
        ElementRequest`)."""
        found = self._split(caller, imports, expr, reads)
        if found is None or len(found[1]) != 1:
            return None
        info, (name,) = found
        cls = info.classes.get(name)
        return (info, cls) if cls is not None else None

    def resolve(self, caller: str | None, imports: ImportMap, func: ast.expr, reads: set[str] | None = None) -> Target | None:
        """The project function a call's callee names, through the caller's imports."""
        found = self._split(caller, imports, func, reads)
        if found is not None:
            info, rest = found
            if len(rest) == 1:
                function = info.functions.get(rest[0])
                if function is None:
                    return self._reexported(info, rest[0], reads)
                return Target(info, function)
            if len(rest) == 2:
                method = info.method(rest[0], rest[1])
                return Target(info, method, rest[0]) if method is not None else None
        return None

    def _reexported(self, info: ModuleInfo, name: str, reads: set[str] | None) -> Target | None:
        """`from .auth import validate_email` in a package's `__init__.py`, imported from the
        package: one hop."""
        binding = info.imports.bindings.get(name)
        if binding is None:
            return None
        qualname = absolute(binding.qualname, info.name, caller_is_package=self._is_package(info.name))
        if qualname is None or "." not in qualname:
            return None
        module, _, attr = qualname.rpartition(".")
        target = self.module(module, reads)
        if target is None or attr not in target.functions:
            return None
        return Target(target, target.functions[attr])

    def _is_package(self, name: str | None) -> bool:
        path = self.modules.get(name or "")
        return bool(path) and os.path.basename(path) == "__init__.py"


def absolute(qualname: str, caller: str | None, caller_is_package: bool = False) -> str | None:
    """`..auth.check` imported in `app.api.items` is `app.auth.check`; an absolute name is
    itself. None when the dots climb above the top package, or the caller is unknown."""
    if not qualname.startswith("."):
        return qualname
    level = len(qualname) - len(qualname.lstrip("."))
    if caller is None:
        return None
    package = caller.split(".") if caller_is_package else caller.split(".")[:-1]
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    rest = qualname[level:]
    return ".".join([*base, rest]) if rest else ".".join(base) or None


@dataclass
class ProjectView:
    """The project seen from one module (`name`, at `path`)."""

    index: ProjectIndex
    name: str | None
    path: str | None
    reads: set[str] = field(default_factory=set)  # the other files read for this module

    def resolve(self, imports: ImportMap, func: ast.expr) -> Target | None:
        target = self.index.resolve(self.name, imports, func, self.reads)
        if target is not None and target.module.path == self.path:
            return None  # (this module: the caller's own model answers)
        return target
