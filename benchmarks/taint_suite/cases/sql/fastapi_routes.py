"""FastAPI routes of an inventory service using SQLAlchemy Core and the databases package."""

from typing import Literal

from databases import Database
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import text
from sqlalchemy.orm import Session

from .deps import get_session

router = APIRouter()
database = Database("postgresql://inventory@db/inventory")


@router.get("/items")
def list_items(category: str, session: Session = Depends(get_session)):
    rows = session.execute(text(f"SELECT id, name FROM items WHERE category = '{category}'"))  # vuln: sql
    return [dict(r._mapping) for r in rows]


@router.get("/items/bound")
def list_items_bound(category: str, session: Session = Depends(get_session)):
    rows = session.execute(text("SELECT id, name FROM items WHERE category = :category"), {"category": category})  # safe: sql
    return [dict(r._mapping) for r in rows]


@router.get("/items/{item_id}")
async def get_item(item_id: int):
    return await database.fetch_one(f"SELECT * FROM items WHERE id = {item_id}")  # safe: sql


@router.get("/items/by-sku/{sku}")
async def get_item_by_sku(sku: str):
    return await database.fetch_one(f"SELECT * FROM items WHERE sku = '{sku}'")  # vuln: sql


@router.get("/items/ordered")
async def ordered_items(order: Literal["name", "price", "stock"] = "name"):
    return await database.fetch_all(f"SELECT id, name FROM items ORDER BY {order}")  # safe: sql


@router.get("/items/ordered-any")
async def ordered_items_any(order: str = Query("name")):
    return await database.fetch_all(f"SELECT id, name FROM items ORDER BY {order}")  # vuln: sql


@router.get("/warehouses")
async def warehouses(request: Request):
    city = request.query_params.get("city", "")
    query = "SELECT id FROM warehouses WHERE city = '" + city + "'"
    return await database.fetch_all(query=query)  # vuln: sql


@router.get("/warehouses/bound")
async def warehouses_bound(request: Request):
    city = request.query_params.get("city", "")
    return await database.fetch_all(query="SELECT id FROM warehouses WHERE city = :city", values={"city": city})  # safe: sql


@router.post("/items/restock")
async def restock(request: Request):
    payload = await request.json()
    stmt = "UPDATE items SET stock = stock + {qty} WHERE sku = '{sku}'".format(**payload)
    await database.execute(stmt)  # vuln: sql
    return {"ok": True}


@router.post("/items/restock-bound")
async def restock_bound(request: Request):
    payload = await request.json()
    values = {"qty": int(payload["qty"]), "sku": str(payload["sku"])}
    await database.execute("UPDATE items SET stock = stock + :qty WHERE sku = :sku", values)  # safe: sql
    return {"ok": True}
