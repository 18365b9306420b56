"""The language server over real JSON-RPC (pytest-lsp): diagnostics, code actions, hover, inlay
hints, settings, the workspace scope, bad input and load."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsp_testing import until
from lsprotocol import types

ROOT = Path(__file__).resolve().parents[2]
ITEMS = ROOT / "examples" / "shop" / "items.py"

CREATE = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/items')\ndef create_item(item: dict):\n    return item\n"
CREATED = CREATE.replace("'/items')", "'/items', status_code=201)")
ADD_201 = "Add status_code=201"  # FST101's fix (unsafe: offered, not preferred; no markdown in menus)


def add_201(actions):
    [action] = [a for a in actions if a.title.startswith(ADD_201)]
    return action


def open_doc(client, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)
        )
    )


def change(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def edit(client, uri: str, version: int, line: int, start: int, end: int, text: str) -> None:
    """An incremental change: replace columns start..end of one line."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line, start), end=types.Position(line, end)), text=text
                )
            ],
        )
    )


def publishes(client, uri: str) -> list[types.PublishDiagnosticsParams]:
    return [p for p in client.published if p.uri == uri]


async def diagnostics_for(client, uri: str, version: int | None, after: int = 0) -> list[types.Diagnostic]:
    """The diagnostics published for `uri` at `version`, waiting for them; only publishes after
    the `after`-th one for that document count."""

    def found():
        hits = [p for p in publishes(client, uri)[after:] if p.version == version]
        return hits[-1:] or None

    return list((await until(found, f"diagnostics for {uri} v{version}"))[0].diagnostics)


def codes(diags) -> list[str]:
    return sorted(str(d.code) for d in diags)


async def actions_for(client, uri: str, diags, only=None) -> list[types.CodeAction]:
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diags[0].range if diags else types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=list(diags), only=only),
        )
    )


async def hover(client, uri: str, line: int, character: int):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character))
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (ASCII text, so UTF-16 units are code points)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(pos: types.Position) -> int:
        return offsets[pos.line] + pos.character if pos.line < len(lines) else len(text)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


# -- diagnostics -----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_push_diagnostics_on_open(client):
    uri = ITEMS.as_uri()
    open_doc(client, uri, ITEMS.read_text())
    diags = await diagnostics_for(client, uri, 1)
    assert codes(diags) == ["FST101", "FST102", "FST201", "FST202", "FST204"]
    create = next(d for d in diags if d.code == "FST101")
    assert create.range.start == types.Position(line=9, character=1)
    assert create.source == "fastapi-status"
    assert create.severity == types.DiagnosticSeverity.Warning
    assert create.code_description.href.endswith("#fst101")
    swallowed = next(d for d in diags if d.code == "FST204")
    assert swallowed.range.start.line == 44  # the `except Exception:` clause
    [related] = swallowed.related_information
    assert related.location.uri == uri and related.location.range.start.line == 42  # the raise it swallows


@pytest.mark.asyncio
async def test_deprecated_tag_and_related_places(client):
    uri = "file:///tmp/fst_tags.py"
    text = (
        "from fastapi import APIRouter, Response, status\nfrom fastapi.responses import JSONResponse\n"
        "router = APIRouter()\n"
        "@router.get('/a')\ndef a():\n    raise ValueError(status.HTTP_422_UNPROCESSABLE_ENTITY)\n"
        "@router.post('/b', status_code=201)\ndef b():\n    return JSONResponse({'id': 1})\n"
        "@router.get('/c')\ndef c(response: Response):\n    response.status_code = 202\n"
        "    return JSONResponse({'queued': True})\n"
    )
    open_doc(client, uri, text)
    diags = await diagnostics_for(client, uri, 1)
    by_code = {d.code: d for d in diags}
    assert set(by_code) >= {"FST303", "FST305", "FST205"}
    assert list(by_code["FST303"].tags) == [types.DiagnosticTag.Deprecated]
    assert by_code["FST305"].related_information[0].location.range.start.line == 6  # the declared status
    assert by_code["FST205"].related_information[0].location.range.start.line == 12  # the returned response


