"""Stock kept for the items (a helper module: no routes of its own)."""

STOCK: dict[int, int] = {}


def reserve(item_id: int, quantity: int) -> int:
    if item_id not in STOCK:
        # Reported at the route that calls this (FST209): a plain exception becomes 500
        raise ValueError(f"Item {item_id} not found")
    STOCK[item_id] -= quantity
    return STOCK[item_id]
