"""Plain, serialisable findings: what crosses process boundaries, the cache, and the printers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from fastapi_status.core.diagnostics import Diagnostic


@dataclass
class EditRecord:
    content: str
    start: tuple[int, int]  # (line 1-based, column 0-based)
    end: tuple[int, int]


@dataclass
class FixRecord:
    title: str
    applicability: str  # "safe" | "unsafe"
    edits: list[EditRecord] | None = None  # None: not built (the output did not need them)


@dataclass
class Record:
    code: str
    message: str
    severity: str
    start: tuple[int, int]
    end: tuple[int, int]
    url: str | None
    fix: FixRecord | None = None
    related: list[tuple[tuple[int, int], str]] = field(default_factory=list)

    @classmethod
    def from_diagnostic(cls, d: Diagnostic, with_edits: bool) -> "Record":
        fix = d.preferred_fix
        fix_record = None
        if fix is not None:
            edits = None
            if with_edits:
                edits = [
                    EditRecord(e.content, (e.range.start.line, e.range.start.col), (e.range.end.line, e.range.end.col))
                    for e in fix.edits()
                ]
            fix_record = FixRecord(fix.title, fix.applicability.value, edits)
        return cls(
            code=d.code,
            message=d.message,
            severity=d.severity.value,
            start=(d.range.start.line, d.range.start.col),
            end=(d.range.end.line, d.range.end.col),
            url=d.url,
            fix=fix_record,
            related=[((r.range.start.line, r.range.start.col), r.message) for r in d.related],
        )

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Record":
        fix = data.get("fix")
        if fix is not None:
            edits = fix.get("edits")
            fix = FixRecord(
                fix["title"],
                fix["applicability"],
                None if edits is None else [EditRecord(e["content"], tuple(e["start"]), tuple(e["end"])) for e in edits],
            )
        return cls(
            code=data["code"],
            message=data["message"],
            severity=data["severity"],
            start=tuple(data["start"]),
            end=tuple(data["end"]),
            url=data.get("url"),
            fix=fix,
            related=[(tuple(pos), msg) for pos, msg in data.get("related", [])],
        )


@dataclass
class FileReport:
    path: str  # as displayed
    records: list[Record] = field(default_factory=list)
    fixed: int = 0
    new_text: str | None = None  # set when --fix/--diff changed the file
    old_text: str | None = None
    errors: list[str] = field(default_factory=list)  # internal errors (a rule crashed, a fix broke the code)
    reads: list[str] = field(default_factory=list)  # other files of the project the analysis read
    write_error: str | None = None  # why --fix did not write the fixed text (the file changed, is read-only)
