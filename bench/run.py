"""The benchmark: speed and memory of fastapi-status on real code, next to its peers and to the
cost of merely parsing the same code, and checked against the project's targets.

    python3 bench/run.py [--skip-peers] [--only check,server,analysis] [--repeat N]
    make bench [BENCH_ARGS="--skip-peers"]

It runs with the system python3 and the standard library only. It fetches the public corpora
(`../shared/fetch-corpora`: prefect, litellm, fastapi-users, gradio), makes its own venv in
bench/.venv with the project (`pip install -e .`), ruff and fastapi-lsp (pinned below), and then
measures, each measurement in its own function:

check (the command line; every run is a fresh process, as a user would start it)
  - cold: `fastapi-status check --no-cache --exit-zero` over the four folders in one invocation:
    wall time, files and lines analysed, lines/s, peak memory. Peak memory is ru_maxrss from
    os.wait4 on that very child: the resident set of the largest single process of its tree
    (the main process or one of its pool workers), not their sum.
  - warm: the same with the cache, in a temporary copy of the corpora (the cache lands in the
    copy's folder, never in the repository): one run fills the cache, the next is timed.
  - one file changed: a comment line appended to litellm's proxy/proxy_server.py in that copy
    (the biggest file: the worst single change), then the cached run again.
  - the floor: `ast.parse` of exactly the files the check parses (the .py files under the four
    folders, minus the directories fastapi-status skips and the files that never mention
    fastapi/starlette), reading them inside the timed region, in one fresh Python process.
  - peers: `ruff check --select FAST --no-cache --exit-zero` over the same folders, and
    `fastapi-lsp check` on litellm alone (slow, ~50 s; `--skip-peers` leaves it out) next to
    our cold check of litellm alone.
server (the language server, over JSON-RPC on stdio with a small client written here)
  - push diagnostics on litellm/proxy/proxy_server.py (~23,000 lines), debounce 0: didOpen, then
    100 one-character incremental edits (a space at the end of a line inside a route handler's
    body), one at a time: time from sending didChange version N to receiving
    publishDiagnostics version N; p50/p95/max. Then 30 line breaks typed at the end of such
    lines (a line added each time, so everything below moves), measured the same way.
  - quick fix: textDocument/codeAction for the first published diagnostic that has a fix (its
    diagnostic in the context), then codeAction/resolve of the first action; hover on the first
    route decorator (p50 of 20); each against one ast.parse of the file (median of 5, here).
  - workspace scope over the four folders: time until the work-done progress ends, and the
    server's peak resident memory (VmHWM from /proc/PID/status) before shutting it down.
analysis (the library, in one fresh process)
  - `analyze(source, Settings(), tree=tree)` of proxy_server.py against its `ast.parse` (median
    of 5 each).
  - scaling: `fastapi-status check --no-cache` of generated modules of 10,000, 50,000 and
    100,000 lines (one block of models, helpers and routes with findings, repeated): the time
    per line of the largest and the smallest must stay within 1.5x (cost grows linearly).

It prints the numbers, the ratios the project targets with PASS/FAIL, the machine and the date,
and writes them to bench/results/<date>.json and bench/results/latest.json. Missing a target
does not fail the run; a measurement that could not be made does (exit 1, after the others).
Timings are single runs unless --repeat says otherwise (then the median): on a busy machine
they are noisy.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import json
import math
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared"
VENV = BENCH / ".venv"
VPY = VENV / "bin" / "python"
RESULTS = BENCH / "results"
CORPORA = ("prefect", "litellm", "fastapi-users", "gradio")
BIG_FILE = Path("litellm") / "litellm" / "proxy" / "proxy_server.py"

# Pinned so that results from different days compare like with like.
PEERS = {"ruff": "0.17.6", "fastapi-lsp": "0.1.9"}

ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "api_route"}
EDITS = 100
ENTERS = 30  # then line breaks typed (a line added each time)
HOVERS = 20
REPEAT_SMALL = 5  # ast.parse, analyze, codeAction, resolve

# Timeouts, in seconds.
T_FETCH = 1200
T_INSTALL = 900
T_CHECK = 600
T_FASTAPI_LSP = 900
T_SERVER_REQUEST = 60
T_DIAGNOSTICS = 120
T_WORKSPACE = 1200


class BenchError(Exception):
    """A measurement that could not be made; the message says what and why."""


# -- running processes ---------------------------------------------------------------------------


@dataclass
class Run:
    argv: list[str]
    seconds: float
    maxrss_kb: int
    returncode: int
    stdout: str
    stderr: str


def run_measured(argv: list[str], *, cwd: Path, timeout: float, ok_codes: tuple[int, ...] = (0,)) -> Run:
    """Run one command; wall time from before the fork to its reaping, and the peak RSS of its
    process tree's largest process (os.wait4 on exactly this child). Killed (with its process
    group) after `timeout`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        timed_out = threading.Event()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)

        def kill() -> None:
            timed_out.set()
            _kill_group(proc.pid)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if timed_out.is_set():
        raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(argv)}")
    if proc.returncode not in ok_codes:
        raise BenchError(
            f"exit code {proc.returncode} from: {' '.join(argv)}\n--- stderr (end) ---\n{_tail(stderr)}"
            f"\n--- stdout (end) ---\n{_tail(stdout)}"
        )
    return Run(argv, seconds, usage.ru_maxrss, proc.returncode, stdout, stderr)


def run_repeated(argv: list[str], *, cwd: Path, timeout: float, repeat: int, ok_codes: tuple[int, ...] = (0,),
                 before: Callable[[int], None] | None = None) -> tuple[Run, list[float]]:
    """`repeat` runs (calling `before(i)` ahead of each); the run with the median time, and all times."""
    runs = []
    for i in range(repeat):
        if before is not None:
            before(i)
        runs.append(run_measured(argv, cwd=cwd, timeout=timeout, ok_codes=ok_codes))
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[(len(ordered) - 1) // 2], [r.seconds for r in runs]


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _check_summary(run: Run) -> str:
    """The summary line of `fastapi-status check` ("Found N problems ..." or "All checks passed!")."""
    for line in run.stdout.splitlines():
        if line.startswith(("Found ", "All checks passed")):
            return line.strip()
    return _last_line(run.stdout)


def _internal_errors(run: Run) -> int:
    return sum(1 for line in run.stderr.splitlines() if "internal error" in line)


# -- set-up --------------------------------------------------------------------------------------


def fetch_corpora() -> Path:
    """../shared/fetch-corpora downloads what is missing and prints the folder on its last line."""
    script = SHARED / "fetch-corpora"
    if not script.is_file():
        raise BenchError(f"{script} is missing: the benchmark needs the shared corpora script")
    try:
        proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=T_FETCH)
    except subprocess.TimeoutExpired:
        raise BenchError(f"fetching the corpora took more than {T_FETCH} s") from None
    if proc.returncode != 0:
        raise BenchError(f"fetch-corpora failed (exit {proc.returncode}; is PyPI reachable?):\n{_tail(proc.stderr)}")
    dest = Path(_last_line(proc.stdout).strip())
    missing = [name for name in CORPORA if not (dest / name).is_dir()]
    if missing:
        raise BenchError(f"fetch-corpora printed {dest}, which lacks {', '.join(missing)}")
    return dest


