"""The rule registry: every rule, in code order, and selection by code or prefix.

The rule classes (`ALL_RULES`, `RULES_BY_CODE`, `Rule`, `Invalid`) are imported on first use:
choosing rules needs only their codes (`CODES`), and a check served from the cache never runs
one. A test keeps `CODES` equal to the rule classes.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from fastapi_status.rules.base import Invalid, Rule

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
    "FST501": False,
}
# FST000 is not a rule: it reports a file that could not be read or parsed.
SYNTAX_ERROR_CODE = "FST000"


@functools.cache
def all_rules() -> "tuple[type[Rule], ...]":
    """Every rule class, in code order (imports them all, once)."""
    from fastapi_status.rules import catalog

    return tuple(sorted(catalog.RULES, key=lambda r: r.code))


@functools.cache
def rules_by_code() -> "dict[str, type[Rule]]":
    return {r.code: r for r in all_rules()}


def __getattr__(name: str) -> Any:
    if name == "ALL_RULES":
        return all_rules()
    if name == "RULES_BY_CODE":
        return rules_by_code()
    if name in ("Rule", "Invalid"):
        from fastapi_status.rules import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_rule(code: str) -> "type[Rule] | None":
    return rules_by_code().get(code.upper())


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


__all__ = [
    "ALL_RULES",
    "CODES",
    "Invalid",
    "Rule",
    "RULES_BY_CODE",
    "SYNTAX_ERROR_CODE",
    "all_rules",
    "default_selection",
    "expand_selector",
    "get_rule",
    "resolve_selection",
    "rules_by_code",
]
