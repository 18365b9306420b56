"""The fastapi-status language server (pygls). It keeps per-document analyses and translates
them to LSP: diagnostics (push, or pull where the client asks), code actions resolved lazily,
fix-all, hover and inlay hints. Every rule decision is the core's."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import platform
import sys
import threading
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from fastapi_status import __version__
from fastapi_status.config import ConfigFinder, modified_ns
from fastapi_status.core.analyze import Analysis, Settings, analyze, noqa_edit
from fastapi_status.core.diagnostics import Diagnostic, Edit, Range
from fastapi_status.core.fix_all import fix_source
from fastapi_status.core.incremental import analyze_edit
from fastapi_status.core.project import ProjectIndex
from fastapi_status.core.routes_info import hover as hover_at
from fastapi_status.core.routes_info import inlay_hints
from fastapi_status.core.text import split_lines
from fastapi_status.files import ReadError, decode, discover, mentions_framework, project_files, read_source
from fastapi_status.fixes.cst import minimal_edit
from fastapi_status.lsp.convert import SOURCE, Converter, plain
from fastapi_status.lsp.documents import LspTextDocument, Moves
from fastapi_status.lsp.protocol import FastapiStatusProtocol
from fastapi_status.lsp.settings import ClientSettings, settings_for
from fastapi_status.rules import SYNTAX_ERROR_CODE

log = logging.getLogger(__name__)
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"
APPLY_FIX_ALL = "fastapi-status.applyFixAll"  # (workspace/executeCommand: fix the file, say how many)
FIX_ALL_TITLE = "Fix all fastapi-status problems in this file"


@dataclass
class DocState:
    """The newest analysis of a document that parsed (kept while the user is mid-typing)."""

    version: int | None
    text: str
    analysis: Analysis
    settings: Settings
    # How many changes the document had had (LspTextDocument.revision) at this text; None for
    # a file read from disk.
    revision: int | None = None
    # Given to an analysis of a newer text, which may move its nodes (core/incremental.py):
    # nothing else may start from it or read its nodes meanwhile.
    in_use: bool = False


@dataclass
class Broken:
    """The newest text of a document that did not parse (newer than its DocState), and the
    syntax error the core reported for it (FST000)."""

    version: int | None
    text: str
    revision: int
    errors: list[Diagnostic]


class Snapshot(NamedTuple):
    """A document's text as it is now, with its version, revision and settings (read on the
    event loop, so they always belong together)."""

    text: str
    version: int | None
    settings: Settings
    revision: int
    document: LspTextDocument  # (opened again, a document is another one, its revisions anew)


class FastapiStatusServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("fastapi-status", __version__, protocol_cls=FastapiStatusProtocol)
        self.client_settings = ClientSettings()
        self.finder = ConfigFinder()
        self.states: dict[str, DocState] = {}
        # The documents whose newest analysed text did not parse (their DocState is older).
        self.broken: dict[str, Broken] = {}
        self.pending: dict[str, asyncio.Task] = {}
        # The analysis of each document that is running in the thread pool (one at a time).
        self.running: dict[str, asyncio.Task] = {}
        self.pull_diagnostics = False
        # Files outside the editor whose diagnostics were pushed by the workspace scan.
        self.workspace_published: set[str] = set()
        self.scan_task: asyncio.Task | None = None
        self.config_stamps: dict[Path, int | None] = {}
        # The project index of each project folder (core/project.py), for the rules that follow
        # a call into another module; open documents are read from the editor.
        self.projects: dict[str, ProjectIndex] = {}

    # -- helpers -------------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """A message for the user (a notification in the editor), also in the log."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        self.log(message, kind)

    def log_rule_errors(self, where: str, result: Analysis) -> None:
        for code, tb in result.errors:
            self.log(f"Rule {code} failed on {where} and was skipped:\n{tb}", types.MessageType.Error)

    def converter(self, state: DocState) -> Converter:
        ctx = state.analysis.context
        lines = ctx.lines if ctx is not None and ctx.source is state.text else split_lines(state.text)
        return Converter(self.workspace.position_codec, lines)

    def settings_for(self, uri: str) -> Settings:
        if any(modified_ns(path) != stamp for path, stamp in self.config_stamps.items()):
            # A pyproject.toml changed (clients that watch files also say so; others do not).
            self.finder = ConfigFinder()
            self.config_stamps = {}
            self.recheck_open_documents()
        path = Path(to_fs_path(uri)) if uri.startswith("file:") else None
        settings, problem = settings_for(path, self.client_settings, self.finder)
        self.config_stamps = self.finder.stamps()
        if problem:
            self.log(f"Ignoring the configuration: {problem}", types.MessageType.Warning)
        return self.with_project(settings, path)

    def with_project(self, settings: Settings, path: Path | None) -> Settings:
        """The settings with the project around the file (its index built on first use)."""
        if settings.project_root is None or path is None:
            return settings
        index = self.projects.get(settings.project_root)
        if index is None:
            index = self.projects[settings.project_root] = ProjectIndex.of_files(
                project_files(settings.project_root), self.read_module
            )
        return dataclasses.replace(settings, project=index.view(str(path)))

    def read_module(self, path: str) -> str | None:
        """A module's text: the editor's when it is open there, else the file's."""
        uri = Path(path).as_uri()
        if uri in self.workspace.text_documents:
            return self.workspace.get_text_document(uri).source
        return read_source(path)

    def forget_module(self, uri: str) -> None:
        """The module changed (in the editor or on disk): the project indexes read it again."""
        if uri.startswith("file:"):
            path = to_fs_path(uri)
            for index in self.projects.values():
                index.forget(path)

    def document(self, uri: str) -> LspTextDocument | None:
        """The open document (None when it is not open in the editor)."""
        if uri not in self.workspace.text_documents:
            return None
        return self.workspace.get_text_document(uri)  # type: ignore[return-value]

    def snapshot(self, uri: str) -> Snapshot | None:
        """The document as it is now, with its settings."""
        doc = self.document(uri)
        if doc is None:
            return None
        return Snapshot(doc.source, doc.version, self.settings_for(uri), doc.revision, doc)

    def finish(self, uri: str, snap: Snapshot, result: Analysis) -> DocState | None:
        """Record an analysis: the new state, or None when the text did not parse (the last good
        state stays, so the squiggles do not flicker while the user types, and the syntax error
        is kept in `broken`) or when a newer version is already recorded."""
        self.log_rule_errors(uri, result)
        doc = self.document(uri)
        if doc is not snap.document:
            return None  # (closed or opened again meanwhile: nothing to keep)
        if not result.parsed:
            self.record_broken(uri, snap, result)
            return None
        known = self.states.get(uri)
        if (
            known is not None
            and known.version is not None
            and snap.version is not None
            and known.version > snap.version
        ):
            return None
        state = DocState(snap.version, snap.text, result, snap.settings, snap.revision)
        self.states[uri] = state
        broken = self.broken.get(uri)
        if broken is not None and broken.revision <= snap.revision:
            del self.broken[uri]
        doc.forget_before(snap.revision)  # (nothing moves from an older text any more)
        return state

    def record_broken(self, uri: str, snap: Snapshot, result: Analysis) -> None:
        """Keep the syntax error of a text newer than the last good one."""
        state, broken = self.states.get(uri), self.broken.get(uri)
        if any(known is not None and (known.revision or 0) > snap.revision for known in (state, broken)):
            return
        self.broken[uri] = Broken(snap.version, snap.text, snap.revision, list(result.diagnostics))
        if state is None:
            self.document(uri).forget_before(snap.revision)  # type: ignore[union-attr]

    def is_current(self, uri: str, state: DocState | Broken | None) -> bool:
        """The state is of the document's text as it is now."""
        doc = self.document(uri)
        return state is not None and doc is not None and state.revision == doc.revision and state.text == doc.source

    def analyse(self, uri: str) -> DocState | None:
        snap = self.snapshot(uri)
        if snap is None:
            return None
        with self.analysis_job(uri, snap) as job:
            return self.finish(uri, snap, job())

    @contextlib.contextmanager
    def analysis_job(self, uri: str, snap: Snapshot):
        """The analysis to run for this text: from the previous analysis, edited where the text
        changed (core/incremental.py), when that one is free and comparable (it is marked in use
        until the block ends); else of the whole text.

        When the job fails, the state it started from is forgotten (it may be half moved: the
        next analysis starts from the text). Else that state is free again when the block ends,
        or gone when the result replaced it (an analysis moves nodes only when it succeeds)."""
        text, version, settings = snap.text, snap.version, snap.settings
        base = self.states.get(uri)
        if (
            base is None
            or base.in_use
            or base.settings != settings
            or base.version is None
            or version is None
            or base.version >= version
        ):
            yield functools.partial(analyze, text, settings)
            return
        base.in_use = True
        try:
            yield functools.partial(analyze_edit, base.analysis, text, settings)
        except Exception:
            if self.states.get(uri) is base:
                del self.states[uri]
            raise
        finally:
            base.in_use = False

    def lsp_diagnostics(self, uri: str, state: DocState) -> list[types.Diagnostic]:
        conv = self.converter(state)
        overrides = self.client_settings.severity
        return [conv.diagnostic(uri, d, overrides.get(d.code)) for d in state.analysis.diagnostics]

    def view(self, uri: str, state: DocState | None) -> tuple[Converter, Moves | None] | None:
        """How the places of an analysis (hover, inlay hints) are shown in the document now:
        converted over its text when it is of the text as it is now; else also moved through
        the edits since (the text does not parse). None: no analysis to show."""
        if state is None or state.analysis.context is None:
            return None
        if self.is_current(uri, state):
            return self.converter(state), None
        moves, doc = self.moves(uri, state), self.document(uri)
        if moves is None or doc is None:
            return None
        return Converter(self.workspace.position_codec, doc.lines), moves

    def moves(self, uri: str, state: DocState | Broken) -> Moves | None:
        """From the text of `state` to the document's text now (None: that is not known)."""
        doc = self.document(uri)
        changes = doc.changes_since(state.revision) if doc is not None and state.revision is not None else None
        return Moves(state.text, doc.source, changes) if changes is not None else None  # type: ignore[union-attr]

    def shown(self, uri: str) -> list[Diagnostic] | None:
        """The core diagnostics to show for the document as it is now, in its coordinates: the
        analysis of its text; or, while it does not parse, the last good diagnostics moved
        through every edit since (those whose code was edited dropped) with the syntax error;
        None while its newest text is not analysed yet."""
        state, broken = self.states.get(uri), self.broken.get(uri)
        if broken is None:
            return list(state.analysis.diagnostics) if self.is_current(uri, state) else None
        moved: list[Diagnostic] = []
        for kept, found in ((state, state.analysis.diagnostics if state else []), (broken, broken.errors)):
            moves = self.moves(uri, kept) if kept is not None else None
            if moves is not None:
                moved.extend(d for d in map(moves.diagnostic, found) if d is not None)
        return sorted(moved, key=Diagnostic.sort_key)

    def shown_lsp(self, uri: str) -> list[types.Diagnostic] | None:
        """`shown`, as LSP diagnostics."""
        found, doc = self.shown(uri), self.document(uri)
        if found is None or doc is None:
            return None
        conv = Converter(self.workspace.position_codec, doc.lines)
        overrides = self.client_settings.severity
        return [conv.diagnostic(uri, d, overrides.get(d.code)) for d in found]

    def publish(self, uri: str) -> None:
        """Push what `shown` says for the document now (nothing while it is not analysed)."""
        if self.pull_diagnostics:
            return
        diagnostics = self.shown_lsp(uri)
        if diagnostics is not None:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=self.current_version(uri))
            )

    def current_version(self, uri: str) -> int | None:
        doc = self.document(uri)
        return doc.version if doc is not None else None

    def check_later(self, uri: str, delay: float) -> None:
        """Debounced check: a newer change cancels this one; a result for an old version is
        never published."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._check(uri, delay))

    def analysed(self, uri: str, snap: Snapshot) -> bool:
        """This text (with these settings) was analysed already: its state or syntax error is
        recorded."""
        state = self.states.get(uri)
        if self.is_current(uri, state) and state.settings == snap.settings:  # type: ignore[union-attr]
            return True
        return self.is_current(uri, self.broken.get(uri))

    async def _check(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            await self.settled(uri)
            snap = self.snapshot(uri)
            if snap is None:
                return
            if not self.analysed(uri, snap):
                task = self.running[uri] = asyncio.ensure_future(self._analyse_in_pool(uri, snap))
                await asyncio.shield(task)  # (a newer change cancels this check, not the analysis)
            if snap.version == self.current_version(uri):
                self.publish(uri)  # never a result for an old version
        except asyncio.CancelledError:
            pass
        except Exception:
            self.log(f"Checking {uri} failed:\n{traceback.format_exc()}", types.MessageType.Error)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def _analyse_in_pool(self, uri: str, snap: Snapshot) -> DocState | None:
        """Analyse in the thread pool and record the result, even when the text has changed
        meanwhile: the next analysis starts from it."""
        try:
            with self.analysis_job(uri, snap) as job:
                result = await asyncio.get_running_loop().run_in_executor(None, job)
                return self.finish(uri, snap, result)
        finally:
            if self.running.get(uri) is asyncio.current_task():
                del self.running[uri]

    async def settled(self, uri: str) -> None:
        """Wait for the analysis of `uri` that is running, if any (its result is the next one's
        starting point)."""
        running = self.running.get(uri)
        if running is not None and not running.done():
            await asyncio.wait({running})

    def state_for_request(self, uri: str) -> DocState | None:
        """The last good analysis of the document, of its text as it is now (analysed on demand
        when needed) unless that does not parse (see `is_current`)."""
        state = self.states.get(uri)
        if not self.is_current(uri, state) and not self.is_current(uri, self.broken.get(uri)):
            state = self.analyse(uri) or state
        return state

    async def current_state(self, uri: str) -> DocState | None:
        """`state_for_request`, once the running analysis of the document (if any) is over."""
        await self.settled(uri)
        return self.state_for_request(uri)

    def recheck_open_documents(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.check_later(uri, 0)
        if self.pull_diagnostics:
            refresh = self.client_capabilities.workspace and self.client_capabilities.workspace.diagnostics
            if refresh and refresh.refresh_support:
                self.workspace_diagnostic_refresh(None)
        self.apply_scope()

    # -- workspace scope -----------------------------------------------------------------------

    def workspace_roots(self) -> list[Path]:
        roots = [Path(to_fs_path(f.uri)) for f in self.workspace.folders.values() if f.uri.startswith("file:")]
        if not roots and self.workspace.root_uri and self.workspace.root_uri.startswith("file:"):
            roots = [Path(to_fs_path(self.workspace.root_uri))]
        return roots

    def apply_scope(self) -> None:
        """Start (or restart) the background check of the workspace, or clear what it published
        when the scope went back to open files."""
        if self.scan_task is not None:
            self.scan_task.cancel()
            self.scan_task = None
        if self.client_settings.scope == "workspace":
            self.scan_task = asyncio.ensure_future(self.scan_workspace(self.workspace_roots()))
        else:
            for uri in sorted(self.workspace_published):
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            self.workspace_published.clear()

    def check_file(self, path: Path) -> tuple[str, list[types.Diagnostic]] | None:
        """Diagnostics for a file on disk (not open in the editor); None when it cannot be read."""
        uri = path.as_uri()
        try:
            data = path.read_bytes()
            if not mentions_framework(data):
                return uri, []
            text, _ = decode(data)
        except (OSError, ReadError) as exc:
            self.log(f"Skipping {path}: {exc}", types.MessageType.Warning)
            return None
        settings, problem = settings_for(path, self.client_settings, self.finder)
        settings = self.with_project(settings, path)
        result = analyze(text, settings)
        self.log_rule_errors(str(path), result)
        state = DocState(None, text, result, settings)
        return uri, self.lsp_diagnostics(uri, state)

    async def scan_workspace(self, roots: list[Path]) -> None:
        loop = asyncio.get_running_loop()
        token = f"fastapi-status-workspace-{uuid.uuid4()}"
        progress = bool(self.client_capabilities.window and self.client_capabilities.window.work_done_progress)
        started = False
        try:
            files, _ = await loop.run_in_executor(None, discover, [str(r) for r in roots if r.is_dir()], self.finder)
            if progress:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(
                    token,
                    types.WorkDoneProgressBegin(title="fastapi-status", message=f"Checking {len(files)} files", percentage=0),
                )
                started = True
            found = 0
            last_report = loop.time()
            for i, path in enumerate(files, 1):
                uri = path.as_uri()
                if uri not in self.workspace.text_documents:
                    checked = await loop.run_in_executor(None, self.check_file, path)
                    if checked is not None:
                        found += self.publish_from_disk(*checked)
                if started and (loop.time() - last_report > 0.2 or i == len(files)):
                    last_report = loop.time()
                    self.work_done_progress.report(
                        token,
                        types.WorkDoneProgressReport(
                            message=f"{i}/{len(files)} files", percentage=int(100 * i / max(len(files), 1))
                        ),
                    )
            self.log(f"Workspace checked: {len(files)} files, {found} problems")
            if started:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"{found} problems"))
        except asyncio.CancelledError:
            if started:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="cancelled"))
            raise
        except Exception:
            self.log(f"Checking the workspace failed:\n{traceback.format_exc()}", types.MessageType.Error)
            if started:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="failed"))

    def recheck_file_on_disk(self, uri: str) -> None:
        """In workspace scope, a file that is not open (closed, or changed on disk) is checked
        from disk again."""
        if self.client_settings.scope != "workspace" or not uri.startswith("file:"):
            return
        path = Path(to_fs_path(uri))

        async def run() -> None:
            if not path.is_file():
                if uri in self.workspace_published:
                    self.workspace_published.discard(uri)
                    self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
                return
            checked = await asyncio.get_running_loop().run_in_executor(None, self.check_file, path)
            if checked is not None:
                self.publish_from_disk(*checked)

        asyncio.ensure_future(run())

    def publish_from_disk(self, uri: str, diagnostics: list[types.Diagnostic]) -> int:
        """Publish what the check of a file on disk found, unless the file is open in the editor
        now (the editor's text wins), and remember which files the workspace scope published
        for; returns how many problems were published."""
        if uri in self.workspace.text_documents:
            return 0
        if diagnostics or uri in self.workspace_published:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
        if diagnostics:
            self.workspace_published.add(uri)
        else:
            self.workspace_published.discard(uri)
        return len(diagnostics)


server = FastapiStatusServer()


# -- lifecycle ---------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def on_initialize(ls: FastapiStatusServer, params: types.InitializeParams) -> None:
    settings, problems = ClientSettings.parse(params.initialization_options)
    ls.client_settings = settings
    for problem in problems:
        ls.log(problem, types.MessageType.Warning)
    caps = params.capabilities.text_document
    ls.pull_diagnostics = bool(caps and caps.diagnostic)
    ls.log(
        f"fastapi-status {__version__} started ({'pull' if ls.pull_diagnostics else 'push'} diagnostics) "
        f"on Python {platform.python_version()} ({sys.executable})"
    )


@server.feature(types.INITIALIZED)
def on_initialized(ls: FastapiStatusServer, params: types.InitializedParams) -> None:
    caps = ls.client_capabilities.workspace
    if caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration:
        watchers = [types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
        if ls.client_settings.scope == "workspace":
            watchers.append(types.FileSystemWatcher(glob_pattern="**/*.py"))
        ls.client_register_capability(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="fastapi-status-watched-files",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                    )
                ]
            )
        )
    if ls.client_settings.scope == "workspace":
        ls.apply_scope()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def on_configuration(ls: FastapiStatusServer, params: types.DidChangeConfigurationParams) -> None:
    if params.settings:
        settings, problems = ClientSettings.parse(params.settings)
        ls.client_settings = settings
        for problem in problems:
            ls.log(problem, types.MessageType.Warning)
    ls.recheck_open_documents()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def on_watched_files(ls: FastapiStatusServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith("pyproject.toml") for change in params.changes):
        ls.finder = ConfigFinder()
        ls.projects.clear()
        ls.recheck_open_documents()
        return
    if any(change.type != types.FileChangeType.Changed for change in params.changes if change.uri.endswith(".py")):
        ls.projects.clear()  # (a module added or removed: the index's names change)
    for change in params.changes:
        ls.forget_module(change.uri)
        if change.uri.endswith(".py") and change.uri not in ls.workspace.text_documents:
            ls.recheck_file_on_disk(change.uri)


# -- documents ---------------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FastapiStatusServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.forget_module(uri)
    # (Opened again without a close: a new document, whose revisions start again.)
    ls.states.pop(uri, None)
    ls.broken.pop(uri, None)
    if ls.pull_diagnostics and uri in ls.workspace_published:
        # The client pulls this document's diagnostics now: drop the pushed copy of the scan.
        ls.workspace_published.discard(uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.check_later(uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FastapiStatusServer, params: types.DidChangeTextDocumentParams) -> None:
    """Check again once typing pauses. While the document does not parse, its diagnostics are
    moved through the edit at once (they would stay on the lines they were on)."""
    uri = params.text_document.uri
    ls.forget_module(uri)
    if uri in ls.broken and ls.client_settings.debounce_ms:
        ls.publish(uri)  # (without a pause the check does it at once)
    ls.check_later(uri, ls.client_settings.debounce_ms / 1000)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: FastapiStatusServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.check_later(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FastapiStatusServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.states.pop(uri, None)
    ls.broken.pop(uri, None)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.recheck_file_on_disk(uri)  # workspace scope: the file on disk still counts


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False),
)
async def pull_diagnostics(ls: FastapiStatusServer, params: types.DocumentDiagnosticParams):
    await ls.current_state(params.text_document.uri)
    items = ls.shown_lsp(params.text_document.uri) or []
    return types.RelatedFullDocumentDiagnosticReport(items=items)


# -- code actions ------------------------------------------------------------------------------


def _find(state: DocState, conv: Converter, diag: types.Diagnostic) -> Diagnostic | None:
    start, end = conv.to_core(diag.range.start), conv.to_core(diag.range.end)
    for d in state.analysis.diagnostics:
        if d.code == diag.code and d.range.start == start and d.range.end == end:
            return d
    return None


def _wants(only: list[str] | None, kind: str) -> bool:
    """The client asked for code actions of `kind` (all kinds when it named none): `only`
    holds kinds or their parents (`source` for `source.fixAll.fastapi-status`)."""
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


def _has_safe_fix(state: DocState) -> bool:
    return any(d.preferred_fix and d.preferred_fix.is_safe for d in state.analysis.diagnostics)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True,
    ),
)
async def code_action(ls: FastapiStatusServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    state = await ls.current_state(uri)
    if state is None and uri not in ls.broken:
        return []
    only = params.context.only
    if not ls.is_current(uri, state):
        # The text does not parse: the fixes were built for the last text that did (their
        # edits would land on the wrong code), so only "Ignore … on this line" is offered.
        return _noqa_actions_while_broken(ls, uri, params) if _wants(only, types.CodeActionKind.QuickFix) else []
    assert state is not None
    actions: list[types.CodeAction] = []
    base = {"uri": uri, "version": state.version}
    if _wants(only, types.CodeActionKind.QuickFix):
        actions = _quick_fixes(ls, state, params.context.diagnostics, base)
        if actions and _has_safe_fix(state):
            actions.append(_fix_all_action(FIX_ALL_TITLE, types.CodeActionKind.QuickFix, base))
    if _wants(only, FIX_ALL_KIND) and _has_safe_fix(state):
        actions.append(_fix_all_action("fastapi-status: Fix all safe problems", FIX_ALL_KIND, base))
    if not _resolves_edits(ls):
        actions = [resolve_code_action(ls, a) for a in actions]  # the client cannot ask later
    return actions


def _fix_all_action(title: str, kind: str, base: dict) -> types.CodeAction:
    """Every safe fix of the file at once (its edit built on resolve, by `check --fix`'s loop)."""
    return types.CodeAction(title=title, kind=kind, data={**base, "action": "fixAll"})


def _quick_fixes(
    ls: FastapiStatusServer, state: DocState, diagnostics: list[types.Diagnostic], base: dict
) -> list[types.CodeAction]:
    """The fixes of each of our diagnostics the client names, and "Ignore … on this line"."""
    conv = ls.converter(state)
    actions: list[types.CodeAction] = []
    for diag in diagnostics:
        found = _find(state, conv, diag) if diag.source == SOURCE else None
        if found is None:
            continue
        index = state.analysis.diagnostics.index(found)
        for i, fix in enumerate(found.fixes):
            actions.append(
                types.CodeAction(
                    title=plain(f"{fix.title} ({found.code})") + ("" if fix.is_safe else " [unsafe]"),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    is_preferred=fix is found.preferred_fix and fix.is_safe,
                    data={**base, "action": "fix", "diagnostic": index, "fix": i},
                )
            )
        actions.append(
            types.CodeAction(
                title=f"Ignore {found.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                data={**base, "action": "noqa", "diagnostic": index},
            )
        )
    return actions


def _noqa_actions_while_broken(
    ls: FastapiStatusServer, uri: str, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """"Ignore … on this line" for the moved diagnostics the client names, with the edit built
    on the text as it is now."""
    doc, shown = ls.document(uri), ls.shown(uri)
    if doc is None or shown is None:
        return []
    conv = Converter(ls.workspace.position_codec, doc.lines)
    actions = []
    for diag in params.context.diagnostics:
        start, end = conv.to_core(diag.range.start), conv.to_core(diag.range.end)
        found = next((d for d in shown if d.code == diag.code and d.range == Range(start, end)), None)
        if diag.source != SOURCE or found is None or found.code == SYNTAX_ERROR_CODE:
            continue
        row = found.range.start.line
        edit = conv.text_edit(noqa_edit(conv.lines[row - 1], row, found.code))
        actions.append(
            types.CodeAction(
                title=f"Ignore {found.code} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                edit=_document_edit(uri, doc.version, [edit]),
            )
        )
    return actions


def _document_edit(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits
            )
        ]
    )


def _resolves_edits(ls: FastapiStatusServer) -> bool:
    caps = ls.client_capabilities.text_document
    support = caps and caps.code_action and caps.code_action.resolve_support
    return bool(support and "edit" in support.properties)


@server.feature(types.CODE_ACTION_RESOLVE)
def resolve_code_action(ls: FastapiStatusServer, action: types.CodeAction) -> types.CodeAction:
    if action.edit is not None:
        return action  # (built when offered)
    data: dict[str, Any] = action.data if isinstance(action.data, dict) else {}
    uri = data.get("uri")
    state = ls.states.get(uri) if isinstance(uri, str) else None
    if state is None or state.version != data.get("version") or not ls.is_current(uri, state):
        ls.log(f"Not resolving '{action.title}': the document changed since it was offered", types.MessageType.Info)
        return action  # stale: no edit rather than a misapplied one
    conv = ls.converter(state)
    kind = data.get("action")
    edits: list[types.TextEdit] = []
    if kind == "fixAll":
        edit = _fix_all_edit(state.text, state.settings)
        edits = [conv.text_edit(edit)] if edit else []
    else:
        diag = state.analysis.diagnostics[data["diagnostic"]]
        if kind == "fix":
            edits = [conv.text_edit(e) for e in diag.fixes[data["fix"]].edits()]
        elif kind == "noqa":
            row = diag.range.start.line
            edits = [conv.text_edit(noqa_edit(conv.lines[row - 1], row, diag.code))]
    action.edit = _document_edit(uri, state.version, edits)  # type: ignore[arg-type]
    return action


def _fix_all_edit(text: str, settings: Settings) -> Edit | None:
    """The one edit that applies every safe fix (`check --fix`'s loop, core/fix_all.py)."""
    new_text, _, _, _ = fix_source(text, settings, unsafe=False)
    return minimal_edit(text, new_text, 1) if new_text != text else None


@server.command(APPLY_FIX_ALL)
async def apply_fix_all(ls: FastapiStatusServer, *args: Any) -> dict | None:
    """Apply every safe fix to a document (`check --fix`'s loop) and say how many problems that
    fixed, or that there was nothing to fix. Arguments: the document's URI, or an object with
    `uri` (and the `version` the client saw)."""
    target = args[0] if args else None
    uri = target.get("uri") if isinstance(target, dict) else target
    doc = ls.document(uri) if isinstance(uri, str) else None
    if doc is None:
        ls.show(f"fastapi-status: {APPLY_FIX_ALL} needs an open document (got {target!r})", types.MessageType.Warning)
        return None
    name = Path(doc.path).name
    snap = ls.snapshot(uri)
    assert snap is not None
    loop = asyncio.get_running_loop()
    new_text, fixed, result, errors = await loop.run_in_executor(None, fix_source, snap.text, snap.settings, False)
    for error in errors:
        ls.log(f"Fix all in {name}: {error}", types.MessageType.Warning)
    if snap.version != ls.current_version(uri):
        ls.show(f"fastapi-status: {name} changed while its fixes were built; try again", types.MessageType.Warning)
        return {"fixed": 0, "applied": False}
    if not fixed:
        message = f"{name} does not parse: nothing was fixed" if not result.parsed else f"No fixable problems in {name}"
        ls.show(f"fastapi-status: {message}")
        return {"fixed": 0, "applied": False}
    edit = minimal_edit(snap.text, new_text, 1)
    conv = Converter(ls.workspace.position_codec, split_lines(snap.text))
    changes = _document_edit(uri, snap.version, [conv.text_edit(edit)] if edit else [])
    answer = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=changes, label="fastapi-status: Fix all")
    )
    if not answer.applied:
        why = answer.failure_reason or "the editor refused"
        ls.show(f"fastapi-status: the fixes for {name} were not applied ({why})", types.MessageType.Warning)
        return {"fixed": 0, "applied": False}
    ls.show(f"fastapi-status: Fixed {fixed} problem{'s' if fixed != 1 else ''} in {name}")
    return {"fixed": fixed, "applied": True}


