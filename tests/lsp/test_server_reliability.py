"""The server's reliability (issue 13), over real JSON-RPC: its copy of a document follows LSP's
line rules, malformed messages are answered (not crashed on), diagnostics follow every edit
while the file does not parse, settings of the wrong type are reported, and the quick-fix menu
has plain titles and a "Fix all" entry. The oracle is always the core: `analyze` of the text the
client ends with."""

from __future__ import annotations

import ast
import asyncio
import random
import re
import sys
import uuid
from concurrent.futures import Future
from pathlib import Path

import pytest
import pytest_lsp
from conftest import CONFIG, recording_client, start
from lsp_testing import until
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from test_server import actions_for, codes, diagnostics_for, hover, open_doc, publishes

from fastapi_status.config import ConfigFinder
from fastapi_status.core.analyze import analyze
from fastapi_status.core.diagnostics import apply_edits
from fastapi_status.core.fix_all import fix_source
from fastapi_status.lsp.settings import ClientSettings, settings_for

ROOT = Path(__file__).resolve().parents[2]
ITEMS = (ROOT / "examples" / "shop" / "items.py").read_text()
SHOP = sorted((ROOT / "examples" / "shop").glob("*.py"))
# Every character `str.splitlines` breaks at that LSP does not (LSP: only \n, \r\n and \r).
EXOTIC = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
_BREAK = re.compile(r"\r\n|\r|\n")


# -- the client's side of a document ---------------------------------------------------------------


class Doc:
    """The client's copy of a document: LSP's lines, UTF-16 columns, incremental changes sent to
    the server as they are made here."""

    def __init__(self, client: LanguageClient, path: Path, text: str) -> None:
        self.client, self.path, self.uri, self.text, self.version = client, path, path.as_uri(), text, 1
        open_doc(client, self.uri, text)

    def line_starts(self) -> list[int]:
        return [0] + [m.end() for m in _BREAK.finditer(self.text)]

    def position(self, offset: int) -> types.Position:
        starts = self.line_starts()
        line = max(i for i, s in enumerate(starts) if s <= offset)
        return types.Position(line, utf16(self.text[starts[line] : offset]))

    def replace(self, start: int, end: int, new: str) -> None:
        """Replace characters start..end (code points) and send the change."""
        rng = types.Range(self.position(start), self.position(end))
        self.text = self.text[:start] + new + self.text[end:]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )

    def insert(self, offset: int, new: str) -> None:
        self.replace(offset, offset, new)

    def after(self, needle: str, new: str) -> None:
        """Insert `new` right after the first `needle`."""
        self.insert(self.text.index(needle) + len(needle), new)

    def swap(self, old: str, new: str) -> None:
        at = self.text.index(old)
        self.replace(at, at + len(old), new)

    async def diagnostics(self, after: int = 0) -> list[types.Diagnostic]:
        return await diagnostics_for(self.client, self.uri, self.version, after)

    def expected(self) -> list[tuple]:
        """What a fresh analysis of the text finds (the server's settings for this file)."""
        return summary_of_core(self.text, analyze(self.text, settings_of(self.path)).diagnostics)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def settings_of(path: Path):
    return settings_for(path, ClientSettings(), ConfigFinder())[0]


