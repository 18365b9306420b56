"""The labelled evaluation's two files, read and checked (tests/test_eval_labels.py runs `problems`).

labels.tsv: one row per judged line, tab-separated, with a header:
    corpus  path  line  rule  verdict  source  handler  reason
  - rule: the code of the rule that reports the line (FST101), or, for a mistake no rule
    reports, a short kebab-case name of its kind (`wrong-4xx`, `bad-input-500`).
  - verdict: `tp` (a real status mistake the rule reports), `fp` (the rule reports it, but the
    code is right or a deliberate choice), `missed` (a real mistake no rule reports).
  - source: `finding` (a rule's finding, read in context), `sample` (a mistake found while
    reading a handler of the random sample), `hunt` (found while hunting, outside the sample).
  - handler: for `sample` rows, `path:line` of the sampled handler the mistake belongs to (the
    mistake may sit in a function it calls); `-` otherwise.
  - reason: one line, why.
sample.tsv: the random sample of route handlers (bench/eval/draw.py), one row each:
    corpus  path  line  handler  methods  route  mistakes  note
  - mistakes: how many real status mistakes the reader found in the handler and what it calls
    (each one is a `sample` row of labels.tsv); empty while unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path

EVAL = Path(__file__).resolve().parent
LABELS = EVAL / "labels.tsv"
SAMPLE = EVAL / "sample.tsv"

VERDICTS = ("tp", "fp", "missed")
SOURCES = ("finding", "sample", "hunt")
RULE_CODE = re.compile(r"FST[0-9]{3}")
KIND = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Label:
    corpus: str
    path: str
    line: int
    rule: str
    verdict: str
    source: str
    handler: str
    reason: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.corpus, self.path, self.line, self.rule)


@dataclass(frozen=True)
class Sampled:
    corpus: str
    path: str
    line: int
    handler: str
    methods: str
    route: str
    mistakes: int | None
    note: str

    @property
    def ref(self) -> str:
        return f"{self.path}:{self.line}"


def _rows(path: Path, columns: tuple[str, ...]) -> list[list[str]]:
    """The cells of each row (a header first; blank lines and `#` comments skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != columns:
        raise ValueError(f"{path.name}: the header must be: {' '.join(columns)}")
    out = []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip() or text.startswith("#"):
            continue
        cells = text.split("\t")
        if len(cells) != len(columns):
            raise ValueError(f"{path.name}:{number}: {len(cells)} cells, expected {len(columns)}")
        out.append(cells)
    return out


LABEL_COLUMNS = tuple(f.name for f in fields(Label))
SAMPLE_COLUMNS = tuple(f.name for f in fields(Sampled))


def read_labels(path: Path = LABELS) -> list[Label]:
    return [Label(c, f, int(line), *rest) for c, f, line, *rest in _rows(path, LABEL_COLUMNS)]


def read_sample(path: Path = SAMPLE) -> list[Sampled]:
    return [
        Sampled(c, f, int(line), handler, methods, route, int(mistakes) if mistakes else None, note)
        for c, f, line, handler, methods, route, mistakes, note in _rows(path, SAMPLE_COLUMNS)
    ]


def write_sample(drawn, old: dict) -> None:
    """The drawn handlers, keeping what was already read of the ones drawn before."""
    out = ["\t".join(SAMPLE_COLUMNS)]
    for h in drawn:
        prev = old.get((h.corpus, h.path, h.line))
        mistakes = "" if prev is None or prev.mistakes is None else str(prev.mistakes)
        note = prev.note if prev else ""
        out.append("\t".join([h.corpus, h.path, str(h.line), h.name, h.methods, h.route, mistakes, note]))
    SAMPLE.write_text("\n".join(out) + "\n", encoding="utf-8")


def problems(labels: list[Label], sample: list[Sampled], corpora: tuple[str, ...]) -> list[str]:
    """What is wrong with the two files (empty when they are well-formed and agree)."""
    found = []
    seen: set[tuple] = set()
    sampled = {(s.corpus, s.ref): s for s in sample}
    per_handler: dict[tuple[str, str], int] = {}
    for lb in labels:
        where = f"{lb.corpus} {lb.path}:{lb.line} {lb.rule}"
        if lb.corpus not in corpora:
            found.append(f"{where}: unknown corpus")
        if not lb.path.endswith(".py") or lb.path.startswith("/") or ".." in lb.path.split("/"):
            found.append(f"{where}: the path must be a .py file relative to the corpus folder")
        if lb.line < 1:
            found.append(f"{where}: bad line")
        if not (RULE_CODE.fullmatch(lb.rule) or KIND.fullmatch(lb.rule)):
            found.append(f"{where}: the rule must be a code (FST101) or a kebab-case kind")
        if lb.verdict not in VERDICTS:
            found.append(f"{where}: verdict {lb.verdict!r} is not one of {', '.join(VERDICTS)}")
        if lb.source not in SOURCES:
            found.append(f"{where}: source {lb.source!r} is not one of {', '.join(SOURCES)}")
        if lb.source == "finding" and (lb.verdict == "missed" or not RULE_CODE.fullmatch(lb.rule)):
            found.append(f"{where}: a finding is a rule's, and is tp or fp (a finding cannot be missed)")
        if lb.source != "finding" and lb.verdict == "fp":
            found.append(f"{where}: only a rule's finding can be fp")
        if lb.source == "sample":
            if (lb.corpus, lb.handler) not in sampled:
                found.append(f"{where}: handler {lb.handler!r} is not in the sample")
            per_handler[(lb.corpus, lb.handler)] = per_handler.get((lb.corpus, lb.handler), 0) + 1
        elif lb.handler != "-":
            found.append(f"{where}: only sample rows name a handler")
        if not lb.reason.strip():
            found.append(f"{where}: no reason")
        key = (*lb.key, lb.source, lb.handler)  # (a helper's mistake counts once per sampled handler)
        if key in seen:
            found.append(f"{where}: labelled twice")
        seen.add(key)
    for s in sample:
        where = f"{s.corpus} {s.ref} {s.handler}"
        if s.mistakes is None:
            found.append(f"{where}: sampled but not read yet (mistakes is empty)")
            continue
        if s.mistakes != per_handler.get((s.corpus, s.ref), 0):
            found.append(
                f"{where}: {s.mistakes} mistakes, but labels.tsv has {per_handler.get((s.corpus, s.ref), 0)} sample rows for it"
            )
        if not s.note.strip():
            found.append(f"{where}: no note")
    return found
