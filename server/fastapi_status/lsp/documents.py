"""The server's copy of each open document, kept with LSP's line rules, and a log of the
changes applied to it (to move what an older analysis found onto the text as it is now).

LSP counts only `\\n`, `\\r\\n` and `\\r` as line breaks; pygls' TextDocument splits lines with
`str.splitlines`, which also breaks at `\\v`, `\\f`, `\\x1c`-`\\x1e`, U+0085, U+2028 and U+2029, so an
incremental change below such a character would land on the wrong line. Here the lines are the
core's (`core/text.split_lines`, the same three breaks as Python's tokenizer and LSP), and a
change is applied by offsets, with LSP's clamping: a line past the end means the end of the
text, a character past the end of its line means the end of that line."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace
from pygls.workspace.position_codec import PositionCodec

from fastapi_status.core.diagnostics import Diagnostic, Position, Range, Related
from fastapi_status.core.text import common_prefix, line_starts, split_lines

_BREAKS = "\r\n"


@dataclass(frozen=True)
class TextChange:
    """Characters `start`..`end` of the old text (code points) became `length` new ones."""

    start: int
    end: int
    length: int

    @property
    def delta(self) -> int:
        return self.length - (self.end - self.start)


def column(codec: PositionCodec, line: str, units: int) -> int:
    """The code point column of `units` client units (UTF-16 unless negotiated otherwise) into
    `line` (without its line break), clamped to the line's end."""
    if line.isascii():
        return min(units, len(line))
    counted = 0
    for index, char in enumerate(line):
        if counted >= units:
            return index
        counted += codec.client_num_units(char)
    return len(line)


def offset_at(codec: PositionCodec, lines: Sequence[str], starts: Sequence[int] | None, size: int, pos: types.Position) -> int:
    """The offset in the text (code points) of an LSP position, clamped as LSP says (`starts`:
    where each line starts; None to add up the lines' lengths, which costs less than finding
    every line's start for one position)."""
    if pos.line >= len(lines):
        return size
    start = starts[pos.line] if starts is not None else sum(map(len, lines[: pos.line]))
    return start + column(codec, lines[pos.line].rstrip(_BREAKS), pos.character)


def span(start: int, end: int, change: TextChange) -> tuple[int, int] | None:
    """The span `start`..`end` of the old text in the new one; None when the change replaced
    part of it (what it covered is stale). Text put in where a span starts goes before it, where
    it ends after it; an empty span stands for the character after it (a syntax error's place)."""
    if start == end:
        if change.start <= start < change.end:
            return None
        before = start < change.start
    elif start < change.end and change.start < end:
        return None
    else:
        before = end <= change.start
    return (start, end) if before else (start + change.delta, end + change.delta)


def moved_span(start: int, end: int, changes: Sequence[TextChange]) -> tuple[int, int] | None:
    """`span` through a sequence of changes (each on the text the one before left)."""
    for change in changes:
        moved = span(start, end, change)
        if moved is None:
            return None
        start, end = moved
    return start, end


def unmoved_offset(offset: int, changes: Sequence[TextChange]) -> int | None:
    """Where an offset of the new text was in the old one; None when it lies in text a change
    put in."""
    for change in reversed(changes):
        if offset <= change.start:
            continue
        if offset < change.start + change.length:
            return None
        offset -= change.delta
    return offset


class TextMap:
    """Core positions (1-based lines, code point columns) ↔ offsets, for one text."""

    def __init__(self, source: str) -> None:
        self.size = len(source)
        self.starts = line_starts(source)

    def offset(self, pos: Position) -> int:
        if pos.line - 1 >= len(self.starts):
            return self.size
        return min(self.starts[max(pos.line - 1, 0)] + pos.col, self.size)

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return Position(line, offset - self.starts[line - 1])


