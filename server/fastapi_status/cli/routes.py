"""`fastapi-status routes [PATH]`: every route of the app, what it can answer, and what its
OpenAPI documents (core/route_statuses.py, core/documented.py), as a table, JSON or Markdown.

PATH is a folder (every route of the project in it) or a file (the routes it defines, with the
full paths of the project around it: the folder of its pyproject.toml, else its own folder)."""

from __future__ import annotations

import functools
import gc
import io
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from fastapi_status.cli.cache import OutputCache
from fastapi_status.core.documented import Documented, documented
from fastapi_status.core.project import ProjectIndex
from fastapi_status.core.project_routes import ProjectRoute
from fastapi_status.core.route_statuses import RouteStatuses, StatusModel, undocumented
from fastapi_status.core.statuses import phrase
from fastapi_status.core.text import collector_paused
from fastapi_status.files import project_files, read_source
from fastapi_status.project_facts import facts_for

FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class Row:
    route: ProjectRoute
    statuses: RouteStatuses
    documented: Documented

    @property
    def missing(self) -> list[int]:
        """The statuses the route answers that its OpenAPI does not document
        (core/route_statuses.undocumented)."""
        return [s.code for s in undocumented(self.statuses, self.documented)]


@dataclass(frozen=True)
class Project:
    """What `routes PATH` reads: the project's folder, its Python files, and the one file whose
    routes are listed (None: all of them)."""

    root: str
    files: list[str]
    only: str | None


def project_of(path: str) -> Project:
    """Raises OSError when the path is neither a folder nor a file."""
    path = os.path.normpath(path)
    if os.path.isdir(path):
        root, only = path, None
    elif os.path.isfile(path):
        facts = facts_for(os.path.dirname(path) or ".", {})
        root, only = _display(facts.root) if facts.root else (os.path.dirname(path) or "."), os.path.realpath(path)
    else:
        raise FileNotFoundError(f"{path}: no such file or folder")
    files = project_files(root)
    if only is not None and not any(os.path.realpath(f) == only for f in files):
        files.append(path)
    return Project(root, files, only)


def rows_for(path: str | Project, freeze: bool = False) -> list[Row]:
    """The routes under `path` (a folder or a file), each with its map. Raises OSError when
    the path is neither."""
    project = path if isinstance(path, Project) else project_of(path)
    only = project.only
    index = ProjectIndex.of_files(project.files, read_source)
    rows = []
    with collector_paused():  # (hundreds of modules' trees: see core/text.collector_paused)
        model = StatusModel(index)
        for route in model.routes:
            if only is not None and os.path.realpath(route.module.path or "") != only:
                continue
            rows.append(Row(route, model.statuses(route), documented(index, route)))
        if freeze:
            gc.freeze()  # (the command ends soon: no full collection of every tree when the collector resumes)
    return rows


def write(fmt: str, rows: list[Row], out: TextIO, verbose: bool = False) -> None:
    {"text": _text, "json": _json, "markdown": _markdown}[fmt](rows, out, verbose)


def _methods(row: Row) -> str:
    return ",".join(sorted(row.route.methods)) or "?"


def _path(row: Row) -> str:
    path = row.route.path if row.route.path is not None else "?"
    return path if row.route.app is not None else f"{path} *"


def _handler(row: Row) -> str:
    return f"{_display(row.route.module.path)}:{row.route.route.handler.lineno}"


@functools.lru_cache(maxsize=4096)
def _display(path: str | None) -> str:
    if not path:
        return "?"
    try:
        return os.path.relpath(path)
    except ValueError:  # (another drive)
        return path


def _codes(codes) -> str:
    return " ".join(str(c) for c in sorted(codes, key=lambda c: (str(c).isdigit() is False, str(c)))) or "-"


def _documented(row: Row) -> str:
    return _codes(row.documented.statuses) if row.documented.in_schema else "hidden"


