"""The catalog: its statuses come from other modules. Every route needs a signed-in caller
(the router's dependency, shop/security.py: 401); changes need an admin (403); the store
(shop/products.py) raises NotFoundError, which main.py's exception handler answers with 404,
and Gone, an HTTPException subclass answering 410. The app includes this router under /api."""

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel

from .products import add_product, find_product, retire_product
from .security import current_user, require_admin

router = APIRouter(
    prefix="/catalog",
    tags=["catalog"],
    dependencies=[Depends(current_user)],
    responses={401: {"description": "Not signed in"}},
)


class Product(BaseModel):
    sku: str
    name: str
    price: float


@router.get("/{sku}", responses={404: {"description": "No such product"}})
async def read_product(sku: str) -> Product:
    return Product(**find_product(sku))


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Depends(require_admin)])
async def create_product(product: Product) -> Product:
    return Product(**add_product(product.model_dump()))


@router.delete("/{sku}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Depends(require_admin)])
async def delete_product(sku: str) -> None:
    retire_product(sku)
