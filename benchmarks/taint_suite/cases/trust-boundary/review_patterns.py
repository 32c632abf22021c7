"""One attribute of an object came from the form: which one goes into the session decides."""

from flask import Flask, request, session

from .models import Account

app = Flask(__name__)


def remember_id(user):
    session["id"] = user.id  # safe: trust-boundary


def remember_site(user):
    session["site"] = user.website  # vuln: trust-boundary


@app.post("/register")
def register():
    user = Account(name="new")
    user.website = request.form.get("website")
    remember_id(user)
    remember_site(user)
    return "", 201


def known_user(name):
    from .db import get_cursor

    row = get_cursor().execute("SELECT id FROM users WHERE username = ?", (name,)).fetchone()
    if row is None:
        return None
    return name


@app.post("/login")
def login_known():
    session["username"] = known_user(request.form["username"])  # safe: trust-boundary
    return "", 204


@app.post("/login-unchecked")
def login_unchecked():
    from .db import get_cursor

    name = request.form["username"]
    get_cursor().execute("SELECT id FROM users WHERE username = ?", (name,)).fetchone()
    session["username"] = name  # vuln: trust-boundary
    return "", 204
