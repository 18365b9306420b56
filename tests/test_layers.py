"""The package's layers, and that every import goes down them (README, Layout).

text -> module analysis -> project model -> rules and fixes -> engine -> workspace (files and
configuration) -> the command line and the language server. A module imports only from its
own layer or the ones before it, wherever the import is (module level or inside a function); a
type-only import (under `if TYPE_CHECKING:`) may name a later layer's type, but no import of
any kind closes a circle."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "fastapi_status"

LAYERS = {
    "text": [
        "fastapi_status", "core", "core.text", "core.failures", "core.diagnostics", "core.statuses",
        "core.codes", "core.settings",
    ],
    "module analysis": [
        "core.imports", "core.index", "core.model", "core.params", "core.flow", "core.values", "core.callees",
        "core.payloads", "core.answers", "core.status_sites", "core.messages", "core.inputs", "core.context",
    ],
    "project model": [
        "core.project", "core.project_routes", "core.documented", "core.route_statuses", "core.exception_handlers", "core.raises",
        "core.project_answers",
    ],
    "rules and fixes": ["rules", "rules.*", "fixes", "fixes.*"],
    "engine": ["core.analyze", "core.incremental", "core.fix_all", "core.routes_info"],
    "workspace": ["files", "config", "project_facts"],
    "interfaces": ["cli", "cli.*", "lsp", "lsp.*", "__main__", "docs"],
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts) or "fastapi_status"] = path
    return found


def _layer(module: str) -> int:
    for rank, (_, members) in enumerate(LAYERS.items()):
        for member in members:
            if module == member or (member.endswith(".*") and module.startswith(member[:-1])):
                return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (and to the README's Layout)")


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, int, bool]]:
    """(imported module, line, type-only) for each import of the package in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {
        id(node)
        for guard in ast.walk(tree)
        if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.unparse(guard.test)
        for node in ast.walk(guard)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or not node.module.startswith("fastapi_status"):
            continue
        base = node.module.removeprefix("fastapi_status").lstrip(".") or "fastapi_status"
        for alias in node.names:
            full = f"{base}.{alias.name}" if base != "fastapi_status" else alias.name
            target = full if full in modules else base
            found.append((target, node.lineno, id(node) in type_only))
    return found


def test_every_module_is_in_a_layer_and_imports_only_downwards():
    modules = _modules()
    wrong = []
    for name, path in sorted(modules.items()):
        for target, line, type_only in _imports(path, modules):
            if not type_only and _layer(target) > _layer(name):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {name} imports {target}, a later layer")
    assert not wrong, "\n".join(wrong)


def test_no_import_circles_not_even_through_type_only_imports():
    modules = _modules()
    graph = {name: {t for t, _, _ in _imports(path, modules) if t in modules and t != name} for name, path in modules.items()}
    state: dict[str, int] = {}  # 1: on the path, 2: done
    circles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join(path[path.index(nxt):] + [node, nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, path + [node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert not circles, "\n".join(circles)
