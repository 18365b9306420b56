from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from . import accounts, catalog, health, items, orders
from .errors import NotFoundError

app = FastAPI(title="Shop")
app.include_router(items.router)
app.include_router(orders.router)
app.include_router(accounts.router)
app.include_router(health.router)
app.include_router(catalog.router, prefix="/api")


@app.exception_handler(NotFoundError)
async def not_found(request: Request, exc: NotFoundError) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(exc)})