def lsp_position(text: str, line: int, col: int) -> tuple[int, int]:
    """A core position (1-based line, code point column) in LSP units."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    start = starts[line - 1] if line - 1 < len(starts) else len(text)
    return line - 1, utf16(text[start : start + col])


def summary_of_core(text: str, diagnostics) -> list[tuple]:
    return sorted(
        (
            d.code,
            lsp_position(text, d.range.start.line, d.range.start.col),
            lsp_position(text, d.range.end.line, d.range.end.col),
            d.message,
        )
        for d in diagnostics
    )


def summary(diagnostics) -> list[tuple]:
    return sorted(
        (
            str(d.code),
            (d.range.start.line, d.range.start.character),
            (d.range.end.line, d.range.end.character),
            d.message,
        )
        for d in diagnostics
    )


def lsp_apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits as an editor does: LSP's lines, UTF-16 columns."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    def offset(pos: types.Position) -> int:
        if pos.line >= len(starts):
            return len(text)
        at, units = starts[pos.line], 0
        while units < pos.character and at < len(text) and text[at] not in "\r\n":
            units += utf16(text[at])
            at += 1
        return at

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def resolved_edits(action: types.CodeAction) -> list[types.TextEdit]:
    [doc_edit] = action.edit.document_changes
    return list(doc_edit.edits)


# -- clients -------------------------------------------------------------------------------------


def editing_client() -> LanguageClient:
    """The recording client, also answering workspace/applyEdit (and keeping what it was sent)."""
    client = recording_client()
    client.applied = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply(c: LanguageClient, params: types.ApplyWorkspaceEditParams):
        c.applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=CONFIG.server_command, client_factory=editing_client))
async def editor(lsp_client: LanguageClient):
    """A client (pushed diagnostics) that applies the edits the server asks for."""
    lsp_client.init = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim@v0.9.1"), initialization_options={"fastapiStatus": {"debounce": 0}}
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def slow_client(lsp_client: LanguageClient):
    """A client whose checks wait for typing to pause (300 ms)."""
    await start(lsp_client, "neovim@v0.9.1", {"fastapiStatus": {"debounce": 300}})
    yield
    await lsp_client.shutdown_session()


BAD_SETTINGS = {"select": "FST201", "debounce": "fast", "inlayHints": "yes", "scope": "everywhere", "statusStyle": 3}


@pytest_lsp.fixture(config=CONFIG)
async def badly_set_client(lsp_client: LanguageClient):
    await start(lsp_client, "neovim@v0.9.1", {"fastapiStatus": BAD_SETTINGS})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, str(Path(__file__).with_name("raising_server.py"))],
        client_factory=recording_client,
    )
)
async def raising_client(lsp_client: LanguageClient):
    await start(lsp_client, "neovim@v0.9.1")
    yield
    await lsp_client.shutdown_session()


# -- 1. LSP's line rules ---------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("char", EXOTIC, ids=[f"U+{ord(c):04X}" for c in EXOTIC])
async def test_exotic_line_breaks_do_not_move_incremental_edits(client, tmp_path, char):
    text = ITEMS.replace('delete."""', f'delete.{char}(docstring){char}"""').replace(
        "\n\nfrom fastapi", f"\n# a comment{char}with a form of line break{char}in it\nfrom fastapi"
    )
    doc = Doc(client, tmp_path / "items.py", text)
    assert summary(await doc.diagnostics()) == doc.expected()
    doc.insert(0, "# a new first line\n")  # above the characters
    assert summary(await doc.diagnostics()) == doc.expected()
    doc.after('@router.post(""', ", status_code=201")  # below them: FST101 goes
    assert summary(await doc.diagnostics()) == doc.expected()
    doc.after(f"with a form of line break{char}in it", f" and more{char}")  # on their line, after one
    doc.swap('"error": "Item not found"', '"items": "Item not found"')  # FST201 goes
    final = await doc.diagnostics()
    assert summary(final) == doc.expected() and codes(final) == ["FST102", "FST202", "FST204"]
    # A quick fix computed on the server's copy edits the right text of the client's.
    [body] = [d for d in final if d.code == "FST102"]
    [fix] = [
        a
        for a in await actions_for(client, doc.uri, [body])
        if a.kind == "quickfix" and a.title.startswith("Return no body")
    ]
    got = lsp_apply(doc.text, resolved_edits(await client.code_action_resolve_async(fix)))
    [oracle] = [d for d in analyze(doc.text, settings_of(doc.path)).diagnostics if d.code == "FST102"]
    assert got == apply_edits(doc.text, oracle.fixes[0].edits()) != doc.text


@pytest.mark.asyncio
async def test_positions_past_the_end_of_a_line_are_clamped_to_it(client, tmp_path):
    """LSP: a character past the end of its line means the end of the line; a line past the
    end, the end of the text."""
    doc = Doc(client, tmp_path / "clamp.py", ITEMS)
    await doc.diagnostics()
    line = doc.text.splitlines().index('@router.post("")  # FST101: creates an item, answers 200')
    doc.version += 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(line, 500), types.Position(line, 900)), text="!"
                ),
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(9999, 0), types.Position(9999, 5)), text="# end\n"
                ),
            ],
        )
    )
    row_end = doc.text.index("answers 200\n") + len("answers 200")
    doc.text = doc.text[:row_end] + "!" + doc.text[row_end:] + "# end\n"
    assert summary(await doc.diagnostics()) == doc.expected()


# -- 2. malformed messages ---------------------------------------------------------------------------


async def raw_request(client: LanguageClient, method: str, params) -> object:
    """Send a request whose params are exactly `params` (not checked against LSP's types)."""
    msg_id = str(uuid.uuid4())
    future: Future = Future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return await asyncio.wait_for(asyncio.wrap_future(future), 30)


def raw_notification(client: LanguageClient, method: str, params) -> None:
    client.protocol._send_data({"jsonrpc": "2.0", "method": method, "params": params})


MALFORMED = {
    "a string for textDocument": {"textDocument": "file:///tmp/x.py", "position": {"line": 0, "character": 0}},
    "a negative line": {"textDocument": {"uri": "file:///tmp/x.py"}, "position": {"line": -1, "character": 0}},
    "no position": {"textDocument": {"uri": "file:///tmp/x.py"}},
    "a string for the line": {"textDocument": {"uri": "file:///tmp/x.py"}, "position": {"line": "one", "character": 0}},
    "no params": None,
}


@pytest.mark.asyncio
async def test_malformed_requests_are_answered_invalid_params(client, tmp_path, capfd):
    doc = Doc(client, tmp_path / "items.py", ITEMS)
    await doc.diagnostics()
    answers = {}
    for what, params in MALFORMED.items():
        with pytest.raises(JsonRpcException) as error:
            await raw_request(client, "textDocument/hover", params)
        answers[what] = error.value
    assert {e.code for e in answers.values()} == {-32602}
    assert "textDocument" in answers["a string for textDocument"].message
    assert "Position.line should be in range" in answers["a negative line"].message
    assert "required field missing @ $.params.position" in answers["no position"].message
    assert "expected int" in answers["a string for the line"].message
    assert all(e.message.startswith("Invalid params for textDocument/hover: ") for e in answers.values())
    with pytest.raises(JsonRpcException) as error:
        await raw_request(
            client, "textDocument/codeAction", {"textDocument": {"uri": doc.uri}, "range": [], "context": {}}
        )
    assert error.value.code == -32602
    # A malformed notification is logged in one line; the server goes on serving.
    raw_notification(client, "textDocument/didChange", {"textDocument": doc.uri, "contentChanges": []})
    raw_notification(client, "$/cancelRequest", {"id": 424242})  # (answered already: no word)
    await until(
        lambda: [m for m in client.log_messages if "Invalid params for textDocument/didChange" in m.message],
        "the log line",
    )
    row = ITEMS.splitlines().index('@router.post("")  # FST101: creates an item, answers 200')
    answer = await hover(client, doc.uri, row, 3)
    assert answer is not None and "POST" in answer.contents.value
    with pytest.raises(JsonRpcException):  # (pygls warns on stderr: proof that it is read here)
        await raw_request(client, "fastapi-status/no-such-method", {})
    err = []

    def stderr_says_it() -> bool:
        err.append(capfd.readouterr().err)
        return "no-such-method" in "".join(err)

    await until(stderr_says_it, "the warning")
    err = "".join(err)
    assert "Traceback" not in err and "Cancel notification" not in err and "Unable to deserialize" not in err, err


@pytest.mark.asyncio
async def test_a_handler_that_raises_answers_internal_error_and_the_server_goes_on(raising_client, tmp_path):
    client = raising_client
    doc = Doc(client, tmp_path / "items.py", ITEMS)
    await doc.diagnostics()
    with pytest.raises(JsonRpcException) as error:
        await hover(client, doc.uri, 9, 3)  # raising_server.py makes hover raise
    assert error.value.code == -32603 and "injected" in error.value.message
    open_doc(client, (tmp_path / "boom.py").as_uri(), ITEMS)  # a notification handler that raises
    await until(lambda: [m for m in client.messages if "injected" in m.message], "the error message")
    doc.swap('"error": "Item not found"', '"items": "Item not found"')
    assert summary(await doc.diagnostics()) == doc.expected()  # still serving


# -- 3. a file that does not parse ------------------------------------------------------------------


def shifted(diagnostics, lines: int) -> list[tuple]:
    return [(c, (a[0] + lines, a[1]), (b[0] + lines, b[1]), m) for c, a, b, m in summary(diagnostics)]


@pytest.mark.asyncio
async def test_diagnostics_move_with_every_edit_while_the_file_does_not_parse(slow_client, tmp_path):
    client = slow_client
    doc = Doc(client, tmp_path / "items.py", ITEMS)

    def this_version(after: int) -> list[types.PublishDiagnosticsParams]:
        return [p for p in publishes(client, doc.uri)[after:] if p.version == doc.version]

    good = await doc.diagnostics()
    assert codes(good) == ["FST101", "FST102", "FST201", "FST202", "FST204"]
    doc.insert(len(doc.text), "def broken(:\n")
    seen = len(publishes(client, doc.uri))
    broken = await doc.diagnostics()  # after the pause: the last good ones, and the syntax error
    [syntax] = [d for d in broken if d.code == "FST000"]
    assert syntax.range.start.line == len(ITEMS.splitlines()) and "SyntaxError" in syntax.message
    assert summary([d for d in broken if d.code != "FST000"]) == summary(good)
    for added in (1, 2, 3):
        seen = len(publishes(client, doc.uri))
        doc.insert(0, "# a line above\n")
        # At once (before the pause), everything moved down a line, the syntax error too...
        moved = await diagnostics_for(client, doc.uri, doc.version, after=seen)
        assert summary(moved) == sorted(shifted(good, added) + shifted([syntax], added))
        # ...and once typing paused, the syntax error of this text with them.
        await until(lambda seen=seen: len(this_version(seen)) >= 2, "the settled check")
        settled = this_version(seen)[-1].diagnostics
        assert summary(settled) == sorted(shifted(good, added) + shifted([syntax], added))
    # While it does not parse: no fixes (built for the old text), an "Ignore" built on this one.
    moved_101 = [d for d in settled if d.code == "FST101"]
    actions = await actions_for(client, doc.uri, moved_101)
    assert [a.title for a in actions] == ["Ignore FST101 on this line"]
    ignored = lsp_apply(doc.text, list(actions[0].edit.document_changes[0].edits))
    line = ignored.splitlines()[moved_101[0].range.start.line]
    assert line.startswith('@router.post("")') and line.endswith("answers 200  # noqa: FST101")
    # Hover and inlay hints still answer, where the code now is.
    answer = await hover(client, doc.uri, moved_101[0].range.start.line, 3)
    assert answer is not None and "POST" in answer.contents.value
    assert answer.range.start.line == moved_101[0].range.start.line
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            range=types.Range(types.Position(0, 0), types.Position(200, 0)),
        )
    )
    assert moved_101[0].range.start.line in [h.position.line for h in hints]
    # An edit inside a diagnostic's code drops it (it is stale), the others stay.
    seen = len(publishes(client, doc.uri))
    doc.swap('"error": "Item not found"', '"items": "Item not found"')
    moved = await diagnostics_for(client, doc.uri, doc.version, after=seen)
    assert codes(moved) == ["FST000", "FST101", "FST102", "FST202", "FST204"]
    # Mended: a fresh analysis.
    doc.swap("def broken(:\n", "")
    await until(
        lambda: [
            p for p in publishes(client, doc.uri) if p.version == doc.version and "FST000" not in codes(p.diagnostics)
        ],
        "mended",
    )
    assert summary(await doc.diagnostics()) == doc.expected()


