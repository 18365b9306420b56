"""The catalog's store (a helper module: no routes). What it raises reaches the routes of
shop/catalog.py: NotFoundError (main.py answers 404), Gone (410) and HTTPException(409)."""

from fastapi import HTTPException, status

from .errors import Gone, NotFoundError

PRODUCTS: dict[str, dict] = {"tea": {"sku": "tea", "name": "Green tea", "price": 4.5}}
RETIRED: set[str] = {"coffee"}


def find_product(sku: str) -> dict:
    if sku in RETIRED:
        raise Gone(f"Product {sku}")
    product = PRODUCTS.get(sku)
    if product is None:
        raise NotFoundError(f"Product {sku}")
    return product


def add_product(product: dict) -> dict:
    if product["sku"] in PRODUCTS or product["sku"] in RETIRED:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"Product {product['sku']} already exists")
    PRODUCTS[product["sku"]] = product
    return product


def retire_product(sku: str) -> None:
    find_product(sku)
    del PRODUCTS[sku]
    RETIRED.add(sku)
