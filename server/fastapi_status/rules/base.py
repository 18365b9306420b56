"""The shape every rule has: one class per module carrying its code, docs, examples and check.

Modelled on Fixit: the VALID and INVALID examples are complete little modules; the test suite
runs every one of them (VALID must stay silent, INVALID must be flagged and, where `fixed` is
given, the fix must turn the example into exactly that text). The class docstring is the rule's
documentation in ruff's sections (What it does / Why is this bad? / Example / Use instead /
Fix safety); `docs/rules.md` and `fastapi-status rule CODE` are generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable

from fastapi_status.core.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


@dataclass(frozen=True)
class Invalid:
    """An example the rule must flag."""

    code: str
    # The text after applying the fix titled `fix_title` (default: the preferred fix).
    fixed: str | None = None
    fix_title: str | None = None
    # How many diagnostics of this rule the example produces.
    count: int = 1


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]  # short kebab-case name, e.g. "create-without-201"
    summary: ClassVar[str]  # one line for the rules table
    severity: ClassVar[Severity] = Severity.WARNING
    default_enabled: ClassVar[bool] = True
    fix_summary: ClassVar[str | None] = None  # one line for the rules table; None: no fix
    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[Invalid]] = []

    def check(self, ctx: "Context") -> Iterable[Diagnostic]:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        """The rule's docs (markdown, ruff's sections), from the class docstring."""
        import inspect  # only when docs are asked for

        return inspect.cleandoc(cls.__doc__ or "")