@pytest.mark.asyncio
async def test_a_file_opened_broken_shows_its_syntax_error(client, tmp_path):
    doc = Doc(client, tmp_path / "broken.py", ITEMS + "def broken(:\n")
    [syntax] = await doc.diagnostics()
    assert syntax.code == "FST000" and syntax.severity == types.DiagnosticSeverity.Error
    doc.insert(0, "\n\n")
    [moved] = await doc.diagnostics()
    assert moved.range.start.line == syntax.range.start.line + 2
    doc.swap("def broken(:\n", "")
    assert summary(await doc.diagnostics()) == doc.expected()


@pytest.mark.asyncio
async def test_pulled_diagnostics_move_while_the_file_does_not_parse(pull_client, tmp_path):
    client = pull_client
    doc = Doc(client, tmp_path / "items.py", ITEMS)

    async def pull():
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=doc.uri))
        )
        return report.items

    good = await pull()
    doc.insert(len(doc.text), "def broken(:\n")
    doc.insert(0, "# one\n# two\n")
    broken = await pull()
    assert summary([d for d in broken if d.code != "FST000"]) == shifted(good, 2)
    assert [d.range.start.line for d in broken if d.code == "FST000"] == [len(ITEMS.splitlines()) + 2]


# -- random bursts -----------------------------------------------------------------------------------