@pytest.mark.asyncio
async def test_incremental_changes_update_diagnostics(client):
    uri = "file:///tmp/fst_incremental.py"
    open_doc(client, uri, CREATE)
    assert codes(await diagnostics_for(client, uri, 1)) == ["FST101"]
    # `@router.post('/items')` -> `@router.post('/items', status_code=201)`
    edit(client, uri, 2, 2, 21, 21, ", status_code=201")
    assert await diagnostics_for(client, uri, 2) == []
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert await diagnostics_for(client, uri, 2, after=2) == []


@pytest.mark.asyncio
async def test_close_clears(client):
    uri = "file:///tmp/fst_close.py"
    open_doc(client, uri, CREATE)
    await diagnostics_for(client, uri, 1)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await until(lambda: len(publishes(client, uri)) == 2, "the clearing publish")
    assert list(publishes(client, uri)[-1].diagnostics) == []


@pytest.mark.asyncio
async def test_syntax_error_keeps_last_good_diagnostics(client):
    uri = "file:///tmp/fst_typing.py"
    open_doc(client, uri, CREATE)
    first = await diagnostics_for(client, uri, 1)
    change(client, uri, 2, CREATE + "def broken(:\n")
    # The broken text shows the last good diagnostics, and the syntax error.
    broken = await diagnostics_for(client, uri, 2)
    assert codes(broken) == ["FST000", "FST101"]
    assert [d.range for d in broken if d.code == "FST101"] == [d.range for d in first]
    # Its fixes were built for the last text that parsed: only "Ignore" is offered meanwhile.
    actions = await actions_for(client, uri, [d for d in broken if d.code == "FST101"])
    assert [a.title for a in actions] == ["Ignore FST101 on this line"]
    change(client, uri, 3, CREATED)
    assert codes(first) == ["FST101"] and await diagnostics_for(client, uri, 3) == []
    assert sorted({p.version for p in publishes(client, uri)}) == [1, 2, 3]
    assert not [m for m in client.log_messages if m.type == types.MessageType.Error]


@pytest.mark.asyncio
async def test_flood_of_changes_ends_with_the_final_text(client):
    uri = "file:///tmp/fst_flood.py"
    open_doc(client, uri, CREATE)
    await diagnostics_for(client, uri, 1)
    for version in range(2, 1002):
        text = CREATE if version < 1001 else CREATED
        change(client, uri, version, text + f"# {version}\n")
    answer = await hover(client, uri, 2, 2)  # a request right after the burst is answered
    assert answer is not None and "**POST** `/items`" in answer.contents.value
    assert await diagnostics_for(client, uri, 1001) == []
    versions = [p.version for p in publishes(client, uri)]
    assert versions == sorted(versions) and versions[-1] == 1001  # never an older result after a newer


@pytest.mark.asyncio
async def test_big_document(client):
    uri = "file:///tmp/fst_big.py"
    body = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n" for i in range(6700))
    text = CREATE + body
    assert len(text.splitlines()) > 20000
    open_doc(client, uri, text)
    assert codes(await diagnostics_for(client, uri, 1)) == ["FST101"]
    edit(client, uri, 2, 2, 21, 21, ", status_code=201")
    assert await diagnostics_for(client, uri, 2) == []


@pytest.mark.asyncio
async def test_non_ascii_columns_are_utf16(client):
    uri = "file:///tmp/fst_utf16.py"
    text = CREATE.replace("def create_item(item: dict):", "def create_item(item: dict):  # 🎉 é").replace(
        "@router.post('/items')", "x = '🎉'; router.post('/items')(lambda: 0)\n@router.post('/items')"
    )
    open_doc(client, uri, text)
    [diag] = await diagnostics_for(client, uri, 1)
    assert diag.range.start == types.Position(line=3, character=1)


@pytest.mark.asyncio
async def test_pull_diagnostics(pull_client):
    uri = "file:///tmp/fst_pull.py"
    open_doc(pull_client, uri, CREATE)
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert codes(report.items) == ["FST101"]
    change(pull_client, uri, 2, CREATED)
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert list(report.items) == []
    await asyncio.sleep(0.3)
    assert publishes(pull_client, uri) == []  # a pulling client gets no duplicate pushes


