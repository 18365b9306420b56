"""`make eval`: the rules on the eight public corpora, against the labels in bench/eval/.

    python bench/eval/run.py [--select CODES] [--markdown] [--corpora DIR]

Runs `fastapi-status check --format json` on each corpus (the default rules, or `--select`),
then prints, per rule and in total: findings, how many are labelled true and false, precision
on the labelled ones, and recall on the random sample (the mistakes found by reading the
sampled handlers in full: bench/eval/sample.tsv). Then it lists what a rule change changed:
findings nobody has labelled yet, labelled findings that are gone, and sample mistakes whose
label no longer says what the rules do. Labelled false findings that are gone are counted,
not listed: they stay in labels.tsv, so a rule that finds them again shows it at once.
`--markdown` prints the table for the README.
Exit 0 when every finding is labelled, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import NAMES, REPO, fetch  # noqa: E402
from labels import read_labels, read_sample, problems  # noqa: E402


def findings(root: Path, corpus: str, select: str | None) -> list[dict]:
    cmd = [sys.executable, "-m", "fastapi_status", "check", str(root / corpus), "--no-cache", "--exit-zero", "--format", "json"]
    if select:
        cmd += ["--select", select]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if out.returncode != 0 or "Traceback" in out.stderr:
        raise SystemExit(f"fastapi-status failed on {corpus}:\n{out.stderr[-3000:]}")
    found = []
    base = (root / corpus).resolve()
    for d in json.loads(out.stdout):
        path = Path(d["filename"]).resolve().relative_to(base).as_posix()
        d["corpus"], d["path"] = corpus, path
        found.append(d)
    return found


def covers(d: dict, line: int, span: tuple[int, int]) -> bool:
    """The finding is at the labelled line: its range holds the line, or it starts in the
    statement that holds it (a rule may point at the status inside a multi-line `raise`)."""
    return d["location"]["row"] <= line <= d["end_location"]["row"] or span[0] <= d["location"]["row"] <= span[1]


_SPANS: dict[Path, list[tuple[int, int]]] = {}


def statement_span(file: Path, line: int) -> tuple[int, int]:
    """The lines of the smallest statement that holds `line` (the line itself when none)."""
    if file not in _SPANS:
        try:
            tree = ast.parse(file.read_bytes())
        except (OSError, SyntaxError, ValueError):
            tree = None
        spans = [(n.lineno, n.end_lineno or n.lineno) for n in ast.walk(tree) if isinstance(n, ast.stmt)] if tree else []
        _SPANS[file] = [s for s in spans if s[1] - s[0] < 50]  # (not a whole function or class)
    holding = [s for s in _SPANS[file] if s[0] <= line <= s[1]]
    return min(holding, key=lambda s: s[1] - s[0]) if holding else (line, line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--select", help="rules to run (default: the rules that are on by default)")
    parser.add_argument("--markdown", action="store_true", help="print the table as markdown")
    parser.add_argument("--corpora", type=Path, help="the corpora folder (default: fetch them)")
    args = parser.parse_args()

    labels, sample = read_labels(), read_sample()
    issues = problems(labels, sample, NAMES)
    root = args.corpora or fetch()
    found = [d for corpus in NAMES for d in findings(root, corpus, args.select)]
    codes = sorted(
        {d["code"] for d in found} | {lb.rule for lb in labels if lb.source == "finding" or RULE(lb.rule)}
    )

    judged = {lb.key: lb for lb in labels if lb.source == "finding"}
    by_place = defaultdict(list)
    for d in found:
        by_place[(d["corpus"], d["path"])].append(d)

    counts: dict[str, Counter] = defaultdict(Counter)
    unlabelled, seen = [], set()
    for d in found:
        key = (d["corpus"], d["path"], d["location"]["row"], d["code"])
        seen.add(key)
        counts[d["code"]]["findings"] += 1
        lb = judged.get(key)
        if lb is None:
            unlabelled.append(d)
        else:
            counts[d["code"]][lb.verdict] += 1
    gone = [lb for key, lb in judged.items() if key not in seen and (args.select is None or lb.rule in codes)]

    # Recall on the random sample: a mistake is caught when a finding of its rule covers its line.
    drift, elsewhere = [], []
    for lb in labels:
        if lb.source != "sample":
            continue
        span = statement_span(root / lb.corpus / lb.path, lb.line)
        caught = RULE(lb.rule) and any(
            d["code"] == lb.rule and covers(d, lb.line, span) for d in by_place.get((lb.corpus, lb.path), ())
        )
        group = lb.rule if RULE(lb.rule) else "no rule"
        counts[group]["sample"] += 1
        counts[group]["caught"] += int(bool(caught))
        if bool(caught) != (lb.verdict == "tp"):
            drift.append((lb, bool(caught)))
        elif not caught:
            # Covered by a finding of another rule: if that finding names this mistake, the
            # row's rule is that rule now (its reason keeps the mistake's kind).
            others = sorted({
                d["code"] for d in by_place.get((lb.corpus, lb.path), ()) if covers(d, lb.line, span)
            })
            if others:
                elsewhere.append((lb, others))
    total = Counter()
    for c in counts.values():
        total.update(c)

    rows = [(code, counts[code]) for code in codes] + [("no rule", counts["no rule"]), ("total", total)]
    print_table(rows, args.markdown, len(sample), sum(1 for lb in labels if lb.source == "sample"))

    if issues:
        print(f"\nlabels.tsv / sample.tsv problems ({len(issues)}):")
        for p in issues:
            print(f"  {p}")
    if unlabelled:
        print(f"\nunlabelled findings ({len(unlabelled)}): add them to bench/eval/labels.tsv")
        for d in sorted(unlabelled, key=lambda d: (d["corpus"], d["path"], d["location"]["row"])):
            print(f"  {d['corpus']}\t{d['path']}\t{d['location']['row']}\t{d['code']}\t{d['message']}")
    gone_true = [lb for lb in gone if lb.verdict == "tp"]
    if gone:
        print(
            f"\nlabelled findings no longer reported: {len(gone) - len(gone_true)} false ones (kept as labels, so a"
            f" rule that finds them again shows it), {len(gone_true)} true ones:"
        )
        for lb in gone_true:
            print(f"  {lb.corpus} {lb.path}:{lb.line} {lb.rule}  ({lb.reason})")
    if drift:
        print(f"\nsample mistakes whose verdict no longer matches ({len(drift)}):")
        for lb, caught in drift:
            now = "now caught: label it tp" if caught else "no longer caught: label it missed"
            print(f"  {lb.corpus} {lb.path}:{lb.line} {lb.rule}: {now}")
    if elsewhere:
        print(f"\nsample mistakes covered by a finding of another rule ({len(elsewhere)}): read it; if it names the"
              " mistake, give the row that rule and label it tp")
        for lb, others in elsewhere:
            print(f"  {lb.corpus} {lb.path}:{lb.line} {lb.rule}: {', '.join(others)}")
    return 1 if unlabelled or issues else 0


def RULE(name: str) -> bool:
    return name.startswith("FST")


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def print_table(rows, markdown: bool, handlers: int, mistakes: int) -> None:
    head = ("rule", "findings", "true", "false", "unlabelled", "precision", "sample mistakes", "caught", "recall")
    body = []
    for name, c in rows:
        unl = c["findings"] - c["tp"] - c["fp"]
        body.append(
            (
                name,
                str(c["findings"]) if name != "no rule" else "–",
                str(c["tp"]) if name != "no rule" else "–",
                str(c["fp"]) if name != "no rule" else "–",
                str(unl) if name != "no rule" else "–",
                ratio(c["tp"], c["tp"] + c["fp"]) if name != "no rule" else "–",
                str(c["sample"]),
                str(c["caught"]),
                ratio(c["caught"], c["sample"]),
            )
        )
    today = dt.date.today().isoformat()
    if markdown:
        print(f"Measured on {today} by `make eval`: {handlers} sampled handlers holding {mistakes} mistakes.\n")
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
        for r in body:
            print("| " + " | ".join(f"**{x}**" if r[0] == "total" else x for x in r) + " |")
        return
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(head)]
    print(f"{today}: the eight corpora; random sample: {handlers} handlers, {mistakes} mistakes")
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths))))
    for r in body:
        print("  ".join(x.ljust(w) if i == 0 else x.rjust(w) for i, (x, w) in enumerate(zip(r, widths))))


if __name__ == "__main__":
    raise SystemExit(main())
