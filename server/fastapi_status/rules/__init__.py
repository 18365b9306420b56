"""The rule registry: every rule, in code order, and selection by code or prefix."""

from __future__ import annotations

from typing import Iterable

from fastapi_status.rules.base import Invalid, Rule

ALL_RULES: tuple[type[Rule], ...] = ()


def _load() -> tuple[type[Rule], ...]:
    from fastapi_status.rules import catalog

    return tuple(sorted(catalog.RULES, key=lambda r: r.code))


ALL_RULES = _load()
RULES_BY_CODE: dict[str, type[Rule]] = {r.code: r for r in ALL_RULES}
# FST000 is not a rule: it reports a file that could not be read or parsed.
SYNTAX_ERROR_CODE = "FST000"


def get_rule(code: str) -> type[Rule] | None:
    return RULES_BY_CODE.get(code.upper())


def expand_selector(selector: str) -> set[str]:
    """`ALL`, `FST`, a prefix such as `FST2`, or a full code. Raises ValueError when unknown."""
    sel = selector.strip().upper()
    if sel == "ALL":
        return set(RULES_BY_CODE)
    matched = {code for code in RULES_BY_CODE if code.startswith(sel)}
    if not sel or not matched:
        raise ValueError(f"unknown rule selector {selector!r}")
    return matched


def default_selection() -> frozenset[str]:
    return frozenset(r.code for r in ALL_RULES if r.default_enabled)


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


__all__ = [
    "ALL_RULES",
    "Invalid",
    "Rule",
    "RULES_BY_CODE",
    "SYNTAX_ERROR_CODE",
    "default_selection",
    "expand_selector",
    "get_rule",
    "resolve_selection",
]