# -- code actions ----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_quick_fix_is_resolved_lazily_and_versioned(client):
    uri = "file:///tmp/fst_quickfix.py"
    open_doc(client, uri, CREATE)
    diags = await diagnostics_for(client, uri, 1)
    actions = await actions_for(client, uri, diags)
    fix = add_201(actions)
    assert fix.edit is None  # built only on resolve
    assert fix.kind == types.CodeActionKind.QuickFix and list(fix.diagnostics) == diags
    assert not fix.is_preferred and "unsafe" in fix.title  # FST101's fix changes the status clients see
    assert any(a.title == "Ignore FST101 on this line" for a in actions)
    resolved = await client.code_action_resolve_async(fix)
    [doc_edit] = resolved.edit.document_changes
    assert doc_edit.text_document.version == 1
    assert apply(CREATE, doc_edit.edits) == CREATED


@pytest.mark.asyncio
async def test_unsafe_fixes_are_offered_but_not_preferred(client):
    uri = "file:///tmp/fst_unsafe.py"
    text = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/i')\ndef read():\n    return {'error': 'Item not found'}\n"
    open_doc(client, uri, text)
    diags = await diagnostics_for(client, uri, 1)
    [fix] = [a for a in await actions_for(client, uri, diags) if not a.title.startswith("Ignore")]
    assert not fix.is_preferred and "unsafe" in fix.title
    resolved = await client.code_action_resolve_async(fix)
    out = apply(text, resolved.edit.document_changes[0].edits)
    assert "raise HTTPException(status_code=404, detail='Item not found')" in out
    assert "from fastapi import APIRouter, HTTPException" in out


@pytest.mark.asyncio
async def test_stale_action_is_not_resolved(client):
    uri = "file:///tmp/fst_stale.py"
    open_doc(client, uri, CREATE)
    diags = await diagnostics_for(client, uri, 1)
    actions = await actions_for(client, uri, diags)
    change(client, uri, 2, "# a new first line\n" + CREATE)
    await diagnostics_for(client, uri, 2)
    resolved = await client.code_action_resolve_async(add_201(actions))
    assert resolved.edit is None  # refused, never misapplied at the old position


@pytest.mark.asyncio
async def test_noqa_action_adds_and_extends(client):
    uri = "file:///tmp/fst_noqa.py"
    open_doc(client, uri, CREATE)
    diags = await diagnostics_for(client, uri, 1)
    noqa = next(a for a in await actions_for(client, uri, diags) if a.title == "Ignore FST101 on this line")
    added = apply(CREATE, (await client.code_action_resolve_async(noqa)).edit.document_changes[0].edits)
    assert "@router.post('/items')  # noqa: FST101\n" in added

    text = CREATE.replace("@router.post('/items')", "@router.post('/items')  # noqa: FST201  (legacy)")
    change(client, uri, 2, text)
    diags = await diagnostics_for(client, uri, 2)
    noqa = next(a for a in await actions_for(client, uri, diags) if a.title.startswith("Ignore"))
    extended = apply(text, (await client.code_action_resolve_async(noqa)).edit.document_changes[0].edits)
    assert "@router.post('/items')  # noqa: FST101, FST201  (legacy)\n" in extended
    change(client, uri, 3, extended)
    assert await diagnostics_for(client, uri, 3) == []


@pytest.mark.asyncio
async def test_fix_all_source_action(client):
    uri = "file:///tmp/fst_fixall.py"
    text = CREATE + "from fastapi import status\nX = status.HTTP_422_UNPROCESSABLE_ENTITY\n"
    open_doc(client, uri, text)
    await diagnostics_for(client, uri, 1)
    for only in (["source.fixAll.fastapi-status"], ["source.fixAll"], ["source"]):
        [fix_all] = await actions_for(client, uri, [], only=only)
        assert fix_all.kind == "source.fixAll.fastapi-status" and fix_all.edit is None
    resolved = await client.code_action_resolve_async(fix_all)
    [doc_edit] = resolved.edit.document_changes
    assert doc_edit.text_document.version == 1
    out = apply(text, doc_edit.edits)
    assert "HTTP_422_UNPROCESSABLE_CONTENT" in out  # FST303's rename is safe
    assert "status_code=" not in out  # FST101's fix is unsafe: fix-all leaves it
    assert not await actions_for(client, uri, [], only=["quickfix"])


