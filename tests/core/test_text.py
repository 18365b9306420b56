"""Lines as Python's tokenizer sees them (\n, \r\n, \r), whatever else the text holds."""

from __future__ import annotations

import random
import re

from fastapi_status.core.text import line_starts, split_lines

# A line: anything but \r and \n, then one of Python's three line breaks (or the end of the text).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def reference(source: str) -> list[str]:
    return _LINE.findall(source)


def test_lines_break_only_where_python_does():
    # Characters str.splitlines also breaks at (form feed, vertical tab, separators, NEL) do not
    # end a line for Python: a column counted after one would be wrong.
    pieces = ["a", "bc", " ", "\n", "\r", "\r\n", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "é"]
    rng = random.Random(5)
    for _ in range(3000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        assert split_lines(source) == reference(source), repr(source)
        starts = line_starts(source)
        assert starts[: len(reference(source))] == [sum(map(len, reference(source)[:i])) for i in range(len(reference(source)))]
