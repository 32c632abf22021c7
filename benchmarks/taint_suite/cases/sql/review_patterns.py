"""Shapes met reviewing real backends: query objects, dict-literal column lists, quote-free names, ORM SQL."""

from flask import Flask, request
from sqlalchemy import select, text

from .db import Item, Org, User, db, get_cursor

app = Flask(__name__)


@app.get("/users/search")
def user_search():
    stmt = (
        select(User.id, User.name)
        .where(User.name == request.args["q"])
        .join(Org, User.org_id == Org.id, isouter=True)
    )
    return db.session.execute(stmt).all()  # safe: sql


@app.post("/users")
def user_create():
    row = {"name": request.form["name"], "email": request.form["email"]}
    columns = ", ".join(row.keys())
    placeholders = ", ".join(f":{key}" for key in row.keys())
    db.session.execute(text(f"INSERT INTO users ({columns}) VALUES ({placeholders})"), row)  # safe: sql
    return "", 201


@app.post("/settings")
def setting_update():
    row = {request.form["field"]: request.form["value"]}
    columns = ", ".join(row.keys())
    db.session.execute(text(f"INSERT INTO settings ({columns}) VALUES (:v)"), row)  # vuln: sql
    return "", 204


@app.get("/tables/count")
def table_count():
    name = request.args["table"]
    if "'" not in name and '"' not in name:
        return get_cursor().execute(f'SELECT count(*) FROM "{name}"').fetchone()  # safe: sql
    return {"error": "bad table"}, 400


@app.get("/tables/rows")
def table_rows():
    name = request.args["table"]
    if "'" not in name:
        return get_cursor().execute(f'SELECT * FROM "{name}"').fetchall()  # vuln: sql
    return {"error": "bad table"}, 400


def items_latest(request):
    queryset = Item.objects.filter(name__icontains=request.GET["q"])
    sql, params = queryset.query.sql_with_params()
    return list(Item.objects.raw(f"SELECT * FROM ({sql}) t ORDER BY id DESC", params))  # safe: sql
