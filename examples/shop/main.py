from fastapi import FastAPI

from . import accounts, health, items, orders

app = FastAPI(title="Shop")
app.include_router(items.router)
app.include_router(orders.router)
app.include_router(accounts.router)
app.include_router(health.router)
