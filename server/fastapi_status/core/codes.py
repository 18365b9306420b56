"""The rules' codes, whether each is on by default, and selection by code or prefix (ruff's
model). Only codes: choosing rules never imports them (the rule classes are in `rules/`; a test
keeps `CODES` equal to them)."""

from __future__ import annotations

from typing import Iterable

# Every rule's code, and whether it is on by default (tests/test_rule_examples.py checks it).
CODES: dict[str, bool] = {
    "FST101": True,
    "FST102": True,
    "FST103": True,
    "FST104": False,
    "FST201": True,
    "FST202": True,
    "FST203": True,
    "FST204": True,
    "FST205": True,
    "FST207": True,
    "FST208": True,
    "FST209": True,
    "FST301": True,
    "FST302": True,
    "FST303": True,
    "FST304": True,
    "FST305": True,
    "FST306": True,
    "FST401": False,
    "FST402": False,
    "FST501": False,
}
# FST000 is not a rule: it reports a file that could not be read or parsed.
SYNTAX_ERROR_CODE = "FST000"


def expand_selector(selector: str) -> set[str]:
    """`ALL`, `FST`, a prefix such as `FST2`, or a full code. Raises ValueError when unknown."""
    sel = selector.strip().upper()
    if sel == "ALL":
        return set(CODES)
    matched = {code for code in CODES if code.startswith(sel)}
    if not sel or not matched:
        raise ValueError(f"unknown rule selector {selector!r}")
    return matched


def default_selection() -> frozenset[str]:
    return frozenset(code for code, on in CODES.items() if on)


def resolve_selection(
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
    base: frozenset[str] | None = None,
) -> frozenset[str]:
    """ruff's model: `select` replaces the defaults, `extend-select` adds, `ignore` removes.

    A more specific selector wins over a less specific one, so `select=["ALL"]`,
    `ignore=["FST3"]`, `extend_select=["FST303"]` keeps FST303.
    """
    if select is None:
        chosen = set(default_selection() if base is None else base)
    else:
        chosen = set()
        for s in select:
            chosen |= expand_selector(s)
    # Apply ignores and extends in order of specificity (shorter selectors first).
    actions = [(s, False) for s in ignore] + [(s, True) for s in extend_select]
    for sel, add in sorted(actions, key=lambda a: len(a[0].strip())):
        codes = expand_selector(sel)
        if add:
            chosen |= codes
        else:
            chosen -= codes
    return frozenset(chosen)
