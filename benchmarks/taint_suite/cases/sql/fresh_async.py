"""Async handlers that carry request data in dataclasses and named tuples before querying."""

from dataclasses import dataclass
from typing import NamedTuple

from fastapi import APIRouter, Request

from .db import database

router = APIRouter()


@dataclass
class Page:
    size: int
    sort: str


class Search(NamedTuple):
    term: str
    limit: int


@router.get("/products")
async def products(request: Request):
    page = Page(size=int(request.query_params.get("size", "20")), sort=request.query_params.get("sort", "id"))
    return await database.fetch_all(f"SELECT id FROM products ORDER BY {page.sort} LIMIT {page.size}")  # vuln: sql


@router.get("/products/sized")
async def products_sized(request: Request):
    page = Page(size=int(request.query_params.get("size", "20")), sort=request.query_params.get("sort", "id"))
    return await database.fetch_all(f"SELECT id FROM products ORDER BY id LIMIT {page.size}")  # safe: sql


@router.get("/products/search")
async def products_search(request: Request):
    search = Search(term=request.query_params.get("q", ""), limit=20)
    return await database.fetch_all(f"SELECT id FROM products WHERE name LIKE '%{search.term}%' LIMIT {search.limit}")  # vuln: sql


@router.get("/products/search-bound")
async def products_search_bound(request: Request):
    search = Search(term=request.query_params.get("q", ""), limit=20)
    return await database.fetch_all(f"SELECT id FROM products WHERE name LIKE :q LIMIT {search.limit}", {"q": f"%{search.term}%"})  # safe: sql