def ensure_venv() -> None:
    """bench/.venv with the project (editable: it measures the working tree), ruff and fastapi-lsp.
    Reinstalls when pyproject.toml or the pinned versions change."""
    wanted = json.dumps(
        {"pyproject": hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest(), **PEERS}, sort_keys=True
    )
    stamp = VENV / ".bench-installed"
    if VPY.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    if not VPY.exists():
        print(f"creating {VENV.relative_to(REPO)}", file=sys.stderr)
        _setup_step([sys.executable, "-m", "venv", str(VENV)], "creating the venv")
    print("installing the project, ruff and fastapi-lsp into bench/.venv", file=sys.stderr)
    _setup_step([str(VPY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], "upgrading pip")
    _setup_step(
        [str(VPY), "-m", "pip", "install", "--quiet", "-e", str(REPO), *(f"{n}=={v}" for n, v in PEERS.items())],
        "installing into bench/.venv (is PyPI reachable?)",
    )
    stamp.write_text(wanted)


def _setup_step(argv: list[str], what: str) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=T_INSTALL, cwd=REPO)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what}: took more than {T_INSTALL} s") from None
    if proc.returncode != 0:
        raise BenchError(f"{what}: exit {proc.returncode}\n{_tail(proc.stderr + proc.stdout)}")


def tool(name: str) -> str:
    path = VENV / "bin" / name
    if not path.exists():
        raise BenchError(f"{path} is missing: delete bench/.venv and run again")
    return str(path)


@dataclass
class Corpus:
    root: Path
    folders: list[Path]
    files: list[Path] = field(default_factory=list)  # what the check parses
    py_files: int = 0  # every .py file the check looks at
    lines: int = 0  # lines of `files`
    litellm_files: int = 0
    litellm_lines: int = 0


def parsed_files(root: Path) -> Corpus:
    """The files `fastapi-status check` parses, found the way server/fastapi_status/files.py
    finds them (its SKIP_DIRS and framework markers are read from the installed project).
    Reading them all also puts them in the page cache before anything is timed."""
    proc = subprocess.run(
        [str(VPY), "-c", "import json; from fastapi_status.files import SKIP_DIRS as s, FRAMEWORK_MARKERS as m; "
                         "print(json.dumps([sorted(s), [x.decode() for x in m]]))"],
        capture_output=True, text=True, timeout=60,
    )
    if proc.returncode != 0:
        raise BenchError(f"cannot read SKIP_DIRS from the installed project:\n{_tail(proc.stderr)}")
    skip_dirs, markers = json.loads(proc.stdout)
    marks = [m.encode() for m in markers]
    corpus = Corpus(root, [root / name for name in CORPORA])
    seen: set[Path] = set()
    for folder in corpus.folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs and not d.endswith(".egg-info"))
            for name in sorted(filenames):
                if not name.endswith(".py"):
                    continue
                path = Path(dirpath) / name
                if path.resolve() in seen:
                    continue
                seen.add(path.resolve())
                corpus.py_files += 1
                data = path.read_bytes()
                if not any(m in data for m in marks):
                    continue
                lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
                corpus.files.append(path)
                corpus.lines += lines
                if folder.name == "litellm":
                    corpus.litellm_files += 1
                    corpus.litellm_lines += lines
    return corpus


# -- check ---------------------------------------------------------------------------------------


def measure_floor(corpus: Corpus, work: Path) -> dict[str, Any]:
    """ast.parse of every file the check parses, reading them in the timed region, in one fresh
    process of the same kind as the check (the bench venv's python)."""
    listing = work / "floor-files.txt"
    listing.write_text("\0".join(str(p) for p in corpus.files))
    script = (
        "import ast, json, sys, time\n"
        "paths = open(sys.argv[1]).read().split('\\0')\n"
        "failed = 0\n"
        "start = time.perf_counter()\n"
        "for p in paths:\n"
        "    with open(p, 'rb') as f:\n"
        "        data = f.read()\n"
        "    try:\n"
        "        ast.parse(data, p)\n"
        "    except (SyntaxError, ValueError):\n"
        "        failed += 1\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'files': len(paths), 'failed': failed}))\n"
    )
    run = run_measured([str(VPY), "-c", script, str(listing)], cwd=work, timeout=T_CHECK)
    inner = json.loads(_last_line(run.stdout))
    return {
        "seconds": inner["seconds"],
        "process_seconds": run.seconds,
        "files": inner["files"],
        "syntax_errors": inner["failed"],
        "lines": corpus.lines,
        "lines_per_s": corpus.lines / inner["seconds"],
    }


def measure_cold(corpus: Corpus, work: Path, repeat: int) -> dict[str, Any]:
    """`fastapi-status check --no-cache --exit-zero` over the four folders at once."""
    argv = [tool("fastapi-status"), "check", "--no-cache", "--exit-zero", *map(str, corpus.folders)]
    run, times = run_repeated(argv, cwd=work, timeout=T_CHECK, repeat=repeat)
    return {
        "seconds": run.seconds,
        "all_seconds": times,
        "files": len(corpus.files),
        "py_files": corpus.py_files,
        "lines": corpus.lines,
        "lines_per_s": corpus.lines / run.seconds,
        "peak_rss_mb": run.maxrss_kb / 1024,
        "summary": _check_summary(run),
        "internal_errors": _internal_errors(run),
    }


ROUTE_CORPORA = ("prefect", "litellm", "fastapi-users", "gradio", "argilla-server", "arize-phoenix", "fief-server", "chainlit")


