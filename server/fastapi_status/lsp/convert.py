"""Core values ↔ LSP types. Positions: core columns are code points; clients count UTF-16 (or
what was negotiated), which pygls' position codec converts."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

from fastapi_status.core.diagnostics import (
    Diagnostic,
    Edit,
    Position,
    Range,
    Severity,
    rule_url,
)
from fastapi_status.lsp.documents import column

SOURCE = "fastapi-status"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def _strip(lines: Sequence[str]) -> list[str]:
    return [line.rstrip("\r\n") for line in lines]


def plain(title: str) -> str:
    """A title for a menu, which shows markdown literally: "Add `status_code=201`" → "Add
    status_code=201"."""
    return title.replace("`", "")


class Converter:
    """Core positions ↔ LSP positions over the lines of one text (LSP's lines: the core's)."""

    def __init__(self, codec: PositionCodec, lines: Sequence[str]) -> None:
        self.codec = codec
        self.lines = _strip(lines)

    def position(self, pos: Position) -> types.Position:
        line = pos.line - 1
        if line >= len(self.lines):
            return types.Position(line=len(self.lines), character=0)
        return self.codec.position_to_client_units(self.lines, ServerTextPosition(line, pos.col))

    def range(self, rng: Range) -> types.Range:
        return types.Range(start=self.position(rng.start), end=self.position(rng.end))

    def to_core(self, pos: types.Position) -> Position:
        """The core position of an LSP one; a character past the end of its line is the end of
        the line (as LSP says)."""
        if pos.line >= len(self.lines):
            return Position(pos.line + 1, 0)
        return Position(pos.line + 1, column(self.codec, self.lines[pos.line], pos.character))

    def diagnostic(self, uri: str, d: Diagnostic, severity: Severity | None = None) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.range(d.range),
            message=d.message,
            severity=_SEVERITY[severity or d.severity],
            code=d.code,
            code_description=types.CodeDescription(href=rule_url(d.code)) if d.url else None,
            source=SOURCE,
            tags=[types.DiagnosticTag.Deprecated] if d.deprecated else None,
            related_information=[
                types.DiagnosticRelatedInformation(
                    location=types.Location(uri=uri, range=self.range(r.range)), message=r.message
                )
                for r in d.related
            ]
            or None,
        )

    def text_edit(self, edit: Edit) -> types.TextEdit:
        return types.TextEdit(range=self.range(edit.range), new_text=edit.content)
