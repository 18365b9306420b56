"""libcst, imported when a fix is first built.

Detection never needs libcst, and importing it costs about as much as analysing a large module
(~170 ms), paid by every `fastapi-status check` and every server start. Fix modules write
`from fastapi_status.fixes.lazy import cst` and use `cst.Name(...)` as usual.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)


cst: Any = LazyModule("libcst")
metadata: Any = LazyModule("libcst.metadata")