SNIPPETS = ["\n", "# note\n", "# é 🎉\n", "    # indented\n", "# page\x0cbreak\n", "# odd\u2028line\n"]


def random_burst(doc: Doc, rng: random.Random, steps: int) -> None:
    """Random edits, sent without waiting: comment and blank lines put in and taken out, code
    broken with a marker and mended later, and two real changes toggled."""
    markers: list[str] = []
    toggles = [('"error": "Item', '"items": "Item'), ('@router.post("")', '@router.post("", status_code=201)')]
    for step in range(steps):
        starts = doc.line_starts()[:-1] or [0]
        kind = rng.random()
        if kind < 0.35:
            doc.insert(rng.choice(starts), rng.choice(SNIPPETS))
        elif kind < 0.5 and "# note\n" in doc.text:
            doc.swap("# note\n", "")
        elif kind < 0.65:
            marker, at = f")b{step}(", rng.randrange(len(doc.text))
            if not any(doc.text.find(m) < at < doc.text.find(m) + len(m) for m in markers):
                markers.append(marker)
                doc.insert(at, marker)  # (anywhere but in another marker: even inside a token)
        elif kind < 0.8 and markers:
            doc.swap(markers.pop(rng.randrange(len(markers))), "")
        else:
            old, new = rng.choice(toggles)
            if old in doc.text or new in doc.text:  # (not when a marker is inside)
                doc.swap(old, new) if old in doc.text else doc.swap(new, old)
    for marker in markers:
        doc.swap(marker, "")


