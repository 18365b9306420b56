"""Line handling shared by the core: the same line breaks as Python's tokenizer (\\n, \\r\\n, \\r)."""

from __future__ import annotations

import ast
import contextlib
import gc
import re
import sys
import warnings

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(name: str) -> list[str]:
    """The lower-case words of an identifier or a path: `createUser_v2` → ["create", "user",
    "v", "2"]; `/api-keys/{id}` → ["api", "keys", "id"]."""
    return [w.lower() for part in name.split("_") for w in _WORD.findall(part)]


def split_lines(source: str) -> list[str]:
    """Lines with their line breaks kept; a final empty line is not returned."""
    lines = source.splitlines(keepends=True)  # split in C; right unless it broke elsewhere too:
    breaks = source.count("\n")
    if "\r" in source:
        breaks += source.count("\r") - source.count("\r\n")
    if len(lines) == breaks + (not source.endswith(("\n", "\r")) and bool(source)):
        return lines  # (one line per Python line break: it broke nowhere else)
    out = []
    pos = 0
    for m in _LINE_BREAK.finditer(source):
        out.append(source[pos : m.end()])
        pos = m.end()
    if pos < len(source):
        out.append(source[pos:])
    return out


def common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (by halving: each step compares in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def line_starts(source: str) -> list[int]:
    """Offsets of the start of each line (1-based line N starts at index N-1)."""
    starts = [0]
    for m in _LINE_BREAK.finditer(source):
        starts.append(m.end())
    return starts


def byte_col_to_char(line: str, byte_col: int) -> int:
    """ast reports columns in UTF-8 bytes; the core speaks code points."""
    if line.isascii():
        return byte_col
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


class lazy_pattern:  # noqa: N801 (used like re.compile)
    """`re.compile`, done on first use: the rules hold many patterns, and a check that never
    reads a payload should not pay for compiling them at start-up."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


class TooDeeplyNested(SyntaxError):
    """The code nests deeper than Python's parser can follow (20,000 `+` terms, 5,000 `not`):
    `ast.parse` gives up with RecursionError or MemoryError. A SyntaxError, so that every caller
    that copes with code that does not parse copes with this too."""


# Python's default recursion limit (1,000) stops the rules' tree walks on a 600-branch `elif`
# chain and libcst on 150 nested dicts; this much is safe on a thread's default 8 MB stack
# (a 9,000-branch chain, 60,000 chained calls: the parser gives up first).
RECURSION_LIMIT = 10_000


def deep_enough() -> None:
    """Raise the recursion limit to RECURSION_LIMIT (never lower it)."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def parse_quietly(source: str | bytes, mode: str = "exec") -> ast.AST:
    """`ast.parse` without the warnings CPython emits about the user's code (an invalid escape
    such as "\\d" in a string): they are not ours to print. Code nested too deeply to parse
    raises TooDeeplyNested."""
    deep_enough()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, mode=mode)
        except (RecursionError, MemoryError) as exc:
            raise TooDeeplyNested("the code is nested too deeply for Python's parser") from exc


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters with "…", for a diagnostic that quotes code."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cycle collector: an analysis allocates hundreds of thousands of small
    objects that reference counting frees, and full collections in between cost a third of the
    time on a large module. The collector is switched back on only if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
