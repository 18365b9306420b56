"""Who is calling: the dependencies the catalog's routes share. A missing bearer token is
answered 401 by OAuth2PasswordBearer itself, an unknown one by `current_user`, and a caller
who may not change the catalog gets 403 from `require_admin`."""

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="/accounts/token")

TOKENS: dict[str, dict] = {
    "ada-token": {"name": "ada", "admin": True},
    "bob-token": {"name": "bob", "admin": False},
}


def current_user(token: str = Depends(oauth2)) -> dict:
    user = TOKENS.get(token)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="Invalid token", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


def require_admin(user: dict = Depends(current_user)) -> dict:
    if not user["admin"]:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Only admins may change the catalog")
    return user
