"""What a check is asked to do: the rules selected and how fixes write code, with the facts
of the project around the module. Plain values, below everything that reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from fastapi_status.core.codes import default_selection

if TYPE_CHECKING:
    from fastapi_status.core.project import ProjectView

StatusStyle = Literal["auto", "constant", "number"]


@dataclass(frozen=True)
class Settings:
    select: frozenset[str] = field(default_factory=default_selection)
    status_style: StatusStyle = "auto"
    # The longest line a fix may write (the project's formatter's: ruff's, black's; else 88).
    line_length: int = 88
    # False when the project pins a Starlette (or FastAPI) older than the RFC 9110 renames
    # (Starlette 0.48, FastAPI 0.116.2): `HTTP_422_UNPROCESSABLE_ENTITY` is then the current name.
    new_status_names: bool = True
    # The exception classes (names) the project's apps map to answers with exception handlers,
    # in any module ("*": a registration not read, which may map anything).
    handled_exceptions: frozenset[str] = frozenset()
    # The project around this module, for the rules that follow a call into another module
    # (core/project.py); None: the module alone. Not part of the key: what it reads is
    # recorded in `project.reads`, and a cache checks those files.
    project: "ProjectView | None" = field(default=None, compare=False, repr=False)
    # Where that project is (the folder of its pyproject.toml), for the engine to build it.
    project_root: str | None = field(default=None, compare=False, repr=False)

    def key(self) -> str:
        """Everything that can change a result, as text (for caches)."""
        return (
            f"{sorted(self.select)}|{self.status_style}|{self.line_length}|{self.new_status_names}|"
            f"{sorted(self.handled_exceptions)}"
        )
