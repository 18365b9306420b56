"""Items: create, read, update, delete."""

from fastapi import APIRouter, HTTPException, Response

router = APIRouter(prefix="/items", tags=["items"])

ITEMS: dict[int, dict] = {}


@router.post("")  # FST101: creates an item, answers 200
async def create_item(item: dict) -> dict:
    item_id = len(ITEMS) + 1
    ITEMS[item_id] = item
    return {"id": item_id, **item}


@router.get("/{item_id}")
async def read_item(item_id: int):
    item = ITEMS.get(item_id)
    if item is None:
        return None  # FST202: the client gets 200 and `null`
    return item


@router.get("/by-name/{name}")
async def find_item(name: str):
    for item in ITEMS.values():
        if item.get("name") == name:
            return item
    return {"error": "Item not found"}  # FST201: an error body with 200 OK


@router.delete("/{item_id}", status_code=204)
async def delete_item(item_id: int):
    ITEMS.pop(item_id, None)
    return {"deleted": item_id}  # FST102: FastAPI drops this body


@router.put("/{item_id}")
async def replace_item(item_id: int, item: dict, response: Response):
    try:
        if item_id not in ITEMS:
            raise HTTPException(status_code=404, detail="Item not found")
        ITEMS[item_id] = item
    except Exception:  # FST204: the 404 above becomes a 500
        raise HTTPException(status_code=500, detail="Could not save the item")
    return item
