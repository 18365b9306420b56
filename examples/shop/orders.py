"""Orders: a form flow with redirects and explicit responses."""

import logging

from fastapi import APIRouter, HTTPException, Response, status
from fastapi.responses import JSONResponse, RedirectResponse

from .inventory import reserve

router = APIRouter(prefix="/orders", tags=["orders"])

ORDERS: dict[int, dict] = {}
NUMBERS: dict[str, dict] = {}
log = logging.getLogger(__name__)


@router.post("/checkout")
async def checkout(cart_id: int):
    # FST103: the default 307 makes the browser POST the form again to /orders/done
    return RedirectResponse(url="/orders/done")


@router.post("", status_code=status.HTTP_201_CREATED)
async def place_order(order: dict):
    # FST305: the route declares 201, this response sends 200
    return JSONResponse(content=order, headers={"Location": "/orders/1"})


@router.post("/{order_id}/cancel")
async def cancel_order(order_id: int, response: Response):
    response.status_code = status.HTTP_202_ACCEPTED  # FST205: ignored, a Response is returned
    return JSONResponse({"cancelled": order_id})


@router.get("")
async def list_orders(page: str = "1"):
    # FST207: `?page=two` raises ValueError, and the client receives 500 instead of 422
    start = (int(page) - 1) * 20
    return {"orders": [], "from": start}


@router.get("/{order_id}")
async def read_order(order_id: int):
    if order_id not in ORDERS:
        # FST208: returned, not raised: the client receives 200 OK and the exception's fields
        return HTTPException(status_code=404, detail="Order not found")
    return ORDERS[order_id]


@router.get("/{order_id}/receipt")
async def receipt(order_id: int):
    order = ORDERS.get(order_id)
    if order is None:
        # FST209: a plain exception: the client receives 500, not the 404 the message names
        raise ValueError(f"Order {order_id} not found")
    return {"order_id": order_id, "total": order["total"]}


@router.get("/{order_id}/invoice")
async def invoice(order_id: int):
    if order_id > 1000:
        # FST303: renamed in Starlette
        raise_for_size = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        return JSONResponse({"detail": "Invoice too large"}, status_code=raise_for_size)
    return {"order_id": order_id}


@router.post("/{order_id}/reserve")
async def reserve_stock(order_id: int, item_id: int, quantity: int = 1):
    # FST209: `reserve` (shop/inventory.py) raises ValueError("Item … not found"): 500, not 404
    left = reserve(item_id, quantity)
    return {"order_id": order_id, "left": left}


@router.get("/by-number/{number}")
async def order_by_number(number: str):
    return NUMBERS.get(number)  # FST202: an unknown number answers 200 OK and `null`


@router.get("/{order_id}/tracking")
async def tracking(order_id: int):
    try:
        return await carrier_events(order_id)
    except Exception:  # FST203: the carrier's failure answers 200 OK and `[]`
        log.exception("tracking failed")
    return []


async def carrier_events(order_id: int) -> list[dict]:
    return ORDERS[order_id]["events"]