def measure_routes(root: Path, work: Path, repeat: int) -> dict[str, Any]:
    """`fastapi-status routes --format json` over the eight public corpora (one project each,
    in a copy: the cache lands there), cold (`--no-cache`) next to one-process ast.parse of the
    modules it parses (the project index reports them), then warm: filled once, then again
    with nothing changed."""
    copy = work / "routes-copy"
    if copy.exists():
        shutil.rmtree(copy)
    folders = []
    for name in ROUTE_CORPORA:
        if (root / name).is_dir():
            shutil.copytree(root / name, copy / name, symlinks=True)  # (copy2: the time stamps stay old)
            folders.append(copy / name)
    argv = [tool("fastapi-status"), "routes", "--format", "json", *map(str, folders)]
    run, times = run_repeated([*argv, "--no-cache"], cwd=work, timeout=T_CHECK, repeat=repeat)
    fill = run_measured(argv, cwd=work, timeout=T_CHECK)
    warm, warm_times = run_repeated(argv, cwd=work, timeout=T_CHECK, repeat=repeat)
    if warm.stdout != fill.stdout or fill.stdout != run.stdout:
        raise BenchError("routes: the cached output differs from the computed one")
    listing = work / "routes-parsed.txt"
    script = (
        "import sys\n"
        "from fastapi_status.core.documented import documented\n"
        "from fastapi_status.core.project import ProjectIndex\n"
        "from fastapi_status.core.route_statuses import StatusModel\n"
        "from fastapi_status.files import project_files, read_source\n"
        "paths, routes = [], 0\n"
        "for folder in sys.argv[2:]:\n"
        "    index = ProjectIndex.of_files(project_files(folder), read_source)\n"
        "    model = StatusModel(index)\n"
        "    for route in model.routes:\n"
        "        model.statuses(route); documented(index, route); routes += 1\n"
        "    paths += [index.modules[name] for name, info in index._parsed.items() if info is not None]\n"
        "open(sys.argv[1], 'w').write('\\0'.join(paths))\n"
        "print(routes)\n"
    )
    listed = run_measured([str(VPY), "-c", script, str(listing), *map(str, folders)], cwd=work, timeout=T_CHECK)
    parsed = [Path(p) for p in listing.read_text().split("\0") if p]
    floor = measure_floor(Corpus(root, folders, parsed, lines=sum(p.read_bytes().count(b"\n") for p in parsed)), work)
    return {
        "seconds": run.seconds,
        "all_seconds": times,
        "warm_seconds": warm.seconds,
        "warm_all_seconds": warm_times,
        "routes": int(_last_line(listed.stdout)),
        "parsed_files": len(parsed),
        "floor_seconds": floor["seconds"],
        "peak_rss_mb": run.maxrss_kb / 1024,
    }


def measure_fixed_cost(work: Path, repeat: int) -> dict[str, Any]:
    """`fastapi-status check` of an empty folder: start-up and imports, the cost every run pays."""
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    argv = [tool("fastapi-status"), "check", "--no-cache", "--exit-zero", str(empty)]
    run, times = run_repeated(argv, cwd=work, timeout=T_CHECK, repeat=max(repeat, 3))
    return {"seconds": run.seconds, "all_seconds": times, "peak_rss_mb": run.maxrss_kb / 1024}


def measure_litellm_only(corpus: Corpus, work: Path, repeat: int) -> dict[str, Any]:
    """Our cold check of litellm alone, to set next to fastapi-lsp's."""
    argv = [tool("fastapi-status"), "check", "--no-cache", "--exit-zero", str(corpus.root / "litellm")]
    run, times = run_repeated(argv, cwd=work, timeout=T_CHECK, repeat=repeat)
    return {
        "seconds": run.seconds,
        "all_seconds": times,
        "files": corpus.litellm_files,
        "lines": corpus.litellm_lines,
        "lines_per_s": corpus.litellm_lines / run.seconds,
        "peak_rss_mb": run.maxrss_kb / 1024,
        "summary": _check_summary(run),
    }


def measure_warm(corpus: Corpus, work: Path, repeat: int) -> dict[str, Any]:
    """The cached check in a copy of the corpora (cwd = the copy, so the cache lands there): fill,
    then time a re-run; then append a comment to one file of the copy and time again."""
    copy = work / "corpora-copy"
    if copy.exists():
        shutil.rmtree(copy)
    for name in CORPORA:
        shutil.copytree(corpus.root / name, copy / name, symlinks=True)
    argv = [tool("fastapi-status"), "check", "--exit-zero", *CORPORA]
    fill = run_measured(argv, cwd=copy, timeout=T_CHECK)
    if not (copy / ".fastapi_status_cache").is_dir():
        raise BenchError(f"the cached run wrote no cache in {copy}")
    warm, warm_times = run_repeated(argv, cwd=copy, timeout=T_CHECK, repeat=repeat)
    changed_file = copy / BIG_FILE

    def change(i: int) -> None:
        with changed_file.open("a", encoding="utf-8") as f:
            f.write(f"\n# fastapi-status bench: changed ({i})\n")

    changed, changed_times = run_repeated(argv, cwd=copy, timeout=T_CHECK, repeat=repeat, before=change)
    summaries = {_check_summary(r) for r in (fill, warm, changed)}
    return {
        "fill_seconds": fill.seconds,
        "seconds": warm.seconds,
        "all_seconds": warm_times,
        "peak_rss_mb": warm.maxrss_kb / 1024,
        "changed_file": str(BIG_FILE),
        "changed_seconds": changed.seconds,
        "changed_all_seconds": changed_times,
        "changed_peak_rss_mb": changed.maxrss_kb / 1024,
        "summary": _check_summary(warm),
        "summaries_agree": len(summaries) == 1,
    }


def measure_ruff(corpus: Corpus, work: Path, repeat: int) -> dict[str, Any]:
    """ruff's FastAPI rules over the same four folders."""
    argv = [tool("ruff"), "check", "--select", "FAST", "--no-cache", "--exit-zero", *map(str, corpus.folders)]
    run, times = run_repeated(argv, cwd=work, timeout=T_CHECK, repeat=repeat)
    return {
        "seconds": run.seconds,
        "all_seconds": times,
        "peak_rss_mb": run.maxrss_kb / 1024,
        "summary": _check_summary(run),
        "version": PEERS["ruff"],
    }


def measure_fastapi_lsp(corpus: Corpus, work: Path) -> dict[str, Any]:
    """`fastapi-lsp check` on litellm alone, once (it exits 1 when it reports something)."""
    run = run_measured([tool("fastapi-lsp"), "check", str(corpus.root / "litellm")], cwd=work,
                       timeout=T_FASTAPI_LSP, ok_codes=(0, 1))
    return {
        "seconds": run.seconds,
        "peak_rss_mb": run.maxrss_kb / 1024,
        "exit_code": run.returncode,
        "findings": sum(1 for line in run.stdout.splitlines() if line.strip()),
        "version": PEERS["fastapi-lsp"],
    }


# -- the language server -------------------------------------------------------------------------


