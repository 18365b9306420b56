"""`fastapi-status`: check files (`check`), list routes and their statuses (`routes`), explain rules (`rule`)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import difflib
import os
import sys
import tempfile
from pathlib import Path
from stat import S_IMODE

from fastapi_status import __version__
from fastapi_status.cli import output
from fastapi_status.cli.cache import Cache
from fastapi_status.cli.records import FileReport, Record
from fastapi_status.config import ConfigError, ConfigFinder, Overrides, check_selectors
from fastapi_status.core.analyze import Settings, analyze, collector_paused
from fastapi_status.core.failures import failure_report
from fastapi_status.core.fix_all import fix_failure, fix_source
from fastapi_status.core.project import ProjectIndex
from fastapi_status.core.text import split_lines
from fastapi_status.files import (
    ReadError,
    decode,
    discover,
    display_path,
    mentions_framework,
    project_files,
    read_source,
)
from fastapi_status.rules import SYNTAX_ERROR_CODE, all_rules, get_rule

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
PARALLEL_THRESHOLD = 32  # files to analyse before a process pool pays for itself


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastapi-status",
        description="Find FastAPI endpoints that answer with the wrong HTTP status code.",
    )
    parser.add_argument("--version", action="version", version=f"fastapi-status {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check files and folders (default: the current directory)")
    check.add_argument("paths", nargs="*", metavar="PATH", default=None)
    check.add_argument("--select", type=_codes, help="rules or prefixes to enable, comma-separated (replaces the configured selection)")
    check.add_argument("--ignore", type=_codes, default=[], help="rules or prefixes to disable")
    check.add_argument("--extend-select", type=_codes, default=[], help="rules or prefixes to enable on top of the selection")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply (with --fix) or show the unsafe fixes")
    check.add_argument("--diff", action="store_true", help="show the fixes as a unified diff; change nothing")
    check.add_argument("--format", "--output-format", dest="format", choices=output.FORMATS, default="text")
    check.add_argument("--no-cache", action="store_true", help="analyse every file, ignoring the cache")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems remain")
    check.add_argument("--config", type=Path, help="the pyproject.toml to use instead of the nearest one")
    check.add_argument("--status-style", choices=("auto", "constant", "number"), help="how fixes write status codes")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    check.add_argument("--verbose", "-v", action="store_true", help="show the tracebacks of internal errors")

    routes = sub.add_parser("routes", help="list every route with the statuses it can answer and what its OpenAPI documents")
    routes.add_argument("paths", nargs="*", metavar="PATH", default=None, help="folders or files (default: the current directory)")
    routes.add_argument("--format", "--output-format", dest="format", choices=("text", "json", "markdown"), default="text")
    routes.add_argument("--verbose", "-v", action="store_true", help="show where each status comes from")
    routes.add_argument("--no-cache", action="store_true", help="read every module, ignoring the cached output")

    lsp = sub.add_parser("lsp", help="run the language server (stdio; --tcp for debugging)")
    lsp.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    lsp.add_argument("--host", default="127.0.0.1")
    lsp.add_argument("--port", type=int, default=2087)

    rule = sub.add_parser("rule", help="explain a rule (or list them all with --all)")
    rule.add_argument("code", nargs="?")
    rule.add_argument("--all", action="store_true", help="list every rule")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        return run_check(args)
    if args.command == "rule":
        return run_rule(args)
    if args.command == "routes":
        from fastapi_status.cli.routes import run

        return run(args.paths or ["."], args.format, args.verbose, use_cache=not args.no_cache)
    if args.command == "lsp":
        from fastapi_status.lsp.server import start

        start(tcp=args.tcp, host=args.host, port=args.port)
        return EXIT_OK
    parser.print_help()
    return EXIT_ERROR


# -- rule ------------------------------------------------------------------------------------


def run_rule(args: argparse.Namespace) -> int:
    if args.all:
        width = max(len(r.name) for r in all_rules())
        for r in all_rules():
            state = "on " if r.default_enabled else "off"
            fix = "fix" if r.fix_summary else "   "
            print(f"{r.code}  {r.name:<{width}}  {state}  {fix}  {r.summary}")
        return EXIT_OK
    if not args.code:
        print("fastapi-status rule: give a rule code (e.g. FST201) or --all", file=sys.stderr)
        return EXIT_ERROR
    rule = get_rule(args.code)
    if rule is None:
        print(f"fastapi-status rule: unknown rule code {args.code!r}; `fastapi-status rule --all` lists them", file=sys.stderr)
        return EXIT_ERROR
    print(f"# {rule.name} ({rule.code})\n")
    print(f"Default: {'on' if rule.default_enabled else 'off'}. Severity: {rule.severity.value}.")
    print(f"Fix: {rule.fix_summary or 'none'}.\n")
    print(rule.documentation())
    return EXIT_OK


# -- check -----------------------------------------------------------------------------------


def process_file(path: str, display: str, settings: Settings, mode: str, unsafe: bool, with_edits: bool) -> FileReport:
    """Check (and with mode "fix"/"diff", fix) one file. Runs in a worker process."""
    report = FileReport(display)
    try:
        data = Path(path).read_bytes()
        text, encoding = decode(data)
    except OSError as exc:
        report.records.append(_problem(f"cannot read: {exc.strerror or exc}"))
        return report
    except ReadError as exc:
        report.records.append(_problem(str(exc)))
        return report
    if not mentions_framework(data):
        return report
    if settings.project_root is not None:
        view = project_index(settings.project_root).view(os.path.abspath(path))
        settings = dataclasses.replace(settings, project=view)
    if mode == "check":
        result = analyze(text, settings)  # (pauses the cycle collector itself)
        fixed_text, fixed = text, 0
        errors: list[str] = []
    else:
        with collector_paused():  # the fixes' libcst trees too
            fixed_text, fixed, result, errors = fix_source(text, settings, unsafe)
    report.records = [Record.from_diagnostic(d, with_edits) for d in result.diagnostics]
    report.errors = errors + [f"rule {code} failed and was skipped: {tb}" for code, tb in result.errors]
    if with_edits:
        report.errors += [fix_failure(d, d.preferred_fix) for d in result.diagnostics if d.preferred_fix and d.preferred_fix.error]
    report.fixed = fixed
    if settings.project is not None:
        report.reads = sorted(settings.project.reads - {os.path.abspath(path)})
    if fixed_text != text:
        report.old_text, report.new_text = text, fixed_text
        if mode == "fix":
            report.write_error = write_if_unchanged(path, data, fixed_text.encode(encoding))
            if report.write_error:  # the file keeps its problems
                report.fixed = 0
                report.records = [Record.from_diagnostic(d, False) for d in analyze(text, settings).diagnostics]
    return report


def write_if_unchanged(path: str, read: bytes, new: bytes) -> str | None:
    """Write the fixed text over `path` if the file still holds what was read (else the user's
    edit made meanwhile would be lost); through a temporary file and a rename, so that the file
    is never half written, keeping its mode. None when written, else why not."""
    try:
        if Path(path).read_bytes() != read:
            return "changed while it was being fixed; not written (run the fix again)"
        info = os.stat(path)
        mode = info.st_mode
        if not os.access(path, os.W_OK) or not mode & 0o222:  # (root may write a read-only file)
            return "cannot write: the file is read-only; not fixed"
        target = os.path.realpath(path)  # (a symlink stays a symlink: its target is replaced)
        fd, tmp = tempfile.mkstemp(prefix=".fastapi-status-", suffix=".tmp", dir=os.path.dirname(target))
    except OSError as exc:
        return f"cannot write: {exc.strerror or exc}; not fixed"
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(new)
        os.chmod(tmp, S_IMODE(mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # (keeps the owner where we may: root fixing a user's file)
                os.chown(tmp, info.st_uid, info.st_gid)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return f"cannot write: {exc.strerror or exc}; not fixed"
    return None


_PROJECTS: dict[str, ProjectIndex] = {}


def project_index(root: str) -> ProjectIndex:
    """The index of the project's modules (one per project folder and process, built on first
    use: a worker process builds its own)."""
    index = _PROJECTS.get(root)
    if index is None:
        index = _PROJECTS[root] = ProjectIndex.of_files(project_files(root), read_source)
    return index


def _problem(message: str) -> Record:
    return Record(SYNTAX_ERROR_CODE, message, "error", (1, 0), (1, 0), None)


def run_check(args: argparse.Namespace) -> int:
    paths = args.paths or ["."]
    try:
        for option in ("select", "ignore", "extend_select"):
            check_selectors(getattr(args, option) or [], f"--{option.replace('_', '-')}")
        finder = ConfigFinder(args.config)
        files, path_errors = discover(paths, finder)
        overrides = Overrides(args.select, args.ignore, args.extend_select, args.status_style)
        jobs = [(f, finder.settings_for(f, overrides)) for f in files]
    except ConfigError as exc:
        print(f"fastapi-status: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for error in path_errors:
        print(f"fastapi-status: error: {error}", file=sys.stderr)

    mode = "fix" if args.fix else "diff" if args.diff else "check"
    with_edits = args.format in ("json", "sarif") and mode == "check"
    use_cache = mode == "check" and not args.no_cache
    cache = Cache(finder.for_file(Path(paths[0]) / "x").root if finder else Path.cwd()) if use_cache else None

    reports: list[FileReport | None] = [None] * len(jobs)
    pending = []
    keys: dict[int, str] = {}
    sizes: dict[int, int] = {}
    stats: dict[int, tuple[str, os.stat_result, str]] = {}
    settings_keys: dict[int, str] = {}
    cwd = os.getcwd()
    for i, (file, settings) in enumerate(jobs):
        if cache is not None:
            skey = settings_keys.get(id(settings))
            if skey is None:
                skey = settings_keys[id(settings)] = Cache.settings_key(settings, with_edits)
            try:
                stat = os.stat(file)
            except OSError:
                stat = None
            if stat is not None:
                stats[i] = (os.path.join(cwd, file), stat, skey)
                known = cache.by_stat(*stats[i])
                if known is not None:
                    reports[i] = FileReport(display_path(file) if known else str(file), known)
                    continue
        try:
            data = file.read_bytes()
        except OSError:
            data = None  # the worker reports it
        if data is not None and not mentions_framework(data):
            reports[i] = FileReport(str(file))  # cannot have a finding: not parsed
            if i in stats:
                cache.remember(*stats[i], [])  # type: ignore[union-attr]
            continue
        display = display_path(file)
        if data is not None:
            sizes[i] = len(data)
            if cache is not None:
                keys[i] = cache.key(data, settings, with_edits)
                hit = cache.get(keys[i])
                if hit is not None:
                    reports[i] = FileReport(display, hit[0])
                    if i in stats:
                        cache.remember(*stats[i], hit[0], hit[1])
                    continue
        pending.append((i, (str(file), display, settings, mode, args.unsafe_fixes, with_edits)))

    if len(pending) > PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
        # Largest files first, one at a time: the big ones do not end up last on one core.
        order = sorted(range(len(pending)), key=lambda k: -sizes.get(pending[k][0], 0))
        all_rules()  # imported once here: workers forked from this process start with them
        results = run_in_pool([pending[k][1] for k in order], order, len(pending))
    else:
        results = [_process_packed(job) for _, job in pending]
    for (i, _), report in zip(pending, results):
        reports[i] = report
        if cache is not None and i in keys and not report.errors:
            deps = Cache.dependencies(report.reads)
            cache.put(keys[i], report.records, deps)
            if i in stats:
                cache.remember(*stats[i], report.records, deps)
    if cache is not None:
        cache.save()

    done = [r for r in reports if r is not None]
    failed = internal = False
    for report in done:
        for error in report.errors:
            failed = internal = True
            first, _, details = error.partition("\n")
            print(f"fastapi-status: internal error in {report.path}: {first}", file=sys.stderr)
            if args.verbose and details.strip():
                print(details.rstrip(), file=sys.stderr)
        if report.write_error:
            failed = True
            print(f"fastapi-status: error: {report.path}: {report.write_error}", file=sys.stderr)
    if internal and not args.verbose:
        print("fastapi-status: (--verbose shows the tracebacks; please report internal errors with the code that caused them)", file=sys.stderr)

    if args.diff:
        changed = [r for r in done if r.new_text is not None]
        for r in changed:
            sys.stdout.writelines(
                difflib.unified_diff(
                    split_lines(r.old_text),  # type: ignore[arg-type]  (Python's line breaks only:
                    split_lines(r.new_text),  # type: ignore[arg-type]   str.splitlines breaks at \f too)
                    f"a/{Path(r.path).as_posix()}",
                    f"b/{Path(r.path).as_posix()}",
                )
            )
        fixed = sum(r.fixed for r in changed)
        print(f"\nWould fix {fixed} problem{'s' if fixed != 1 else ''}.", file=sys.stderr)
        status = EXIT_PROBLEMS if changed else EXIT_OK
        if path_errors or failed:
            return EXIT_ERROR
        return EXIT_OK if args.exit_zero else status

    shown = [r for r in done if r.records]
    output.write(args.format, shown, sys.stdout)
    if args.format == "text" and not args.quiet:
        if any(r.records for r in done):
            print()
        print(output.summary(done, args.fix, args.unsafe_fixes, failed or bool(path_errors)))
    if path_errors or failed:
        return EXIT_ERROR
    problems = any(r.records for r in done)
    return EXIT_PROBLEMS if problems and not args.exit_zero else EXIT_OK


def _process_packed(job: tuple) -> FileReport:
    """`process_file`, which never raises: a failure outside the rules (a bug) is that file's
    internal error, and the other files go on."""
    try:
        return process_file(*job)
    except Exception as exc:
        report = FileReport(job[1])
        report.errors.append(f"the check failed: {failure_report(exc)}")
        return report


def run_in_pool(jobs: list[tuple], slots: list[int], size: int) -> list[FileReport | None]:
    """Each job's report, in a process pool, at index `slots[k]` of the result. A worker that
    dies (a crash in native code) breaks the pool and loses the jobs in flight: those run again
    in a new pool, and what is lost again runs one process each, so that only the file that
    crashes a process goes unchecked, and says so."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    results: list[FileReport | None] = [None] * size
    lost = list(range(len(jobs)))
    for attempt in ("pool", "pool", "alone"):
        if not lost:
            break
        again = []
        batches = [lost] if attempt == "pool" else [[k] for k in lost]
        for batch in batches:
            with ProcessPoolExecutor(max_workers=1 if attempt == "alone" else None) as pool:
                futures = [(k, pool.submit(_process_packed, jobs[k])) for k in batch]
                for k, future in futures:
                    try:
                        results[slots[k]] = future.result()
                    except BrokenProcessPool:
                        again.append(k)
        lost = again
    for k in lost:
        report = FileReport(jobs[k][1])
        report.errors.append("the analysis of this file crashed the worker process (in native code); the file was not checked")
        results[slots[k]] = report
    return results


if __name__ == "__main__":
    raise SystemExit(main())
