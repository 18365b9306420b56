"""Fixtures for the language-server tests: the real server over stdio, driven by pytest-lsp."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import (
    DEFAULT_CLIENT_FEATURES,
    default_converter,
    register_lsp_features,
)

SERVER = [sys.executable, "-m", "fastapi_status", "lsp"]


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics in order (with its version) and
    the capabilities the server registers."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def on_publish(c: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        c.diagnostics[params.uri] = params.diagnostics
        c.published.append(params)

    def on_register(c: LanguageClient, params: types.RegistrationParams) -> None:
        c.registrations.extend(params.registrations)

    client.registrations = []
    features = {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_publish,
        types.CLIENT_REGISTER_CAPABILITY: on_register,
    }
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=recording_client)


async def start(client: LanguageClient, spec: str, options: dict | None = None, **init) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(spec),
            initialization_options=options if options is not None else {"fastapiStatus": {"debounce": 0}},
            **init,
        )
    )


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    """A client that takes pushed diagnostics (Neovim 0.9's capabilities: no pull)."""
    await start(lsp_client, "neovim@v0.9.1")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def pull_client(lsp_client: LanguageClient):
    """A client that pulls diagnostics (Neovim 0.10 and VS Code do)."""
    await start(lsp_client, "neovim@v0.10.0")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, str(Path(__file__).with_name("broken_rule_server.py"))],
        client_factory=recording_client,
    )
)
async def broken_rule_client(lsp_client: LanguageClient):
    await start(lsp_client, "neovim@v0.9.1")
    yield
    await lsp_client.shutdown_session()


WORKSPACE_FILES = {
    "a.py": "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/items')\ndef create_item(item: dict):\n    return item\n",
    "pkg/b.py": "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/i')\ndef read():\n    return {'error': 'Item not found'}\n",
    "clean.py": "print('no web here')\n",
}


@pytest_lsp.fixture(config=CONFIG)
async def workspace_client(lsp_client: LanguageClient, tmp_path: Path):
    """A client whose workspace folder is checked as a whole (`scope = workspace`)."""
    folder = tmp_path / "ws"
    for name, text in WORKSPACE_FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    await start(
        lsp_client,
        "neovim@v0.9.1",
        {"fastapiStatus": {"debounce": 0, "scope": "workspace"}},
        workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="ws")],
        root_uri=folder.as_uri(),
    )
    lsp_client.folder = folder
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def eager_client(lsp_client: LanguageClient):
    """A client that cannot resolve code actions later (Emacs 29's eglot): edits come at once."""
    await start(lsp_client, "emacs@v29.1")
    yield
    await lsp_client.shutdown_session()
