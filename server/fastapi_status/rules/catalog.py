"""The list of rule classes. A new rule is one module in this folder plus one line here."""

from __future__ import annotations

from fastapi_status.rules.fst303_deprecated_status_constant import DeprecatedStatusConstant

RULES: list = [
    DeprecatedStatusConstant,
]