class LspClient:
    """A minimal LSP client over the server's stdio: Content-Length framing, a reader thread that
    stamps each message with its arrival time, answers the server's requests, and queues
    notifications for the caller."""

    def __init__(self, argv: list[str], cwd: Path, stderr_path: Path) -> None:
        self.stderr_path = stderr_path
        self._stderr = stderr_path.open("wb")
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, start_new_session=True)
        self._write_lock = threading.Lock()
        self._next_id = 0
        self._responses: dict[int, queue.Queue] = {}
        self.notifications: queue.Queue = queue.Queue()
        self.errors: list[str] = []  # window/logMessage of type Error
        self.progress_created: list[Any] = []
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # framing
    def _send(self, message: dict[str, Any]) -> float:
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        with self._write_lock:
            sent = time.perf_counter()
            try:
                self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)  # type: ignore[union-attr]
                self.proc.stdin.flush()  # type: ignore[union-attr]
            except (BrokenPipeError, OSError) as exc:
                raise BenchError(f"the server closed its input ({exc}); {self.describe_exit()}") from None
        return sent

    def _read_loop(self) -> None:
        stream = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = stream.readline()  # type: ignore[union-attr]
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii", "replace").partition(":")
                    if name.lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    continue
                body = stream.read(length)  # type: ignore[union-attr]
                if len(body) < length:
                    return
                arrived = time.perf_counter()
                self._dispatch(json.loads(body), arrived)
        finally:
            self.notifications.put(None)  # wakes a waiter: the server is gone
            for waiter in list(self._responses.values()):
                waiter.put(None)

    def _dispatch(self, msg: dict[str, Any], arrived: float) -> None:
        if "method" in msg and "id" in msg:  # a request from the server
            method = msg["method"]
            if method == "window/workDoneProgress/create":
                self.progress_created.append(msg.get("params", {}).get("token"))
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif method in ("client/registerCapability", "client/unregisterCapability",
                            "workspace/diagnostic/refresh", "workspace/inlayHint/refresh"):
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            elif method == "workspace/configuration":
                items = msg.get("params", {}).get("items", [])
                self._send({"jsonrpc": "2.0", "id": msg["id"], "result": [None] * len(items)})
            else:
                self._send({"jsonrpc": "2.0", "id": msg["id"],
                            "error": {"code": -32601, "message": f"the benchmark client does not do {method}"}})
        elif "id" in msg:  # a response
            waiter = self._responses.get(msg["id"])
            if waiter is not None:
                waiter.put((arrived, msg))
        else:
            if msg.get("method") == "window/logMessage" and msg.get("params", {}).get("type") == 1:
                self.errors.append(msg["params"].get("message", ""))
            self.notifications.put((arrived, msg))

    # messages
    def notify(self, method: str, params: Any) -> float:
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = T_SERVER_REQUEST) -> tuple[Any, float]:
        """The result and the latency: from just before the request was written to the arrival
        of its response."""
        self._next_id += 1
        rid = self._next_id
        waiter: queue.Queue = queue.Queue()
        self._responses[rid] = waiter
        try:
            sent = self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
            try:
                got = waiter.get(timeout=timeout)
            except queue.Empty:
                raise BenchError(f"no answer to {method} within {timeout:.0f} s") from None
        finally:
            self._responses.pop(rid, None)
        if got is None:
            raise BenchError(f"the server exited while answering {method}; {self.describe_exit()}")
        arrived, msg = got
        if "error" in msg:
            raise BenchError(f"{method} failed: {msg['error']}")
        return msg.get("result"), arrived - sent

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float, what: str) -> tuple[float, dict[str, Any]]:
        """The first queued notification that matches (earlier ones are dropped), with its arrival time."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"waited {timeout:.0f} s for {what} in vain" + self._error_note())
            try:
                item = self.notifications.get(timeout=remaining)
            except queue.Empty:
                continue
            if item is None:
                self.notifications.put(None)
                raise BenchError(f"the server exited while the benchmark waited for {what}; {self.describe_exit()}")
            arrived, msg = item
            if predicate(msg):
                return arrived, msg

    def initialize(self, options: dict[str, Any], folders: list[Path], progress: bool) -> None:
        capabilities = {
            "general": {"positionEncodings": ["utf-16"]},
            "window": {"workDoneProgress": progress},
            "workspace": {"workspaceFolders": True, "configuration": False},
            "textDocument": {
                "synchronization": {"dynamicRegistration": False, "didSave": False},
                "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "codeAction": {
                    "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source", "source.fixAll"]}},
                    "isPreferredSupport": True,
                    "dataSupport": True,
                    "resolveSupport": {"properties": ["edit"]},
                },
            },
        }
        self.request("initialize", {
            "processId": os.getpid(),
            "clientInfo": {"name": "fastapi-status-bench"},
            "rootUri": folders[0].as_uri() if folders else None,
            "workspaceFolders": [{"uri": f.as_uri(), "name": f.name} for f in folders] or None,
            "capabilities": capabilities,
            "initializationOptions": options,
        }, timeout=T_SERVER_REQUEST)

    def peak_rss_mb(self) -> float | None:
        """VmHWM: the server's peak resident set so far."""
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def describe_exit(self) -> str:
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        self._stderr.flush()
        tail = _tail(self.stderr_path.read_text(errors="replace")) if self.stderr_path.exists() else ""
        return f"exit code {code}; server stderr (end):\n{tail}" + self._error_note()

    def _error_note(self) -> str:
        return ("\nserver errors:\n" + "\n".join(e[:2000] for e in self.errors[-3:])) if self.errors else ""

    def close(self) -> None:
        """shutdown + exit when it still answers; its process group is killed in any case."""
        try:
            if self.proc.poll() is None:
                try:
                    self.request("shutdown", None, timeout=5)
                    self.notify("exit", None)
                    self.proc.wait(timeout=10)
                except (BenchError, subprocess.TimeoutExpired):
                    pass
        finally:
            _kill_group(self.proc.pid)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self._stderr.close()


