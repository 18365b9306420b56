"""What the names of a module refer to, resolved from its imports (never by importing anything).

Names resolve to canonical dotted names, with the aliases FastAPI re-exports from Starlette
folded together, so `starlette.status.HTTP_404_NOT_FOUND`, `fastapi.status.HTTP_404_NOT_FOUND`
and `http_status.HTTP_404_NOT_FOUND` (after `from fastapi import status as http_status`) are
one name.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field

from fastapi_status.core.index import NodeIndex, module_level_first

FRAMEWORK_ROOTS = ("fastapi", "starlette")

# Longest prefix first; each maps a module path or a name to the one we use.
_CANONICAL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("starlette.status", "fastapi.status"),
    ("starlette.responses", "fastapi.responses"),
    ("starlette.exceptions.HTTPException", "fastapi.HTTPException"),
    ("fastapi.exceptions.HTTPException", "fastapi.HTTPException"),
    ("starlette.requests.Request", "fastapi.Request"),
    ("fastapi.requests.Request", "fastapi.Request"),
    ("fastapi.routing.APIRouter", "fastapi.APIRouter"),
    ("fastapi.applications.FastAPI", "fastapi.FastAPI"),
    ("starlette.background.BackgroundTasks", "fastapi.BackgroundTasks"),
    ("fastapi.param_functions", "fastapi"),
    ("fastapi.params.Depends", "fastapi.Depends"),
)

# Names that a star import (`from fastapi import *`) brings in and that we care about.
_STAR_EXPORTS = {
    "fastapi": {"FastAPI", "APIRouter", "HTTPException", "Depends", "Response", "Request", "status", "Security"},
    "fastapi.responses": {
        "Response",
        "JSONResponse",
        "HTMLResponse",
        "PlainTextResponse",
        "RedirectResponse",
        "StreamingResponse",
        "FileResponse",
        "ORJSONResponse",
        "UJSONResponse",
    },
}


@functools.lru_cache(maxsize=4096)
def canonical(name: str) -> str:
    if not name.startswith(("fastapi", "starlette")):
        return name  # (every prefix below is FastAPI's or Starlette's)
    for prefix, target in _CANONICAL_PREFIXES:
        if name == prefix or name.startswith(prefix + "."):
            return target + name[len(prefix) :]
    if name == "fastapi.Response":
        return "fastapi.responses.Response"
    return name


@dataclass
class Binding:
    qualname: str  # canonical dotted name the local name refers to
    node: ast.stmt  # the import statement
    top_level: bool


@dataclass
class ImportMap:
    bindings: dict[str, Binding] = field(default_factory=dict)
    star_modules: list[str] = field(default_factory=list)
    imports_framework: bool = False
    _resolved: dict[tuple[str, ...], str | None] = field(default_factory=dict, repr=False, compare=False)

    def lookup(self, name: str) -> str | None:
        binding = self.bindings.get(name)
        if binding is not None:
            return binding.qualname
        for module in self.star_modules:
            if name in _STAR_EXPORTS.get(module, ()):
                return canonical(f"{module}.{name}")
        return None

    def qualname(self, expr: ast.AST) -> str | None:
        """`a.b.c` resolved through the imports, or None when its root is not imported."""
        parts = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return None
        key = (expr.id, *parts)
        if key in self._resolved:
            return self._resolved[key]
        root = self.lookup(expr.id)
        result = None if root is None else canonical(".".join([root, *reversed(parts)]))
        self._resolved[key] = result
        return result

    def local_names_for(self, qualname: str) -> list[str]:
        """Local names bound (at top level) directly to `qualname`, or brought in under their own
        name by a star import (`from fastapi import *` binds `HTTPException` and `status`)."""
        names = [n for n, b in self.bindings.items() if b.qualname == qualname and b.top_level]
        module, _, short = qualname.rpartition(".")
        if not names and short not in self.bindings:
            for star in self.star_modules:
                if short in _STAR_EXPORTS.get(star, ()) and canonical(f"{star}.{short}") == qualname:
                    names.append(short)
                    break
        return names


def import_statements(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of the module, at any depth (a walk of its statements only: an
    import is never inside an expression). For a module no rule analyses, cheaper than its
    node index."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            found.append(stmt)
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(stmt, name, None)
            if block:
                stack.extend(block)
        for part in (*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())):
            stack.extend(part.body)
    return found


def collect_imports(tree: ast.Module, index: "NodeIndex | None" = None, statements: list | None = None) -> ImportMap:
    """The module's imports, from its node index or (`statements`) from `import_statements`."""
    imports = ImportMap()
    top_level = {id(n) for n in tree.body}
    if statements is None:
        statements = (index or NodeIndex(tree)).of_types(ast.Import, ast.ImportFrom)
    for node in module_level_first(statements, tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root in FRAMEWORK_ROOTS:
                    imports.imports_framework = True
                if alias.asname:
                    local, target = alias.asname, alias.name
                else:
                    local = target = root
                imports.bindings.setdefault(local, Binding(canonical(target), node, id(node) in top_level))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = "." * node.level + module
            elif module.split(".")[0] in FRAMEWORK_ROOTS:
                imports.imports_framework = True
            for alias in node.names:
                if alias.name == "*":
                    if not node.level:
                        imports.star_modules.append(canonical(module))
                    continue
                local = alias.asname or alias.name
                target = f"{module}.{alias.name}" if module and not module.endswith(".") else module + alias.name
                imports.bindings.setdefault(local, Binding(canonical(target), node, id(node) in top_level))
    return imports
