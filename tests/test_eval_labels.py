"""bench/eval/labels.tsv and sample.tsv (the labelled evaluation `make eval` reads) stay
well-formed and agree with each other. `make eval` itself needs the corpora; this does not."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "eval"))

from corpora import NAMES  # noqa: E402
from labels import read_labels, read_sample, problems  # noqa: E402


def test_labels_are_well_formed():
    labels, sample = read_labels(), read_sample()
    assert problems(labels, sample, NAMES) == []


def test_the_random_sample_covers_every_corpus():
    sample = read_sample()
    assert len(sample) >= 100
    assert {s.corpus for s in sample} == set(NAMES)


def test_problems_are_found():
    from labels import Label, Sampled

    sampled = Sampled("prefect", "a.py", 10, "read", "GET", "/x", 1, "read it")
    bad = [
        Label("prefect", "a.py", 3, "FST101", "missed", "finding", "-", "a finding cannot be missed"),
        Label("nope", "a.py", 3, "FST101", "tp", "finding", "-", "unknown corpus"),
        Label("prefect", "a.py", 12, "Wrong Kind", "missed", "sample", "a.py:10", "bad kind"),
        Label("prefect", "a.py", 12, "wrong-4xx", "missed", "sample", "b.py:1", "not sampled"),
    ]
    found = problems(bad, [sampled], ("prefect",))
    assert any("cannot be missed" in p for p in found)
    assert any("unknown corpus" in p for p in found)
    assert any("kebab-case" in p for p in found)
    assert any("not in the sample" in p for p in found)