# -- hover and inlay hints ---------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: FastapiStatusServer, params: types.HoverParams) -> types.Hover | None:
    """What the route or status under the cursor answers. While the text does not parse, the
    last good analysis answers for the code the edits since did not touch."""
    uri = params.text_document.uri
    state = await ls.current_state(uri)
    view = ls.view(uri, state)
    if view is None:
        return None
    conv, moves = view
    where = conv.to_core(params.position)
    if moves is not None:
        where = moves.back(where)
    found = hover_at(state.analysis.context, where) if where is not None else None  # type: ignore[union-attr]
    if found is None:
        return None
    text, rng = found
    if moves is not None:
        rng = moves.range(rng)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=conv.range(rng) if rng is not None else None,
    )


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
async def inlay_hint(ls: FastapiStatusServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    """The status each route answers, after its decorator (moved through the edits while the
    text does not parse)."""
    if not ls.client_settings.inlay_hints:
        return []
    uri = params.text_document.uri
    state = await ls.current_state(uri)
    view = ls.view(uri, state)
    if view is None:
        return []
    conv, moves = view
    hints = []
    for hint in inlay_hints(state.analysis.context):  # type: ignore[union-attr,arg-type]
        at = moves.position(hint.position) if moves is not None else hint.position
        pos = conv.position(at) if at is not None else None
        if pos is not None and params.range.start.line <= pos.line <= params.range.end.line:
            hints.append(
                types.InlayHint(
                    position=pos,
                    label=hint.label,
                    kind=types.InlayHintKind.Type,
                    tooltip=hint.tooltip,
                    padding_left=False,
                )
            )
    return hints


# The analyses run in pool threads, with the recursion limit raised for deeply nested code
# (core/text.RECURSION_LIMIT): a thread's stack must hold that much whatever the platform's
# default (8 MB on Linux, 512 KB on macOS).
THREAD_STACK_BYTES = 64 * 1024 * 1024


def start(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> None:
    threading.stack_size(THREAD_STACK_BYTES)  # (for the threads started from now on)
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
