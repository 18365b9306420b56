"""The real server with one rule (FST101) made to raise: for the test that a failing rule is
logged and skipped while the others still report. Run as a script by tests/lsp/conftest.py."""

from fastapi_status.cli.main import main
from fastapi_status.rules import RULES_BY_CODE


def _boom(self, ctx):
    raise RuntimeError("injected")


RULES_BY_CODE["FST101"].check = _boom
raise SystemExit(main(["lsp"]))
