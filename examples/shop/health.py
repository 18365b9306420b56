"""Health: deliberate choices that look like mistakes to a naive rule. No findings here."""

from fastapi import APIRouter, HTTPException

router = APIRouter(tags=["health"])


@router.get("/health")
async def health():
    # A report: the route's job is to say whether things are fine.
    return {"ok": check_database(), "version": "1.0"}


@router.post("/search")
async def search(q: str):
    # An action, not a creation: 200 is right.
    return {"results": [], "errors": []}


@router.get("/items/{item_id}/stock")
async def stock(item_id: int):
    try:
        return {"count": count_stock(item_id)}
    except HTTPException:
        raise
    except Exception:
        # A fallback, not an error: degrade gracefully.
        return {"count": 0}


def check_database() -> bool:
    return True


def count_stock(item_id: int) -> int:
    if item_id < 0:
        raise HTTPException(status_code=404, detail="No such item")
    return 3