class Moves:
    """The places of an older text (core positions) in the text as it is now, through the
    changes made in between; a place a change replaced has no new place (what was there is
    stale)."""

    def __init__(self, old: str, new: str, changes: Sequence[TextChange]) -> None:
        self.old, self.new = TextMap(old), TextMap(new)
        self.changes = changes

    def range(self, rng: Range) -> Range | None:
        moved = moved_span(self.old.offset(rng.start), self.old.offset(rng.end), self.changes)
        if moved is None:
            return None
        return Range(self.new.position(moved[0]), self.new.position(moved[1]))

    def position(self, pos: Position) -> Position | None:
        moved = self.range(Range(pos, pos))
        return moved.start if moved is not None else None

    def back(self, pos: Position) -> Position | None:
        """Where a position of the new text was in the old one (None: in text put in since)."""
        offset = unmoved_offset(self.new.offset(pos), self.changes)
        return self.old.position(offset) if offset is not None else None

    def diagnostic(self, d: Diagnostic) -> Diagnostic | None:
        """The diagnostic where its code is now, without its fixes (their edits were built for
        the old text); its related places that moved with it. None when its code was edited."""
        rng = self.range(d.range)
        if rng is None:
            return None
        related = [Related(r, x.message) for x in d.related if (r := self.range(x.range)) is not None]
        return Diagnostic(d.code, d.message, rng, d.severity, [], related, d.deprecated)


class LspTextDocument(TextDocument):
    """pygls' TextDocument with LSP's lines and a log of the changes applied (`revision` counts
    them; `changes_since` replays them from an older revision)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._lines_of: str | None = None
        self._lines: tuple[str, ...] = ()
        self._log: list[TextChange] = []
        self._log_start = 0

    @property
    def lines(self) -> Sequence[str]:
        source = self.source
        if source is not self._lines_of:
            self._lines, self._lines_of = tuple(split_lines(source)), source
        return self._lines

    @property
    def revision(self) -> int:
        """How many changes were applied since the document was opened."""
        return self._log_start + len(self._log)

    def changes_since(self, revision: int) -> list[TextChange] | None:
        """The changes applied after `revision`, in order; None when they were forgotten."""
        if revision < self._log_start or revision > self.revision:
            return None
        return self._log[revision - self._log_start :]

    def forget_before(self, revision: int) -> None:
        """Nothing will ask for the changes before `revision` again."""
        drop = min(revision, self.revision) - self._log_start
        if drop > 0:
            del self._log[:drop]
            self._log_start += drop

    def offset_at_position(self, client_position: types.Position) -> int:
        return offset_at(self.position_codec, self.lines, None, len(self.source), client_position)

    def _replace(self, start: int, end: int, text: str) -> None:
        source = self.source
        self._source = source[:start] + text + source[end:]
        self._log.append(TextChange(start, end, len(text)))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        """Apply the change by offsets, and splice its lines into the kept ones (splitting
        the whole text again on every keystroke costs more than the edit's analysis)."""
        source = self.source
        lines = self.lines
        a, b = sorted((change.range.start, change.range.end), key=lambda p: (p.line, p.character))
        start, end = (offset_at(self.position_codec, lines, None, len(source), p) for p in (a, b))
        self._replace(start, end, change.text)
        first, last = min(a.line, len(lines)), min(b.line, len(lines) - 1)
        new = self._source
        if "\r" in change.text or source[start - 1 : start] == "\r" or first > last:
            return  # (a \r may join the next line's \n: `lines` splits the text again)
        head = sum(map(len, lines[:first]))
        tail = head + sum(map(len, lines[first : last + 1]))
        changed = split_lines(new[head : tail + len(new) - len(source)])
        self._lines = lines[:first] + tuple(changed) + lines[last + 1 :]
        self._lines_of = new

    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        """The whole text is new: logged as one change, of what lies between the part the old
        and new texts begin with and the part they end with."""
        old, new = self.source, change.text
        head = common_prefix(old, new)
        tail = common_prefix(old[head:][::-1], new[head:][::-1]) if head < min(len(old), len(new)) else 0
        self._source = new
        self._log.append(TextChange(head, len(old) - tail, len(new) - head - tail))


class LspWorkspace(Workspace):
    """pygls' Workspace, whose documents are `LspTextDocument`s."""

    @classmethod
    def like(cls, other: Workspace, sync_kind: types.TextDocumentSyncKind) -> LspWorkspace:
        return cls(other.root_uri, sync_kind, list(other.folders.values()), other.position_encoding)

    def _create_text_document(self, doc_uri, source=None, version=None, language_id=None) -> TextDocument:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self.position_codec,
        )
