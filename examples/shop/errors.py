"""The shop's own exceptions: one that main.py's exception handler answers with 404, and an
HTTPException subclass that is an answer of its own (410)."""

from fastapi import HTTPException, status


class NotFoundError(Exception):
    """Something the client named does not exist (main.py answers it with 404 Not Found)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")


class Gone(HTTPException):
    """Something the client named existed and was removed for good: 410 Gone."""

    def __init__(self, what: str) -> None:
        super().__init__(status_code=status.HTTP_410_GONE, detail=f"{what} was removed")