@pytest.mark.asyncio
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_bursts_of_edits_end_with_a_fresh_analysis(client, tmp_path, seed):
    doc = Doc(client, tmp_path / "items.py", ITEMS)
    await doc.diagnostics()
    rng = random.Random(seed)
    for _ in range(4):
        random_burst(doc, rng, 40)
        ast.parse(doc.text)  # (the burst mended what it broke)
        assert summary(await doc.diagnostics()) == doc.expected()
        await asyncio.sleep(rng.random() / 20)


# -- 4. settings, the log ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_settings_of_the_wrong_type_are_reported_by_name(badly_set_client, tmp_path):
    client = badly_set_client
    doc = Doc(client, tmp_path / "items.py", ITEMS)
    assert codes(await doc.diagnostics()) == ["FST201"]  # `select` as a string: a one-element list
    warnings = [m.message for m in client.log_messages if m.type == types.MessageType.Warning]
    for key, expected in [
        ("debounce", "number of milliseconds"),
        ("inlayHints", "true or false"),
        ("scope", "openFiles, workspace"),
        ("statusStyle", "auto, constant, number"),
    ]:
        assert any(f"fastapiStatus.{key} must be" in m and expected in m for m in warnings), (key, warnings)
    assert not any("fastapiStatus.select" in m for m in warnings)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={
                "fastapiStatus": {
                    "ignore": 3,
                    "severity": ["x"],
                    "selct": ["FST1"],
                    "interpreter": ["/usr/bin/python3"],
                }
            }
        )
    )
    await until(lambda: any("fastapiStatus.selct" in m.message for m in client.log_messages), "the warnings")
    warnings = [m.message for m in client.log_messages if m.type == types.MessageType.Warning]
    assert any("fastapiStatus.ignore must be a list of rule codes" in m and "a number (3)" in m for m in warnings)
    assert any("fastapiStatus.severity must be an object" in m for m in warnings)
    assert not any("interpreter" in m for m in warnings)  # (the editor extension's setting)