def start_server(work: Path, name: str) -> LspClient:
    return LspClient([str(VPY), "-m", "fastapi_status", "lsp"], cwd=work, stderr_path=work / f"{name}.stderr")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def route_handlers(tree: ast.Module) -> list[tuple[ast.AST, ast.Call]]:
    """Functions decorated with @<something>.get/post/put/patch/delete/api_route(...), in file order,
    with their first such decorator."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in ROUTE_METHODS:
                    found.append((node, deco))
                    break
    return sorted(found, key=lambda pair: pair[0].lineno)


def plan_edits(text: str, count: int) -> tuple[list[tuple[int, int]], int]:
    """`count` positions (0-based line, UTF-16 column) at the end of a line inside a route
    handler's body, each on its own line, spread over the handlers round-robin (the first pass
    takes each handler's first statement, the next its second, ...). The end of a statement's
    last line is outside any string (or inside a multi-line one), so a space there keeps the
    file valid; lines ending in a backslash are avoided. Also returns the number of handlers."""
    lines = text.splitlines()
    handlers = route_handlers(ast.parse(text))
    if not handlers:
        raise BenchError("no route handlers found in the big file")
    candidates = []
    for func, _ in handlers:
        ends = []
        for stmt in func.body:
            row = stmt.end_lineno - 1  # type: ignore[operator]
            if not lines[row].rstrip().endswith("\\") and row not in ends:
                ends.append(row)
        candidates.append(ends)
    chosen: list[tuple[int, int]] = []
    used: set[int] = set()
    depth = 0
    while len(chosen) < count:
        progressed = False
        for ends in candidates:
            if depth < len(ends) and ends[depth] not in used and len(chosen) < count:
                used.add(ends[depth])
                chosen.append((ends[depth], utf16_len(lines[ends[depth]])))
                progressed = True
        depth += 1
        if not progressed and depth > max(len(e) for e in candidates):
            raise BenchError(f"found only {len(chosen)} places to edit in route handlers, wanted {count}")
    # The same edits, applied here, must leave a file that still parses.
    edited = list(lines)
    for row, _ in chosen:
        edited[row] += " "
    try:
        ast.parse("\n".join(edited))
    except SyntaxError as exc:
        raise BenchError(f"the planned edits break the file ({exc}); pick other positions") from None
    return chosen, len(handlers)


def ast_parse_seconds(path: Path, repeat: int = REPEAT_SMALL) -> float:
    """Median of `repeat` ast.parse calls of the file's text, in this process."""
    import gc

    source = path.read_text(encoding="utf-8")
    times = []
    tree = None
    for _ in range(repeat):
        tree = None  # freeing the previous tree is not part of parsing: done before the clock
        gc.collect()
        start = time.perf_counter()
        tree = ast.parse(source)
        times.append(time.perf_counter() - start)
    del tree
    return statistics.median(times)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure_editing(corpus: Corpus, work: Path) -> dict[str, Any]:
    """The open-file path on proxy_server.py: didOpen, 100 edits with push diagnostics, a quick
    fix (codeAction + resolve), hover; and the server's peak memory at the end."""
    path = corpus.root / BIG_FILE
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    edits, handlers = plan_edits(text, EDITS)
    parse = ast_parse_seconds(path)
    first_route = route_handlers(ast.parse(text))[0][1]
    deco_line = text.splitlines()[first_route.lineno - 1]
    hover_pos = {"line": first_route.lineno - 1,
                 "character": utf16_len(deco_line.encode("utf-8")[: first_route.col_offset].decode("utf-8"))}

    def diagnostics_of(version: int) -> Callable[[dict[str, Any]], bool]:
        return lambda m: (m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"].get("uri") == uri and m["params"].get("version") == version)

    client = start_server(work, "server-editing")
    try:
        client.initialize({"fastapiStatus": {"debounce": 0}}, [corpus.root / "litellm"], progress=False)
        client.notify("initialized", {})
        sent = client.notify("textDocument/didOpen",
                             {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        arrived, msg = client.wait_for(diagnostics_of(1), T_DIAGNOSTICS, "the diagnostics of didOpen")
        open_seconds = arrived - sent
        version = 1

        def typed(row: int, col: int, text: str) -> tuple[float, dict[str, Any]]:
            """Insert `text` at (row, col) as the next version: seconds until its diagnostics."""
            nonlocal version
            version += 1
            pos = {"line": row, "character": col}
            sent = client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": pos, "end": pos}, "text": text}],
            })
            arrived, msg = client.wait_for(diagnostics_of(version), T_DIAGNOSTICS, f"the diagnostics of version {version}")
            return arrived - sent, msg

        latencies = [typed(row, col, " ")[0] for row, col in edits]
        # Enter: a line added inside a handler (bottom to top, so that the planned positions
        # stay valid); everything below it moves.
        enters = []
        for row, col in sorted(edits, reverse=True)[:ENTERS]:
            seconds, msg = typed(row, col, "\n")
            enters.append(seconds)
        diagnostics = msg["params"]["diagnostics"]
        fix = measure_quick_fix(client, uri, diagnostics)
        hover = measure_hover(client, uri, hover_pos)
        peak = peak_without_errors(client)
    finally:
        client.close()
    return {
        "file": str(BIG_FILE),
        "lines": len(text.splitlines()),
        "route_handlers": handlers,
        "edits": len(latencies),
        "ast_parse_seconds": parse,
        "open_seconds": open_seconds,
        "diagnostics": len(diagnostics),
        "change_p50": percentile(latencies, 50),
        "change_p95": percentile(latencies, 95),
        "change_max": max(latencies),
        "change_all": latencies,
        "enters": len(enters),
        "enter_p50": percentile(enters, 50),
        "enter_p95": percentile(enters, 95),
        "enter_max": max(enters),
        **fix,
        **hover,
        "peak_rss_mb": peak,
    }


def peak_without_errors(client) -> float:
    """The server's peak memory so far; a BenchError if it logged errors (a broken measurement)."""
    if client.errors:
        raise BenchError("the server logged errors:\n" + "\n".join(e[:2000] for e in client.errors[-3:]))
    return client.peak_rss_mb()


def measure_quick_fix(client: LspClient, uri: str, diagnostics: list[dict[str, Any]]) -> dict[str, Any]:
    """The first published diagnostic with a fix (found by asking, untimed), then codeAction for
    its range with it in the context, and codeAction/resolve of the first action: median of 5 each."""

    def ask(diag: dict[str, Any]) -> tuple[list[dict[str, Any]], float]:
        result, seconds = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": diag["range"],
            "context": {"diagnostics": [diag], "only": ["quickfix"], "triggerKind": 1},
        })
        return result or [], seconds

    def is_fix(action: dict[str, Any]) -> bool:
        data = action.get("data")
        if isinstance(data, dict) and "action" in data:
            return data["action"] == "fix"
        return not action.get("title", "").startswith("Ignore ")

    target = None
    for diag in diagnostics:
        actions, _ = ask(diag)
        if actions and is_fix(actions[0]):
            target = diag
            break
    if target is None:
        raise BenchError(f"none of the {len(diagnostics)} published diagnostics offers a fix")
    action_times, resolve_times = [], []
    for _ in range(REPEAT_SMALL):
        actions, seconds = ask(target)
        action_times.append(seconds)
        resolved, seconds = client.request("codeAction/resolve", actions[0])
        resolve_times.append(seconds)
        changes = (resolved or {}).get("edit", {}).get("documentChanges") or []
        if not any(change.get("edits") for change in changes):
            raise BenchError(f"codeAction/resolve returned no edit for {actions[0].get('title')!r}")
    return {
        "fix_code": target.get("code"),
        "fix_title": actions[0].get("title"),
        "code_action_seconds": statistics.median(action_times),
        "resolve_seconds": statistics.median(resolve_times),
    }


