"""Flask handlers of a small order service that talk to sqlite3 directly."""

import base64
import sqlite3

from flask import Flask, abort, current_app, g, jsonify, request

app = Flask(__name__)

SORT_COLUMNS = {"newest": "created_at DESC", "oldest": "created_at ASC", "total": "total DESC"}
ALLOWED_STATUSES = {"open", "paid", "shipped"}
DEBUG_SQL = False


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
    return g.db


@app.route("/orders/search")
def search_orders():
    term = request.args.get("q", "")
    rows = get_db().execute(f"SELECT id, total FROM orders WHERE note LIKE '%{term}%'").fetchall()  # vuln: sql
    return jsonify(rows)


@app.route("/orders/search-safe")
def search_orders_bound():
    term = request.args.get("q", "")
    rows = get_db().execute("SELECT id, total FROM orders WHERE note LIKE ?", (f"%{term}%",)).fetchall()  # safe: sql
    return jsonify(rows)


@app.route("/orders/by-customer", methods=["POST"])
def orders_by_customer():
    customer = request.form["customer"]
    sql = "SELECT id FROM orders WHERE customer = '%s'" % customer
    return jsonify(get_db().execute(sql).fetchall())  # vuln: sql


@app.route("/orders/<order_id>")
def get_order(order_id):
    query = "SELECT * FROM orders WHERE id = {}".format(order_id)
    return jsonify(get_db().execute(query).fetchone())  # vuln: sql


@app.route("/orders/<int:order_id>/lines")
def get_order_lines(order_id):
    # the int converter only routes digits here, so the id cannot carry SQL
    query = f"SELECT sku, qty FROM order_lines WHERE order_id = {order_id}"
    return jsonify(get_db().execute(query).fetchall())  # safe: sql


@app.route("/orders/page")
def orders_page():
    page = int(request.args.get("page", "1"))
    size = int(request.args.get("size", "20"))
    sql = f"SELECT id FROM orders ORDER BY id LIMIT {size} OFFSET {(page - 1) * size}"
    return jsonify(get_db().execute(sql).fetchall())  # safe: sql


@app.route("/orders/sorted")
def orders_sorted():
    order_by = SORT_COLUMNS.get(request.args.get("sort", "newest"), "created_at DESC")
    sql = "SELECT id, total FROM orders ORDER BY " + order_by
    return jsonify(get_db().execute(sql).fetchall())  # safe: sql


@app.route("/orders/sorted-raw")
def orders_sorted_raw():
    order_by = request.args.get("sort", current_app.config.get("DEFAULT_ORDER", "created_at"))
    sql = "SELECT id, total FROM orders ORDER BY " + order_by
    return jsonify(get_db().execute(sql).fetchall())  # vuln: sql


@app.route("/orders/status")
def orders_by_status():
    status = request.args.get("status", "open")
    if status not in ALLOWED_STATUSES:
        abort(400)
    return jsonify(get_db().execute(f"SELECT id FROM orders WHERE status = '{status}'").fetchall())  # safe: sql


@app.route("/orders/status-logged")
def orders_by_status_logged():
    status = request.args.get("status", "open")
    if status not in ALLOWED_STATUSES:
        current_app.logger.warning("unknown status %s", status)
    return jsonify(get_db().execute(f"SELECT id FROM orders WHERE status = '{status}'").fetchall())  # vuln: sql


@app.route("/orders/filter", methods=["POST"])
def filter_orders():
    body = request.get_json()
    filters = {"customer": body["customer"], "status": "open"}
    sql = f"SELECT id FROM orders WHERE customer = '{filters['customer']}'"
    return jsonify(get_db().execute(sql).fetchall())  # vuln: sql


@app.route("/orders/filter-open", methods=["POST"])
def filter_open_orders():
    body = request.get_json()
    filters = {"customer": body["customer"], "status": "open"}
    sql = f"SELECT id FROM orders WHERE status = '{filters['status']}' AND customer = ?"
    return jsonify(get_db().execute(sql, (filters["customer"],)).fetchall())  # safe: sql


@app.route("/orders/columns")
def order_columns():
    columns = [request.args.get("extra", "note"), "id", "total"]
    sql = "SELECT " + ", ".join(columns) + " FROM orders"
    return jsonify(get_db().execute(sql).fetchall())  # vuln: sql


@app.route("/orders/columns-fixed")
def order_columns_fixed():
    columns = [request.args.get("extra", "note"), "id", "total"]
    sql = f"SELECT {columns[1]}, {columns[2]} FROM orders"
    return jsonify(get_db().execute(sql).fetchall())  # safe: sql


@app.route("/orders/by-ids")
def orders_by_ids():
    ids = request.args.getlist("id")
    placeholders = ", ".join("?" for _ in ids)
    sql = f"SELECT id, total FROM orders WHERE id IN ({placeholders})"
    return jsonify(get_db().execute(sql, ids).fetchall())  # safe: sql


@app.route("/orders/by-ids-inline")
def orders_by_ids_inline():
    ids = request.args.getlist("id")
    sql = f"SELECT id, total FROM orders WHERE id IN ({', '.join(ids)})"
    return jsonify(get_db().execute(sql).fetchall())  # vuln: sql


@app.route("/orders/saved-filter")
def orders_saved_filter():
    # the filter travels base64-encoded in a cookie so it survives reloads
    raw = base64.urlsafe_b64decode(request.cookies.get("order_filter", "")).decode()
    return jsonify(get_db().execute("SELECT id FROM orders WHERE " + raw).fetchall())  # vuln: sql


@app.route("/orders/recent")
def recent_orders():
    customer = request.args["customer"]
    if DEBUG_SQL:
        current_app.logger.debug("SELECT id FROM orders WHERE customer = '%s'", customer)
        return jsonify(get_db().execute(f"SELECT id FROM orders WHERE customer = '{customer}'").fetchall())  # safe: sql
    return jsonify(get_db().execute("SELECT id FROM orders WHERE customer = ?", (customer,)).fetchall())


@app.route("/orders/prefix")
def orders_prefix():
    prefix = request.args.get("prefix", "")[:8]
    return jsonify(get_db().execute(f"SELECT id FROM orders WHERE ref LIKE '{prefix}%'").fetchall())  # vuln: sql


@app.route("/orders/count")
def orders_count():
    customer = request.args.get("customer", "")
    length = len(customer)
    return jsonify(get_db().execute(f"SELECT count(*) FROM orders WHERE length(customer) = {length}").fetchone())  # safe: sql


@app.route("/admin/vacuum", methods=["POST"])
def vacuum():
    table = request.form["table"]
    get_db().executescript(f"DELETE FROM {table} WHERE deleted = 1; VACUUM;")  # vuln: sql
    return "", 204
