"""FastAPI, Flask and aiohttp handlers of a reporting backend (psycopg, SQLAlchemy 2.0, asyncpg)."""

import os
import re
import textwrap

from aiohttp import web
from fastapi import APIRouter, Depends, HTTPException
from flask import Flask, abort, g, jsonify, request
from psycopg import sql
from pydantic import BaseModel
from sqlalchemy import select, text

from .db import Session, User, get_conn, get_session

router = APIRouter()
app = Flask(__name__)
routes = web.RouteTableDef()
SORTS = {"name": User.name, "created": User.created_at}
SCHEMA = re.compile(r"tenant_[a-z0-9]{1,20}")


class OrderFilter(BaseModel):
    customer: str
    limit: int = 50


@router.post("/reports/orders")
def report_orders(payload: OrderFilter, conn=Depends(get_conn)):
    return conn.execute(f"SELECT id FROM orders WHERE customer = '{payload.customer}'").fetchall()  # vuln: sql


@router.post("/reports/orders-limited")
def report_orders_limited(payload: OrderFilter, conn=Depends(get_conn)):
    return conn.execute(f"SELECT id FROM orders LIMIT {payload.limit}").fetchall()  # safe: sql


@router.get("/reports/table/{table}")
def report_table(table: str, conn=Depends(get_conn)):
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()  # safe: sql


@router.get("/reports/table-raw/{table}")
def report_table_raw(table: str, conn=Depends(get_conn)):
    return conn.execute(sql.SQL(f"SELECT count(*) FROM {table}")).fetchone()  # vuln: sql


@router.get("/users/search")
def search_users(name: str, session: Session = Depends(get_session)):
    return session.scalars(select(User).where(text(f"name = '{name}'"))).all()  # vuln: sql


@router.get("/users/search-orm")
def search_users_orm(name: str, session: Session = Depends(get_session)):
    return session.scalars(select(User).where(User.name == name)).all()  # safe: sql


@router.get("/users/sorted")
def sorted_users(sort: str, session: Session = Depends(get_session)):
    return session.scalars(select(User).order_by(text(sort))).all()  # vuln: sql


@router.get("/users/sorted-known")
def sorted_users_known(sort: str, session: Session = Depends(get_session)):
    if sort not in SORTS:
        raise HTTPException(400, "unknown sort")
    return session.scalars(select(User).order_by(SORTS[sort])).all()  # safe: sql


@app.before_request
def load_filter():
    g.owner = request.headers.get("X-Owner", "")
    g.page = int(request.args.get("page", "1"))


@app.get("/documents")
def documents():
    return jsonify(g.db.execute(f"SELECT id FROM documents WHERE owner = '{g.owner}'").fetchall())  # vuln: sql


@app.get("/documents/page")
def documents_page():
    return jsonify(g.db.execute(f"SELECT id FROM documents LIMIT 20 OFFSET {(g.page - 1) * 20}").fetchall())  # safe: sql


@app.get("/documents/tags")
def documents_by_tags():
    query = "SELECT id FROM documents WHERE 1 = 1"
    for tag in request.args.getlist("tag"):
        query += f" AND tags LIKE '%{tag}%'"
    return jsonify(g.db.execute(query).fetchall())  # vuln: sql


@app.get("/documents/tags-bound")
def documents_by_tags_bound():
    query, params = "SELECT id FROM documents WHERE 1 = 1", []
    for tag in request.args.getlist("tag"):
        query += " AND tags LIKE ?"
        params.append(f"%{tag}%")
    return jsonify(g.db.execute(query, params).fetchall())  # safe: sql


@app.get("/documents/summary")
def documents_summary():
    year = request.args.get("year", "2024")
    query = textwrap.dedent(f"""
        SELECT month, count(*) FROM documents
        WHERE year = {year} GROUP BY month
    """)
    return jsonify(g.db.execute(query).fetchall())  # vuln: sql


@app.get("/documents/summary-bound")
def documents_summary_bound():
    query = textwrap.dedent("""
        SELECT month, count(*) FROM documents
        WHERE year = ? GROUP BY month
    """)
    return jsonify(g.db.execute(query, (request.args.get("year", "2024"),)).fetchall())  # safe: sql


@app.get("/documents/by")
def documents_by():
    query = "SELECT id FROM documents WHERE owner = '{owner}' AND kind = '{kind}'".format_map(request.args)
    return jsonify(g.db.execute(query).fetchall())  # vuln: sql


@app.get("/documents/archive")
def documents_archive():
    table = os.environ.get("ARCHIVE_TABLE", "documents_archive")
    return jsonify(g.db.execute(f"SELECT id FROM {table} WHERE owner = ?", (request.args["owner"],)).fetchall())  # safe: sql


@app.get("/documents/count")
def documents_count():
    try:
        days = int(request.args.get("days", "7"))
    except ValueError:
        abort(400)
    return jsonify(g.db.execute(f"SELECT count(*) FROM documents WHERE age < {days}").fetchone())  # safe: sql


@routes.post("/tenants/switch")
async def switch_tenant(request: web.Request) -> web.Response:
    schema = request.headers["X-Tenant-Schema"]
    await request.app["pool"].execute(f"SET search_path TO {schema}")  # vuln: sql
    return web.Response(status=204)


@routes.post("/tenants/switch-checked")
async def switch_tenant_checked(request: web.Request) -> web.Response:
    schema = request.headers["X-Tenant-Schema"]
    if not SCHEMA.fullmatch(schema):
        raise web.HTTPBadRequest()
    await request.app["pool"].execute(f"SET search_path TO {schema}")  # safe: sql
    return web.Response(status=204)


def build_filter(column, value):
    return f"{column} = '{value}'"


def build_filter_bound(column):
    return f"{column} = %s"


@app.get("/invoices/by-status")
def invoices_by_status():
    where = build_filter("status", request.args["status"])
    return jsonify(g.db.execute("SELECT id FROM invoices WHERE " + where).fetchall())  # vuln: sql


@app.get("/invoices/by-status-bound")
def invoices_by_status_bound():
    where = build_filter_bound("status")
    return jsonify(g.db.execute("SELECT id FROM invoices WHERE " + where, (request.args["status"],)).fetchall())  # safe: sql