def measure_hover(client: LspClient, uri: str, position: dict[str, int]) -> dict[str, Any]:
    """textDocument/hover on the first route decorator, 20 times: p50."""
    times = []
    result = None
    for _ in range(HOVERS):
        result, seconds = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})
        times.append(seconds)
    if not result:
        raise BenchError(f"hover at {position} answered nothing: the benchmark's position is wrong")
    return {"hover_p50": percentile(times, 50), "hover_line": position["line"] + 1}


def measure_workspace(corpus: Corpus, work: Path) -> dict[str, Any]:
    """scope = workspace over the four folders: from `initialized` to the end of the server's
    work-done progress, and the server's peak resident memory then."""
    client = start_server(work, "server-workspace")
    try:
        client.initialize({"fastapiStatus": {"scope": "workspace", "debounce": 0}}, corpus.folders, progress=True)
        started = client.notify("initialized", {})
        begin_msg = None

        def progress(m: dict[str, Any]) -> bool:
            nonlocal begin_msg
            if m.get("method") != "$/progress":
                return False
            value = m["params"].get("value", {})
            if value.get("kind") == "begin":
                begin_msg = value.get("message")
            return value.get("kind") == "end"

        arrived, msg = client.wait_for(progress, T_WORKSPACE, "the end of the workspace check ($/progress end)")
        peak = peak_without_errors(client)
    finally:
        client.close()
    return {
        "seconds": arrived - started,
        "begin": begin_msg,
        "end": msg["params"]["value"].get("message"),
        "progress_created": len(client.progress_created),
        "peak_rss_mb": peak,
    }


# -- analysis ------------------------------------------------------------------------------------


def measure_analysis(corpus: Corpus, work: Path) -> dict[str, Any]:
    """In one fresh process with the project: ast.parse of proxy_server.py (median of 5), then
    analyze() of an already parsed tree (median of 5; a fresh tree each time, parsed untimed)."""
    script = (
        "import ast, gc, json, statistics, sys, time\n"
        "from fastapi_status.core.analyze import analyze, Settings\n"
        "source = open(sys.argv[1], encoding='utf-8').read()\n"
        "n = int(sys.argv[2])\n"
        "parse, run = [], []\n"
        # What a previous round left is freed before the clock starts, in both loops: freeing a
        # 23,000-line tree (or an analysis holding one) costs ~20 ms, which is neither parsing
        # nor analysing.
        "tree = result = None\n"
        "for _ in range(n):\n"
        "    tree = None; gc.collect(); t = time.perf_counter(); tree = ast.parse(source)\n"
        "    parse.append(time.perf_counter() - t)\n"
        "for _ in range(n):\n"
        "    result = None; tree = ast.parse(source)\n"
        "    gc.collect(); t = time.perf_counter(); result = analyze(source, Settings(), tree=tree)\n"
        "    run.append(time.perf_counter() - t)\n"
        "print(json.dumps({'parse': statistics.median(parse), 'analyze': statistics.median(run),\n"
        "                  'analyze_first': run[0], 'diagnostics': len(result.diagnostics), 'errors': len(result.errors)}))\n"
    )
    run = run_measured([str(VPY), "-c", script, str(corpus.root / BIG_FILE), str(REPEAT_SMALL)], cwd=work, timeout=T_CHECK)
    out = json.loads(_last_line(run.stdout))
    if out["errors"]:
        raise BenchError(f"{out['errors']} rule(s) crashed on {BIG_FILE}")
    return {"file": str(BIG_FILE), "parse_seconds": out["parse"], "analyze_seconds": out["analyze"],
            "analyze_first_seconds": out["analyze_first"], "diagnostics": out["diagnostics"]}


SCALING_LINES = (10_000, 50_000, 100_000)

_GENERATED_HEAD = """from fastapi import APIRouter, FastAPI, HTTPException, status
from pydantic import BaseModel

app = FastAPI()
router = APIRouter(prefix="/v1")
"""

_GENERATED_BLOCK = """

class Item{i}(BaseModel):
    name: str
    price: float = 0.0


def load_item{i}(item_id: int) -> dict | None:
    if item_id < 0:
        raise ValueError("Item not found")
    return {{"id": item_id, "name": "n{i}"}}


@app.post("/items{i}")
def create_item{i}(item: Item{i}):
    return {{"id": {i}, "name": item.name}}


@router.get("/items{i}/{{item_id}}")
async def read_item{i}(item_id: int, q: str | None = None):
    found = load_item{i}(item_id)
    if found is None:
        return {{"error": "Item not found"}}
    try:
        found["score"] = int(q or "0")
    except ValueError:
        raise HTTPException(status_code=400, detail="q must be a number")
    return found


@router.delete("/items{i}/{{item_id}}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item{i}(item_id: int):
    try:
        if load_item{i}(item_id) is None:
            raise HTTPException(status_code=404, detail="Item not found")
    except Exception:
        raise HTTPException(status_code=500, detail="could not delete")
"""


def generated_module(lines: int) -> str:
    """A FastAPI module of about `lines` lines: the same block of models, helpers and routes
    (with findings of several rules) repeated, each copy under its own names."""
    parts = [_GENERATED_HEAD]
    count = _GENERATED_HEAD.count("\n")
    i = 0
    block_lines = _GENERATED_BLOCK.count("\n")
    while count < lines:
        parts.append(_GENERATED_BLOCK.format(i=i))
        count += block_lines
        i += 1
    return "".join(parts)


def measure_scaling(work: Path) -> dict[str, Any]:
    """`fastapi-status check --no-cache` of one generated module of 10,000, 50,000 and 100,000
    lines (a fresh process each): the cost per line must not grow with the file."""
    rows = []
    for lines in SCALING_LINES:
        path = work / f"generated_{lines}.py"
        path.write_text(generated_module(lines), encoding="utf-8")
        run = run_measured([tool("fastapi-status"), "check", "--no-cache", "--exit-zero", str(path)], cwd=work, timeout=T_CHECK)
        if _internal_errors(run):
            raise BenchError(f"internal errors on {path.name}:\n{_tail(run.stderr)}")
        rows.append({"lines": lines, "seconds": run.seconds, "us_per_line": run.seconds / lines * 1e6,
                     "peak_rss_mb": run.maxrss_kb / 1024, "summary": _check_summary(run)})
    per_line = [r["us_per_line"] for r in rows]
    return {"files": rows, "per_line_spread": max(per_line) / min(per_line)}


