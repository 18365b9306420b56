"""The list of rule classes. A new rule is one module in this folder plus one line here."""

from __future__ import annotations

from fastapi_status.rules.fst101_create_without_201 import CreateWithout201
from fastapi_status.rules.fst102_body_on_no_content import BodyOnNoContent
from fastapi_status.rules.fst103_redirect_after_post_307 import RedirectAfterPost307
from fastapi_status.rules.fst104_delete_without_204 import DeleteWithout204
from fastapi_status.rules.fst303_deprecated_status_constant import DeprecatedStatusConstant
from fastapi_status.rules.fst305_declared_status_overridden import DeclaredStatusOverridden

RULES: list = [
    CreateWithout201,
    BodyOnNoContent,
    RedirectAfterPost307,
    DeleteWithout204,
    DeprecatedStatusConstant,
    DeclaredStatusOverridden,
]
