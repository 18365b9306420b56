"""The real server with a request handler (hover) and a notification handler (didOpen of a
file named boom.py) made to raise: for the test that the request is answered with an internal
error and that the server goes on serving. Run as a script by tests/lsp/test_server_reliability.py."""

from fastapi_status.cli.main import main
from fastapi_status.lsp import server as lsp_server


def _boom(*args, **kwargs):
    raise RuntimeError("injected")


_forget = lsp_server.FastapiStatusServer.forget_module


def _forget_or_boom(self, uri):
    if uri.endswith("/boom.py"):
        _boom()
    return _forget(self, uri)


lsp_server.hover_at = _boom
lsp_server.FastapiStatusServer.forget_module = _forget_or_boom
raise SystemExit(main(["lsp"]))
