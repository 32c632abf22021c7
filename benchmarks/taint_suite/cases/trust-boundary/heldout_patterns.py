"""A login flow keeps the next URL in the session: checked wherever it is read back, and its unchecked twin."""

from flask import Flask, redirect, request, session

from .urls import is_safe_url

app = Flask(__name__)


def safe_next(url):
    if url and is_safe_url(url):
        return url
    return "/"


@app.get("/oauth/login")
def oauth_login():
    session["oauth_next_url"] = request.args.get("next")  # safe: trust-boundary
    return redirect("/oauth/authorize")


@app.get("/oauth/callback")
def oauth_callback():
    return redirect(safe_next(session.get("oauth_next_url")))


@app.get("/sso/login")
def sso_login():
    session["sso_return_to"] = request.args.get("next")  # vuln: trust-boundary
    return redirect("/sso/authorize")


@app.get("/sso/callback")
def sso_callback():
    return redirect(session.get("sso_return_to") or "/")