# -- hover and inlay hints -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_hover_on_statuses_and_routes(client):
    uri = "file:///tmp/fst_hover.py"
    text = (
        "from http import HTTPStatus\nfrom fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n"
        "    if i < 0:\n        raise HTTPException(status_code=404, detail='no')\n"
        "    if i > 9:\n        raise HTTPException(status.HTTP_403_FORBIDDEN)\n"
        "    if i == 5:\n        raise HTTPException(HTTPStatus.CONFLICT)\n"
        "    return {'i': i}\n"
    )
    open_doc(client, uri, text)
    await diagnostics_for(client, uri, 1)
    lines = text.splitlines()
    literal = await hover(client, uri, 6, lines[6].index("404") + 1)
    assert "404 Not Found" in literal.contents.value and "RFC 9110" in literal.contents.value
    assert literal.range.start == types.Position(6, lines[6].index("404"))
    constant = await hover(client, uri, 8, lines[8].index("HTTP_403") + 2)
    assert "403 Forbidden" in constant.contents.value
    enum = await hover(client, uri, 10, lines[10].index("CONFLICT") + 1)
    assert "409 Conflict" in enum.contents.value
    route = await hover(client, uri, 3, 3)
    value = route.contents.value
    assert "GET" in value and "200 OK" in value
    assert "404 Not Found" in value and "403 Forbidden" in value and "409 Conflict" in value
    assert "line 7" in value  # where the 404 comes from
    assert await hover(client, uri, 1, 0) is None  # nothing to say on an import


@pytest.mark.asyncio
async def test_inlay_hints(client):
    uri = "file:///tmp/fst_inlay.py"
    open_doc(client, uri, CREATE + "@router.post('/ok', status_code=201)\ndef create_ok():\n    return {}\n")
    await diagnostics_for(client, uri, 1)
    params = types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=10, character=0)),
    )
    hints = await client.text_document_inlay_hint_async(params)
    assert [(h.position.line, h.position.character, h.label) for h in hints] == [(2, 22, " → 200")]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fastapiStatus": {"inlayHints": False, "debounce": 0}})
    )
    await diagnostics_for(client, uri, 1, after=1)
    assert not await client.text_document_inlay_hint_async(params)


# -- settings --------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_configuration_change_rechecks(client):
    uri = "file:///tmp/fst_config.py"
    open_doc(client, uri, CREATE)
    assert codes(await diagnostics_for(client, uri, 1)) == ["FST101"]
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fastapiStatus": {"ignore": ["FST101"], "debounce": 0}})
    )
    assert await diagnostics_for(client, uri, 1, after=1) == []
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"fastapiStatus": {"severity": {"FST101": "error"}, "debounce": 0, "select": ["FST1"]}}
        )
    )
    [diag] = await diagnostics_for(client, uri, 1, after=2)
    assert diag.severity == types.DiagnosticSeverity.Error


@pytest.mark.asyncio
async def test_bad_settings_are_reported_not_fatal(client):
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fastapiStatus": {"select": ["NOPE1"], "statusStyle": "roman"}})
    )
    uri = "file:///tmp/fst_badsettings.py"
    open_doc(client, uri, CREATE)
    assert codes(await diagnostics_for(client, uri, 1)) == ["FST101"]
    warnings = [m.message for m in client.log_messages if m.type == types.MessageType.Warning]
    assert any("NOPE1" in m for m in warnings) and any("statusStyle" in m for m in warnings)


