"""The public corpora the evaluation reads: where they are, and their route handlers.

The corpora are the eight projects pinned in ../shared/corpora.txt, fetched from PyPI by
../shared/fetch-corpora into $CORPORA_DIR (default ~/.cache/fastapi-status-corpora).
"""

from __future__ import annotations

import ast
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

EVAL = Path(__file__).resolve().parent
REPO = EVAL.parents[1]
SHARED = REPO.parent / "shared"
NAMES = (
    "prefect",
    "litellm",
    "fastapi-users",
    "gradio",
    "argilla-server",
    "arize-phoenix",
    "fief-server",
    "chainlit",
)


def fetch() -> Path:
    """The folder holding the corpora, fetching the missing ones (needs PyPI), each with the
    pyproject.toml of its declared dependencies (`declare_dependencies`)."""
    script = SHARED / "fetch-corpora"
    if not script.exists():
        raise SystemExit(f"{script} not found: the shared corpora are not available here")
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"could not fetch the corpora (offline?):\n{out.stderr.strip()[-1000:]}")
    root = Path(out.stdout.strip().splitlines()[-1])
    declare_dependencies(root)
    return root


def declare_dependencies(root: Path) -> None:
    """Give each corpus the `pyproject.toml` its project has: the fetched wheels hold only the
    sources, but the checks read the project's declared dependencies (FST303 is silent where the
    project pins a Starlette without the renamed constants). Written from the wheel's own
    METADATA (`Requires-Dist`), once; an existing file is left alone."""
    import json
    import zipfile

    for name in NAMES:
        target = root / name / "pyproject.toml"
        if target.exists() or not (root / name).is_dir():
            continue
        wheels = sorted((root / "wheels").glob(name.replace("-", "_") + "-*.whl"))
        if not wheels:
            continue
        with zipfile.ZipFile(wheels[-1]) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            lines = z.read(meta).decode("utf-8", "replace").splitlines()
        requires = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Requires-Dist:")]
        version = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("Version:")), "0")
        body = ",\n".join(f"    {json.dumps(r)}" for r in requires)
        target.write_text(
            "# Written by bench/eval/corpora.py from the wheel's METADATA: the project's declared dependencies.\n"
            f'[project]\nname = "{name}"\nversion = "{version}"\ndependencies = [\n{body}\n]\n'
        )


def default_dir() -> Path:
    return Path(os.environ.get("CORPORA_DIR", Path.home() / ".cache" / "fastapi-status-corpora"))


@dataclass(frozen=True, order=True)
class Handler:
    corpus: str
    path: str  # relative to the corpus folder
    line: int  # the `def` line
    name: str
    methods: str  # "GET", "GET,POST"; "?" when unresolved
    route: str  # the first route path registered for it ("?" when not a literal)


def handlers(root: Path, corpus: str) -> list[Handler]:
    """Every route handler of a corpus (a function registered twice counts once), sorted."""
    from fastapi_status.core.model import ModuleModel
    from fastapi_status.files import SKIP_DIRS

    found: dict[tuple[str, int], Handler] = {}
    base = root / corpus
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            file = Path(dirpath, name)
            data = file.read_bytes()
            if b"fastapi" not in data and b"starlette" not in data:
                continue
            try:
                tree = ast.parse(data)
            except (SyntaxError, ValueError):
                continue
            rel = file.relative_to(base).as_posix()
            for r in ModuleModel(tree).routes:
                key = (rel, r.handler.lineno)
                if key not in found:
                    methods = ",".join(sorted(r.methods)) or "?"
                    found[key] = Handler(corpus, rel, r.handler.lineno, r.handler.name, methods, r.path or "?")
    return sorted(found.values())