@pytest.mark.asyncio
async def test_the_log_names_the_interpreter(client):
    [started] = [m.message for m in client.log_messages if "started" in m.message]
    assert sys.executable in started and f"Python {sys.version_info.major}.{sys.version_info.minor}" in started


# -- 5. the quick-fix menu -------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("path", SHOP, ids=[p.name for p in SHOP])
async def test_code_action_titles_are_plain_text(client, tmp_path, path):
    doc = Doc(client, tmp_path / path.name, path.read_text())
    for diag in await doc.diagnostics():
        for action in await actions_for(client, doc.uri, [diag]):
            assert "`" not in action.title, action.title


@pytest.mark.asyncio
async def test_the_quick_fix_menu_offers_fix_all(editor, tmp_path):
    client = editor
    doc = Doc(client, tmp_path / "items.py", ITEMS)
    diags = await doc.diagnostics()
    [create] = [d for d in diags if d.code == "FST101"]  # (its own fix is unsafe; FST102's is safe)
    actions = await actions_for(client, doc.uri, [create])
    [fix_all] = [a for a in actions if a.title == "Fix all fastapi-status problems in this file"]
    assert fix_all.kind == types.CodeActionKind.QuickFix
    fixed = lsp_apply(doc.text, resolved_edits(await client.code_action_resolve_async(fix_all)))
    want, count, _, _ = fix_source(doc.text, settings_of(doc.path), unsafe=False)
    assert fixed == want != doc.text  # `check --fix` would write the same
    # The command says what it did.
    assert "fastapi-status.applyFixAll" in client.init.capabilities.execute_command_provider.commands
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="fastapi-status.applyFixAll", arguments=[{"uri": doc.uri, "version": doc.version}]
        )
    )
    [applied] = client.applied
    assert lsp_apply(doc.text, list(applied.edit.document_changes[0].edits)) == want
    assert [m.message for m in client.messages] == [
        f"fastapi-status: Fixed {count} problem{'s' if count != 1 else ''} in items.py"
    ]
    clean = Doc(client, tmp_path / "clean.py", want)
    await clean.diagnostics()
    assert not [a for a in await actions_for(client, clean.uri, await clean.diagnostics()) if "Fix all" in a.title]
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fastapi-status.applyFixAll", arguments=[clean.uri])
    )
    assert client.messages[-1].message == "fastapi-status: No fixable problems in clean.py"
    assert len(client.applied) == 1
