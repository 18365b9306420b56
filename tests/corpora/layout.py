"""What a fix must keep of a file's layout, checked on the corpora after `--fix`: compared with
the original text, the fixed text has no new trailing whitespace, no new line that starts at
column 0 inside brackets, and no line longer than the limit where the lines it replaces were
within it (a line that is too long only because of its trailing comment is let be: ruff format
leaves it too)."""

from __future__ import annotations

import difflib
import io
import tokenize


def problems(old: str, new: str, limit: int) -> list[str]:
    found = []
    old_lines, new_lines = old.splitlines(), new.splitlines()
    in_brackets = _lines_inside_brackets(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        was_within = all(len(line) <= limit for line in old_lines[i1:i2])
        for j in range(j1, j2):
            text, row = new_lines[j], j + 1
            if text != text.rstrip() and not any(line != line.rstrip() for line in old_lines[i1:i2]):
                found.append(f"line {row}: trailing whitespace: {text!r}")
            if text and not text[0].isspace() and row in in_brackets:
                found.append(f"line {row}: starts at column 0 inside brackets: {text!r}")
            if was_within and len(_code_part(text)) > limit:
                found.append(f"line {row}: {len(text)} characters (the limit is {limit}): {text!r}")
    return found


def _code_part(line: str) -> str:
    """The line without a trailing comment (found by the tokenizer's rules, roughly: a `#`
    outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i].rstrip()
    return line


def _lines_inside_brackets(text: str) -> set[int]:
    """The lines whose first token sits inside an open bracket (a closing one excepted)."""
    inside, depth, seen = set(), 0, set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            row = tok.start[0]
            if row not in seen and tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                seen.add(row)
                closes = tok.type == tokenize.OP and tok.string in ")]}"  # (`)` closes at its opener's column)
                if depth - closes > 0:
                    inside.add(row)
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return inside