def _text(rows: list[Row], out: TextIO, verbose: bool) -> None:
    if not rows:
        out.write("no routes found\n")
        return
    table = [("METHOD", "PATH", "HANDLER", "ANSWERS", "DOCUMENTED", "MISSING")]
    table += [
        (_methods(r), _path(r), f"{_handler(r)} {r.route.route.handler.name}", _codes(r.statuses.codes),
         _documented(r), _codes(r.missing) if r.missing else "")
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for i, line in enumerate(table):
        out.write(("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[-1]).rstrip() + "\n")
        if verbose and i:
            _details(rows[i - 1], out)
    if any(r.route.app is None for r in rows):
        out.write("\n* no app found that includes this route's router: the path is the router's own\n")
    routes = len(rows)
    missing = sum(1 for r in rows if r.missing)
    out.write(f"\n{routes} route{'s' if routes != 1 else ''}, {missing} with statuses the OpenAPI does not document\n")


def _details(row: Row, out: TextIO) -> None:
    for status in row.statuses.statuses:
        name = phrase(status.code) or ""
        for k, source in enumerate(status.sources):
            head = f"{status.code} {name}" if k == 0 else ""
            out.write(f"    {head:<28}{source.describe()}  {_display(source.file)}:{source.line}\n")
    for s in row.statuses.swallowed:
        out.write(f"    {'(not answered)':<28}{s.raised.describe()}, {s.caught.what}  {_display(s.caught.file)}:{s.caught.line}\n")
    for note in (*row.statuses.unresolved, *row.documented.unresolved):
        out.write(f"    {'(not resolved)':<28}{note}\n")


def _source_json(source) -> dict:
    return {"file": _display(source.file), "line": source.line, "what": source.what, "via": list(source.via), "kind": source.kind}


def _json(rows: list[Row], out: TextIO, verbose: bool) -> None:
    items = []
    for r in rows:
        route = r.route
        items.append({
            "methods": sorted(route.methods),
            "path": route.path,
            "app": {"module": route.app.module, "name": route.app.name} if route.app else None,
            "handler": {"name": route.route.handler.name, "file": _display(route.module.path), "line": route.route.handler.lineno},
            "statuses": [
                {"code": s.code, "phrase": phrase(s.code), "source": s.sources[0].describe(),
                 "sources": [_source_json(src) for src in s.sources]}
                for s in r.statuses.statuses
            ],
            "documented": sorted((str(c) for c in r.documented.statuses), key=lambda c: (not c.isdigit(), c)),
            "in_schema": r.documented.in_schema,
            "undocumented": r.missing,
            "swallowed": [
                {"code": s.code, "raised": _source_json(s.raised), "caught": _source_json(s.caught)} for s in r.statuses.swallowed
            ],
            "unresolved": [*r.statuses.unresolved, *r.documented.unresolved],
        })
    json.dump(items, out, indent=2)
    out.write("\n")


def _markdown(rows: list[Row], out: TextIO, verbose: bool) -> None:
    out.write("| Method | Path | Handler | Answers | Documented | Missing |\n")
    out.write("|---|---|---|---|---|---|\n")
    for r in rows:
        cells = [_methods(r), f"`{_path(r)}`", f"`{r.route.route.handler.name}` ({_handler(r)})", _codes(r.statuses.codes),
                 _documented(r), ("**" + _codes(r.missing) + "**") if r.missing else ""]
        out.write("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
    if any(r.route.app is None for r in rows):
        out.write("\n\\* no app found that includes this route's router: the path is the router's own.\n")


def run(paths: list[str], fmt: str, verbose: bool, out: TextIO = sys.stdout, use_cache: bool = True) -> int:
    """Print the routes of `paths`. Unless `use_cache` is off, the output is kept in the first
    project's cache folder (cli/cache.OutputCache) and printed again, without reading any
    module, while no file of the projects has changed."""
    started = time.time()
    projects: list[Project] = []
    failed = False
    for path in paths:
        try:
            projects.append(project_of(path))
        except OSError as exc:
            print(f"fastapi-status: error: {exc}", file=sys.stderr)
            failed = True
    files = sorted({os.path.abspath(f) for p in projects for f in p.files})
    cache = None
    if use_cache and projects and not failed:  # (in the project's folder, as check's)
        cache = OutputCache(Path(facts_for(projects[0].root, {}).root or projects[0].root), "routes")
    key = OutputCache.key(fmt, str(verbose), os.getcwd(), *(f"{p.root}|{p.only}" for p in projects))
    text = cache.get(key, files) if cache is not None else None
    if text is None:
        rows = [row for p in projects for row in rows_for(p, freeze=True)]
        buffer = io.StringIO()
        write(fmt, rows, buffer, verbose)
        text = buffer.getvalue()
        if cache is not None:
            cache.put(key, files, text, started)
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:  # (`| head`: the reader has what it wanted)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 2 if failed else 0
