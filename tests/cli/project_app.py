"""A throwaway FastAPI project for the CLI tests: written to a folder (a `pyproject.toml` makes
it a project, whose modules the analysis reads), and imported to run it with TestClient."""

from __future__ import annotations

import contextlib
import importlib
import sys
from pathlib import Path


def write_project(root: Path, files: dict[str, str], name: str = "app") -> None:
    (root / "pyproject.toml").write_text(f"[project]\nname = '{name}'\n")
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)


@contextlib.contextmanager
def imported(root: Path, module: str = "app.main"):
    """The module, imported from `root`; afterwards its package is forgotten again (the next
    test writes another one under the same name)."""
    top = module.split(".")[0]
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(module)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
            del sys.modules[name]
