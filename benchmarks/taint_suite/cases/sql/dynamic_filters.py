"""Flask and Django handlers that build WHERE clauses and column lists from the submitted fields."""

from django.db import connection
from django.http import JsonResponse
from flask import Flask, jsonify, request

from .db import get_db

app = Flask(__name__)
FILTERABLE = {"status", "customer", "region"}
ENGINE = "sqlite"


@app.get("/orders/where")
def orders_where():
    clauses, params = [], []
    for column, value in request.args.items():
        clauses.append(f"{column} = ?")
        params.append(value)
    sql = "SELECT id FROM orders WHERE " + " AND ".join(clauses or ["1 = 1"])
    return jsonify(get_db().execute(sql, params).fetchall())  # vuln: sql


@app.get("/orders/where-known")
def orders_where_known():
    clauses, params = [], []
    for column, value in request.args.items():
        if column not in FILTERABLE:
            continue
        clauses.append(f"{column} = ?")
        params.append(value)
    sql = "SELECT id FROM orders WHERE " + " AND ".join(clauses or ["1 = 1"])
    return jsonify(get_db().execute(sql, params).fetchall())  # safe: sql


def create_contact(request):
    columns = ", ".join(request.POST.keys())
    marks = ", ".join(["%s"] * len(request.POST))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO crm_contact ({columns}) VALUES ({marks})", list(request.POST.values()))  # vuln: sql
    return JsonResponse({"ok": True})


def create_contact_fixed(request):
    fields = ["name", "email", "phone"]
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO crm_contact ({', '.join(fields)}) VALUES ({marks})", [request.POST.get(f) for f in fields])  # safe: sql
    return JsonResponse({"ok": True})


@app.get("/orders/now")
def orders_now():
    since = request.args.get("since", "2024-01-01")
    match ENGINE:
        case "sqlite":
            sql = "SELECT id FROM orders WHERE created_at >= ?"
        case _:
            sql = f"SELECT id FROM orders WHERE created_at >= '{since}'"
    return jsonify(get_db().execute(sql, (since,)).fetchall())  # safe: sql


@app.get("/orders/now-engine")
def orders_now_engine():
    since = request.args.get("since", "2024-01-01")
    match request.args.get("engine", ENGINE):
        case "sqlite":
            sql = "SELECT id FROM orders WHERE created_at >= ?"
        case _:
            sql = f"SELECT id FROM orders WHERE created_at >= '{since}'"
    return jsonify(get_db().execute(sql, (since,)).fetchall())  # vuln: sql
