"""Draws the random sample of route handlers that measures recall (bench/eval/sample.tsv).

    python bench/eval/draw.py

The sample is drawn in waves (WAVES: a seed and a number per corpus each), every wave from the
handlers earlier waves did not draw, so a wave added later keeps what was read before. The same
waves and corpora always give the same sample. Every handler of the eight corpora is a
candidate, not only handlers with findings; each corpus gives the same number, so the small
projects weigh as much as litellm. The drawn handlers are written without verdicts: a reader
fills in `mistakes` and `note` after reading each handler in full with what it calls (see
bench/eval/README.md). Rows already read keep their verdicts when the sample is drawn again.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import NAMES, fetch, handlers  # noqa: E402
from labels import SAMPLE, read_sample, write_sample  # noqa: E402

# (seed, handlers per corpus) of each wave, in order.
WAVES = ((20261201, 15), (20261202, 10))


def draw(root: Path, waves=WAVES):
    candidates = {corpus: handlers(root, corpus) for corpus in NAMES}
    taken: dict[str, list] = {corpus: [] for corpus in NAMES}
    for seed, per_corpus in waves:
        rng = random.Random(seed)  # (one generator per wave, drawing corpus after corpus)
        for corpus in NAMES:
            seen = set(taken[corpus])
            left = [h for h in candidates[corpus] if h not in seen]
            taken[corpus] += sorted(rng.sample(left, min(per_corpus, len(left))))
    return [h for corpus in NAMES for h in taken[corpus]]


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    drawn = draw(fetch())
    old = {(r.corpus, r.path, r.line): r for r in read_sample()} if SAMPLE.exists() else {}
    write_sample(drawn, old)
    print(f"{len(drawn)} handlers written to {SAMPLE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