# -- report --------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    proc = subprocess.run([str(VPY), "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True, timeout=60)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": proc.stdout.strip() or platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _fmt_mb(mb: float | None) -> str:
    return "n/a" if mb is None else f"{mb:.0f} MB"


def measurement_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    if "floor" in r:
        f = r["floor"]
        rows.append(("floor: ast.parse of the files the check parses", _fmt_s(f["seconds"]),
                     f"{f['files']} files, {f['lines']:,} lines, {f['lines_per_s']:,.0f} lines/s; "
                     f"whole process {_fmt_s(f['process_seconds'])}"))
    if "cold" in r:
        c = r["cold"]
        rows.append(("check, cold (--no-cache), 4 folders", _fmt_s(c["seconds"]),
                     f"{c['files']} of {c['py_files']} .py files parsed, {c['lines']:,} lines, {c['lines_per_s']:,.0f} lines/s, "
                     f"peak {_fmt_mb(c['peak_rss_mb'])}; {c['summary']}"))
    if "routes" in r:
        x = r["routes"]
        rows.append(("routes, 8 corpora (--format json)", _fmt_s(x["seconds"]),
                     f"{x['routes']} routes, {x['parsed_files']} modules parsed (their ast.parse: {_fmt_s(x['floor_seconds'])}), "
                     f"peak {_fmt_mb(x['peak_rss_mb'])}"))
        rows.append(("routes, warm (nothing changed)", _fmt_s(x["warm_seconds"]), "the cached output, no module read"))
    if "warm" in r:
        w = r["warm"]
        rows.append(("check, warm (cache filled in {})".format(_fmt_s(w["fill_seconds"])), _fmt_s(w["seconds"]),
                     f"peak {_fmt_mb(w['peak_rss_mb'])}; output same as the filling run: {w['summaries_agree']}"))
        rows.append(("check, warm, one file changed", _fmt_s(w["changed_seconds"]),
                     f"{w['changed_file']} (a comment appended); peak {_fmt_mb(w['changed_peak_rss_mb'])}"))
    if "fixed_cost" in r:
        x = r["fixed_cost"]
        rows.append(("check of an empty folder (start-up, median of 3)", _fmt_s(x["seconds"]), f"peak {_fmt_mb(x['peak_rss_mb'])}"))
    if "ruff" in r:
        x = r["ruff"]
        rows.append((f"ruff {x['version']} --select FAST, 4 folders", _fmt_s(x["seconds"]),
                     f"peak {_fmt_mb(x['peak_rss_mb'])}; {x['summary']}"))
    if "litellm" in r:
        x = r["litellm"]
        rows.append(("check, cold, litellm alone", _fmt_s(x["seconds"]),
                     f"{x['files']} files, {x['lines']:,} lines, {x['lines_per_s']:,.0f} lines/s, peak {_fmt_mb(x['peak_rss_mb'])}"))
    if "fastapi_lsp" in r:
        x = r["fastapi_lsp"]
        rows.append((f"fastapi-lsp {x['version']} check, litellm alone", _fmt_s(x["seconds"]),
                     f"peak {_fmt_mb(x['peak_rss_mb'])}; exit {x['exit_code']}, {x['findings']} lines of findings"))
    if "editing" in r:
        e = r["editing"]
        rows += [
            (f"ast.parse of {Path(e['file']).name} (median of 5)", _fmt_s(e["ast_parse_seconds"]), f"{e['lines']:,} lines"),
            ("server: didOpen -> diagnostics", _fmt_s(e["open_seconds"]), f"{e['diagnostics']} diagnostics after the edits"),
            (f"server: didChange -> diagnostics, p50 ({e['edits']} edits)", _fmt_s(e["change_p50"]),
             f"spread over {e['route_handlers']} route handlers"),
            ("server: didChange -> diagnostics, p95", _fmt_s(e["change_p95"]), ""),
            ("server: didChange -> diagnostics, max", _fmt_s(e["change_max"]), ""),
            (f"server: Enter (a line added) -> diagnostics, p50 ({e['enters']} edits)", _fmt_s(e["enter_p50"]),
             "a line break typed inside a handler: everything below moves"),
            ("server: Enter -> diagnostics, p95", _fmt_s(e["enter_p95"]), ""),
            ("server: codeAction (median of 5)", _fmt_s(e["code_action_seconds"]), f"{e['fix_code']}: {e['fix_title']}"),
            ("server: codeAction/resolve (median of 5)", _fmt_s(e["resolve_seconds"]), ""),
            ("server: hover, p50 of 20", _fmt_s(e["hover_p50"]), f"route decorator on line {e['hover_line']}"),
            ("server: peak memory, one big file open", _fmt_mb(e["peak_rss_mb"]), "VmHWM"),
        ]
    if "workspace" in r:
        x = r["workspace"]
        rows.append(("server, scope=workspace, 4 folders: until progress end", _fmt_s(x["seconds"]),
                     f"{x['begin']} -> {x['end']}"))
        rows.append(("server, scope=workspace: peak memory", _fmt_mb(x["peak_rss_mb"]), "VmHWM"))
    if "analysis" in r:
        a = r["analysis"]
        rows.append((f"analysis: ast.parse of {Path(a['file']).name} (median of 5)", _fmt_s(a["parse_seconds"]), "fresh process"))
        rows.append(("analysis: analyze(tree=...) (median of 5)", _fmt_s(a["analyze_seconds"]),
                     f"first call {_fmt_s(a['analyze_first_seconds'])}; {a['diagnostics']} diagnostics"))
    if "scaling" in r:
        for x in r["scaling"]["files"]:
            rows.append((f"check --no-cache, a generated {x['lines']:,}-line module", _fmt_s(x["seconds"]),
                         f"{x['us_per_line']:.0f} us/line, peak {_fmt_mb(x['peak_rss_mb'])}; {x['summary']}"))
    return rows


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The ratios the project targets; a ratio whose parts were not measured is left out."""
    out = []

    def add(name: str, value: float, op: str, limit: float) -> None:
        passed = value <= limit if op == "<=" else value >= limit
        out.append({"name": name, "value": value, "target": f"{op} {limit:g}x", "pass": passed})

    if "cold" in r and "ruff" in r:
        add("cold check / ruff --select FAST (4 folders)", r["cold"]["seconds"] / r["ruff"]["seconds"], "<=", 1.5)
    if "fastapi_lsp" in r and "litellm" in r:
        add("fastapi-lsp / our check (litellm): ours faster by", r["fastapi_lsp"]["seconds"] / r["litellm"]["seconds"], ">=", 20)
    if "warm" in r and "cold" in r:
        add("warm check / cold check", r["warm"]["seconds"] / r["cold"]["seconds"], "<=", 0.1)
    if "editing" in r:
        e = r["editing"]
        add("didChange->diagnostics p95 / ast.parse", e["change_p95"] / e["ast_parse_seconds"], "<=", 0.25)
        quick_fix = e["code_action_seconds"] + e["resolve_seconds"]
        add("quick fix (codeAction + resolve) / ast.parse", quick_fix / e["ast_parse_seconds"], "<=", 0.5)
    if "analysis" in r:
        a = r["analysis"]
        add("analyze(parsed module) / its ast.parse", a["analyze_seconds"] / a["parse_seconds"], "<=", 0.5)
    if "routes" in r:
        x = r["routes"]
        add("routes, cold / ast.parse of the modules it parses (8 corpora)", x["seconds"] / x["floor_seconds"], "<=", 1.3)
        add("routes, warm (nothing changed) / cold", x["warm_seconds"] / x["seconds"], "<=", 0.1)
    if "scaling" in r:
        add("check time per line, largest / smallest (10k-100k-line modules)", r["scaling"]["per_line_spread"], "<=", 1.5)
    return out


def informative_ratios(r: dict[str, Any]) -> list[tuple[str, float]]:
    """Ratios without a target, worth seeing next to them."""
    out = []
    if "cold" in r and "floor" in r:
        out.append(("cold check / floor (ast.parse of the same files)", r["cold"]["seconds"] / r["floor"]["seconds"]))
    if "warm" in r and "fixed_cost" in r:
        out.append(("start-up (empty folder) / warm check", r["fixed_cost"]["seconds"] / r["warm"]["seconds"]))
    if "warm" in r and "cold" in r:
        out.append(("one file changed / cold check", r["warm"]["changed_seconds"] / r["cold"]["seconds"]))
    if "editing" in r:
        e = r["editing"]
        out.append(("hover p50 / ast.parse", e["hover_p50"] / e["ast_parse_seconds"]))
        out.append(("didChange->diagnostics p50 / ast.parse", e["change_p50"] / e["ast_parse_seconds"]))
    return out


def print_report(report: dict[str, Any]) -> None:
    m = report["machine"]
    print(f"\nfastapi-status benchmark, {report['date']}")
    print(f"machine: {m['cpus']} CPUs, {m['cpu_model']}; Python {m['python']}; {m['platform']}")
    print(f"load average at start: {m['load_average_at_start']}, at end: {report['load_average_at_end']}")
    print(f"corpora: {report['corpora']}  (repeat: {report['repeat']}; single runs are noisy on a busy machine)\n")
    rows = measurement_rows(report["results"])
    if rows:
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        print(f"{'measurement':<{w0}}  {'value':>{w1}}  notes")
        print(f"{'-' * w0}  {'-' * w1}  -----")
        for name, value, note in rows:
            print(f"{name:<{w0}}  {value:>{w1}}  {note}")
    if report["targets"]:
        print()
        w0 = max(len(t["name"]) for t in report["targets"])
        print(f"{'target':<{w0}}  {'measured':>9}  {'target':>8}  result")
        print(f"{'-' * w0}  {'-' * 9}  {'-' * 8}  ------")
        for t in report["targets"]:
            print(f"{t['name']:<{w0}}  {t['value']:>8.3f}x  {t['target']:>8}  {'PASS' if t['pass'] else 'FAIL'}")
    extra = informative_ratios(report["results"])
    if extra:
        print()
        for name, value in extra:
            print(f"(no target) {name}: {value:.3f}x")
    for name, error in report["errors"].items():
        print(f"\nERROR in {name}: {error}")


# -- main ----------------------------------------------------------------------------------------


GROUPS = ("check", "routes", "server", "analysis")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-peers", action="store_true", help="skip fastapi-lsp (about a minute)")
    parser.add_argument("--only", default=",".join(GROUPS),
                        help="comma-separated groups to run: check, routes, server, analysis (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command-line measurement; the median is kept")
    args = parser.parse_args()
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        parser.error(f"--only takes {', '.join(GROUPS)} (comma-separated), not {args.only!r}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    try:
        root = fetch_corpora()
        ensure_venv()
        info = machine()
        corpus = parsed_files(root)
    except BenchError as exc:
        print(f"bench: set-up failed: {exc}", file=sys.stderr)
        return 1

    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    work = Path(tempfile.mkdtemp(prefix="fastapi-status-bench-"))

    def step(name: str, fn: Callable[[], dict[str, Any]]) -> None:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        start = time.monotonic()
        try:
            results[name] = fn()
        except BenchError as exc:
            errors[name] = str(exc)
            print(f"bench: {name} FAILED: {exc}", file=sys.stderr)
        except Exception as exc:  # an unexpected bug of the harness: report it, go on
            import traceback

            errors[name] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
            print(f"bench: {name} FAILED:\n{errors[name]}", file=sys.stderr)
        else:
            print(f"bench: {name} done in {time.monotonic() - start:.1f} s", file=sys.stderr)

    try:
        if "check" in groups:
            step("floor", lambda: measure_floor(corpus, work))
            step("cold", lambda: measure_cold(corpus, work, args.repeat))
            step("fixed_cost", lambda: measure_fixed_cost(work, args.repeat))
            step("ruff", lambda: measure_ruff(corpus, work, args.repeat))
            step("warm", lambda: measure_warm(corpus, work, args.repeat))
            step("litellm", lambda: measure_litellm_only(corpus, work, args.repeat))
            if not args.skip_peers:
                step("fastapi_lsp", lambda: measure_fastapi_lsp(corpus, work))
        if "routes" in groups:
            step("routes", lambda: measure_routes(root, work, args.repeat))
        if "server" in groups:
            step("editing", lambda: measure_editing(corpus, work))
            step("workspace", lambda: measure_workspace(corpus, work))
        if "analysis" in groups:
            step("analysis", lambda: measure_analysis(corpus, work))
            step("scaling", lambda: measure_scaling(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    now = dt.datetime.now().astimezone()
    report = {
        "date": now.isoformat(timespec="seconds"),
        "machine": info,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "corpora": str(root),
        "groups": groups,
        "skip_peers": args.skip_peers,
        "repeat": args.repeat,
        "results": results,
        "targets": targets(results),
        "errors": errors,
    }
    print_report(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(report, indent=2) + "\n"
    out = RESULTS / f"{now.strftime('%Y-%m-%d_%H%M%S')}.json"
    out.write_text(payload)
    (RESULTS / "latest.json").write_text(payload)
    print(f"\nwritten: {out.relative_to(REPO)} and bench/results/latest.json")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