@pytest.mark.asyncio
async def test_pyproject_change_takes_effect_without_restart(client, tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    pyproject = project / "pyproject.toml"
    pyproject.write_text("[tool.fastapi-status]\nselect = ['FST1']\n")
    source = project / "app.py"
    source.write_text(CREATE)
    uri = source.as_uri()
    open_doc(client, uri, CREATE)
    assert codes(await diagnostics_for(client, uri, 1)) == ["FST101"]
    pyproject.write_text("[tool.fastapi-status]\nselect = ['FST1']\nignore = ['FST101']\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert await diagnostics_for(client, uri, 1, after=1) == []


@pytest.mark.asyncio
async def test_a_call_into_another_module_of_the_project_is_followed(client, tmp_path):
    """FST209 through the project index: the callee's module is read from disk, or from the
    editor when it is open there (and its edits count)."""
    project = tmp_path / "proj"
    (project / "shop").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.fastapi-status]\nselect = ['FST209']\n")
    (project / "shop" / "__init__.py").write_text("")
    helper = project / "shop" / "sessions.py"
    raising = "def require(sid):\n    if sid not in SESSIONS:\n        raise ValueError('Session not found')\n"
    helper.write_text("SESSIONS = {}\n" + raising)
    routes = project / "shop" / "routes.py"
    text = (
        "from fastapi import APIRouter\nfrom shop.sessions import require\nrouter = APIRouter()\n"
        "@router.post('/action')\nasync def call_action(session_id: str):\n    require(session_id)\n"
    )
    routes.write_text(text)
    open_doc(client, routes.as_uri(), text)
    [d] = await diagnostics_for(client, routes.as_uri(), 1)
    assert d.code == "FST209" and d.range.start.line == 5 and "shop.sessions.require" in d.message
    # The helper, open in the editor, answers 404 itself now: the route's finding goes away.
    fixed = "from fastapi import HTTPException\nSESSIONS = {}\n" + raising.replace(
        "ValueError('Session not found')", "HTTPException(404, 'Session not found')"
    )
    open_doc(client, helper.as_uri(), fixed)
    change(client, routes.as_uri(), 2, text + "\n")
    assert await diagnostics_for(client, routes.as_uri(), 2) == []


# -- robustness ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_failing_rule_is_logged_and_skipped(broken_rule_client):
    client = broken_rule_client
    uri = "file:///tmp/fst_broken_rule.py"
    open_doc(client, uri, CREATE + "from fastapi import status\nX = status.HTTP_422_UNPROCESSABLE_ENTITY\n")
    assert codes(await diagnostics_for(client, uri, 1)) == ["FST303"]  # FST101 raised; the others ran
    errors = [m.message for m in client.log_messages if m.type == types.MessageType.Error]
    assert any("FST101" in m and "RuntimeError: injected" in m for m in errors)
    answer = await hover(client, uri, 2, 2)  # still serving
    assert answer is not None


# -- workspace scope -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_workspace_scope_checks_every_file_with_progress(workspace_client):
    client = workspace_client
    folder = client.folder
    a, b, clean = folder / "a.py", folder / "pkg" / "b.py", folder / "clean.py"
    await until(lambda: {p.uri for p in client.published} >= {a.as_uri(), b.as_uri()}, "workspace diagnostics")
    assert codes(client.diagnostics[a.as_uri()]) == ["FST101"]
    assert codes(client.diagnostics[b.as_uri()]) == ["FST201"]
    assert clean.as_uri() not in client.diagnostics
    [(token, reports)] = client.progress_reports.items()
    await until(lambda: isinstance(reports[-1], types.WorkDoneProgressEnd), "the end of the progress")
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and "3 files" in reports[0].message

    # Opening a file hands it to the editor; closing it hands it back to the scan.
    open_doc(client, a.as_uri(), CREATED)
    assert await diagnostics_for(client, a.as_uri(), 1) == []
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=a.as_uri())))
    await until(lambda: codes(client.diagnostics[a.as_uri()]) == ["FST101"], "the file on disk checked again")

    # Back to open files only: what the scan published is cleared.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fastapiStatus": {"scope": "openFiles", "debounce": 0}})
    )
    await until(lambda: not client.diagnostics[b.as_uri()] and not client.diagnostics[a.as_uri()], "cleared")


@pytest.mark.asyncio
async def test_edits_come_with_the_action_when_the_client_cannot_resolve(eager_client):
    uri = "file:///tmp/fst_eager.py"
    open_doc(eager_client, uri, CREATE)
    diags = await diagnostics_for(eager_client, uri, 1)
    fix = add_201(await actions_for(eager_client, uri, diags))
    assert apply(CREATE, fix.edit.document_changes[0].edits) == CREATED
    # This client registers file watchers dynamically: the server watches pyproject.toml.
    [watch] = eager_client.registrations
    assert watch.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert [w["globPattern"] for w in watch.register_options["watchers"]] == ["**/pyproject.toml"]


