"""The values the core hands out: positions, diagnostics and their (lazily built) fixes.

Positions are 1-based lines and 0-based columns counted in code points of the line
(Python string indices). The CLI prints columns 1-based; the language server converts
to UTF-16 offsets. Nothing here depends on an editor or on the file system.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable, Sequence

from fastapi_status.core.failures import failure_report
from fastapi_status.core.text import line_starts

DOCS_URL = "https://github.com/fastapi-status/fastapi-status/blob/main/docs/rules.md"


def rule_url(code: str) -> str:
    return f"{DOCS_URL}#{code.lower()}"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


class Applicability(str, enum.Enum):
    SAFE = "safe"  # keeps the behaviour the author plainly meant
    UNSAFE = "unsafe"  # changes what clients receive; review before applying


@dataclass(frozen=True, order=True)
class Position:
    line: int  # 1-based
    col: int  # 0-based, code points


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position

    def contains(self, other: "Range") -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Range") -> bool:
        """True when the ranges share or touch a position: two edits there cannot both apply
        in one pass (two insertions at one point included)."""
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Edit:
    """Replace the text in `range` with `content` (an insertion when the range is empty)."""

    range: Range
    content: str


class FixNotApplicable(Exception):
    """Raised while building a fix: the code does not have the shape the fix expects."""


class Fix:
    """A fix whose edits are built only when asked for (libcst runs then, not during detection)."""

    def __init__(
        self,
        title: str,
        applicability: Applicability,
        build: Callable[[], Sequence[Edit]],
    ) -> None:
        self.title = title
        self.applicability = applicability
        self._build = build
        self._edits: tuple[Edit, ...] | None = None
        # Set when building the edits raised (a bug, or code too deep for libcst): what went
        # wrong, as `analyze.failure_report` writes it. The fix then has no edits.
        self.error: str | None = None

    @property
    def is_safe(self) -> bool:
        return self.applicability is Applicability.SAFE

    def edits(self) -> tuple[Edit, ...]:
        """The edits, sorted by position. Empty when the fix turned out not to apply, or when
        building it failed (then `error` says why: one broken fix must not take the run down)."""
        if self._edits is None:
            try:
                self._edits = tuple(sorted(self._build(), key=lambda e: e.range))
            except FixNotApplicable:
                self._edits = ()
            except Exception as exc:
                self._edits, self.error = (), failure_report(exc)
        return self._edits

    def __repr__(self) -> str:
        return f"Fix({self.title!r}, {self.applicability.value})"


@dataclass(frozen=True)
class Related:
    """A second place that takes part in a problem (e.g. the raise an except swallows)."""

    range: Range
    message: str


@dataclass
class Diagnostic:
    code: str
    message: str
    range: Range
    severity: Severity = Severity.WARNING
    fixes: list[Fix] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    deprecated: bool = False  # the code at fault uses a deprecated name (editors strike it through)

    @property
    def url(self) -> str | None:
        return rule_url(self.code) if self.code != "FST000" else None

    @property
    def preferred_fix(self) -> Fix | None:
        """The first safe fix, else the first fix."""
        for fix in self.fixes:
            if fix.is_safe:
                return fix
        return self.fixes[0] if self.fixes else None

    def sort_key(self) -> tuple:
        return (self.range.start, self.code)


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits to `source` (positions as in `Position`)."""
    if not edits:
        return source
    starts = line_starts(source)

    def offset(pos: Position) -> int:
        if pos.line - 1 >= len(starts):
            return len(source)
        return min(starts[pos.line - 1] + pos.col, len(source))

    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: e.range):
        begin, end = offset(edit.range.start), offset(edit.range.end)
        if begin < cursor:
            raise ValueError("overlapping edits")
        out.append(source[cursor:begin])
        out.append(edit.content)
        cursor = end
    out.append(source[cursor:])
    return "".join(out)
