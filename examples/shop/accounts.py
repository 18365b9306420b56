"""Accounts: sign-up and profile."""

import logging

from fastapi import APIRouter, Depends, HTTPException, Request, status

router = APIRouter(prefix="/accounts", tags=["accounts"])
log = logging.getLogger(__name__)

USERS: dict[str, dict] = {}


@router.post("/signup")  # FST101
async def signup(user: dict):
    if user["email"] in USERS:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Account already exists")
    USERS[user["email"]] = user
    return user


@router.get("/{email}")
async def read_account(email: str):
    if email not in USERS:
        # FST306: the message says not found, but the client receives 400 Bad Request
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"Account {email} not found")
    return USERS[email]


@router.get("/{email}/avatar")
async def avatar(email: str):
    try:
        return load_avatar(email)
    except Exception as exc:
        log.warning("avatar failed: %s", exc)
        return {"error": f"Could not load avatar: {exc}"}  # FST203: failure sent as 200


@router.patch("/{email}")
async def update_account(email: str, changes: dict):
    if "email" in changes:
        # FST302: the client receives a bare 304 Not Modified; the detail is dropped
        raise HTTPException(status_code=status.HTTP_304_NOT_MODIFIED, detail="Email cannot change")
    if "age" in changes and changes["age"] < 0:
        raise HTTPException(status_code="400", detail="Invalid age")  # FST304: answers 500
    if "plan" in changes:
        raise HTTPException(status_code=status.HTTP_422_UNPROCESSABLE_ENTITY)  # FST303
    USERS[email].update(changes)
    return USERS[email]


def load_avatar(email: str) -> bytes:
    return USERS[email]["avatar"]


def current_user(request: Request) -> dict:
    user = USERS.get(request.headers.get("x-user", ""))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="Not authenticated")
    return user


@router.delete("/{email}", status_code=204)
async def delete_account(email: str, user: dict = Depends(current_user)):
    if user["email"] != email:
        # FST306: the caller is authenticated but not allowed: 401 tells it to log in again
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
    USERS.pop(email, None)
