"""Flask endpoints that keep user state in the signed session cookie."""

from flask import Flask, abort, g, jsonify, request, session

from .models import User

app = Flask(__name__)
THEMES = {"light", "dark"}
ROLES_BY_PLAN = {"free": "viewer", "pro": "editor"}


@app.post("/impersonate")
def impersonate():
    session["user_id"] = request.form["user_id"]  # vuln: trust-boundary
    return jsonify(ok=True)


@app.post("/login")
def login():
    user = User.authenticate(request.form["email"], request.form["password"])
    if user is None:
        abort(401)
    session["user_id"] = user.id  # safe: trust-boundary
    return jsonify(ok=True)


@app.post("/role")
def set_role():
    session["role"] = request.json.get("role", "viewer")  # vuln: trust-boundary
    return jsonify(ok=True)


@app.post("/plan")
def set_plan():
    plan = request.json.get("plan", "free")
    session["role"] = ROLES_BY_PLAN.get(plan, "viewer")  # safe: trust-boundary
    return jsonify(ok=True)


@app.post("/theme")
def set_theme():
    theme = request.form.get("theme", "light")
    if theme not in THEMES:
        abort(400)
    session["theme"] = theme  # safe: trust-boundary
    return jsonify(ok=True)


@app.post("/prefs")
def set_prefs():
    prefs = request.get_json()
    session.update({"prefs": prefs, "version": 2})  # vuln: trust-boundary
    return jsonify(ok=True)


@app.post("/cart")
def add_to_cart():
    qty = int(request.form["qty"])
    sku_id = int(request.form["sku_id"])
    session.setdefault("cart", []).append({"sku_id": sku_id, "qty": qty})  # safe: trust-boundary
    return jsonify(ok=True)


@app.post("/cart-raw")
def add_to_cart_raw():
    session.setdefault("cart", []).append({"sku": request.form["sku"], "price": request.form["price"]})  # vuln: trust-boundary
    return jsonify(ok=True)


@app.before_request
def remember_tenant():
    g.tenant = request.headers.get("X-Tenant", "public")
    session["tenant"] = g.tenant  # vuln: trust-boundary
