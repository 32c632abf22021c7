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