@pytest.mark.asyncio
async def test_pyproject_change_is_seen_by_a_client_that_watches_nothing(client, tmp_path):
    """Neovim 0.9 registers no file watchers: the server notices the new mtime by itself."""
    project = tmp_path / "proj"
    project.mkdir()
    pyproject = project / "pyproject.toml"
    pyproject.write_text("[tool.fastapi-status]\nselect = ['FST1']\n")
    uri = (project / "app.py").as_uri()
    open_doc(client, uri, CREATE)
    assert codes(await diagnostics_for(client, uri, 1)) == ["FST101"]
    pyproject.write_text("[tool.fastapi-status]\nselect = ['FST1']\nignore = ['FST101']\n")
    change(client, uri, 2, CREATE + "# edited\n")
    assert await diagnostics_for(client, uri, 2) == []


@pytest.mark.asyncio
async def test_edits_inside_a_function_update_its_diagnostics(client):
    """Edits that keep the line count are re-analysed per function (core/incremental.py): the
    diagnostics still follow every change, in that function and elsewhere."""
    uri = ITEMS.as_uri()
    text = ITEMS.read_text()
    open_doc(client, uri, text)
    assert "FST201" in codes(await diagnostics_for(client, uri, 1))
    row = text.splitlines().index('    return {"error": "Item not found"}  # FST201: an error body with 200 OK')
    col = text.splitlines()[row].index("error")
    edit(client, uri, 2, row, col, col + 5, "items")  # {"items": "Item not found"}: no longer an error body
    after = codes(await diagnostics_for(client, uri, 2))
    assert after == ["FST101", "FST102", "FST202", "FST204"]
    edit(client, uri, 3, row, col, col + 5, "error")
    assert codes(await diagnostics_for(client, uri, 3)) == ["FST101", "FST102", "FST201", "FST202", "FST204"]
    decorator = text.splitlines().index('@router.post("")  # FST101: creates an item, answers 200')
    edit(client, uri, 4, decorator, 15, 15, ", status_code=201")
    assert codes(await diagnostics_for(client, uri, 4)) == ["FST102", "FST201", "FST202", "FST204"]


@pytest.mark.asyncio
async def test_edits_that_add_lines_move_the_diagnostics_below(client):
    """Enter inside a function moves what follows by a line without analysing it again; the
    diagnostics and the quick fixes below it are where a fresh analysis puts them."""
    uri, fresh = ITEMS.as_uri(), "file:///tmp/fst_items_fresh.py"
    text = ITEMS.read_text()
    open_doc(client, uri, text)
    before = await diagnostics_for(client, uri, 1)
    first = min(d.range.start.line for d in before)
    # Enter and a comment at the end of the line where the first diagnostic is, twice.
    end = len(text.splitlines()[first])
    edit(client, uri, 2, first, end, end, "\n    # checked\n")
    edited = apply(text, [types.TextEdit(types.Range(types.Position(first, end), types.Position(first, end)), "\n    # checked\n")])
    moved = await diagnostics_for(client, uri, 2)
    open_doc(client, fresh, edited)
    expected = await diagnostics_for(client, fresh, 1)
    assert [(d.code, d.range, d.message) for d in moved] == [(d.code, d.range, d.message) for d in expected]
    assert [d.range.start.line for d in moved if d.range.start.line > first] == [
        d.range.start.line + 2 for d in before if d.range.start.line > first
    ]
    # The quick fix of the last diagnostic (below the edit) rewrites the right lines.
    last = max(moved, key=lambda d: d.range.start.line)
    got = [a for a in await actions_for(client, uri, [last]) if not a.title.startswith("Ignore")]
    want = [a for a in await actions_for(client, fresh, [max(expected, key=lambda d: d.range.start.line)]) if not a.title.startswith("Ignore")]
    assert got and want
    resolved = (await client.code_action_resolve_async(got[0])).edit.document_changes[0]
    wanted = (await client.code_action_resolve_async(want[0])).edit.document_changes[0]
    assert resolved.text_document.version == 2
    assert apply(edited, resolved.edits) == apply(edited, wanted.edits) != edited
    # Taking the lines out again gives the first diagnostics back.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(first, end), end=types.Position(first + 2, 0)), text=""
                )
            ],
        )
    )
    back = await diagnostics_for(client, uri, 3)
    assert [(d.code, d.range) for d in back] == [(d.code, d.range) for d in before]
