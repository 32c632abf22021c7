"""Flask login and logout flows that send the user back where they came from."""

from urllib.parse import urljoin, urlparse

from flask import Flask, abort, redirect, request, session, url_for

app = Flask(__name__)
ALLOWED_HOSTS = {"app.example.com", "www.example.com"}


def is_safe_url(target):
    ref = urlparse(request.host_url)
    test = urlparse(urljoin(request.host_url, target))
    return test.scheme in ("http", "https") and ref.netloc == test.netloc


@app.post("/login")
def login():
    session["user"] = "alice"
    return redirect(request.args.get("next", "/"))  # vuln: redirect


@app.post("/login-checked")
def login_checked():
    session["user"] = "alice"
    target = request.args.get("next", "/")
    if not is_safe_url(target):
        abort(400)
    return redirect(target)  # safe: redirect


@app.post("/login-host")
def login_host():
    target = request.args.get("next", "/")
    if urlparse(target).netloc not in ALLOWED_HOSTS:
        return redirect(url_for("index"))
    return redirect(target)  # safe: redirect


@app.post("/login-relative")
def login_relative():
    # "/\evil.net" passes both checks and browsers read it as "//evil.net"
    target = request.form.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target)  # vuln: redirect


@app.post("/login-named")
def login_named():
    page = request.form.get("next", "index")
    if page not in {"index", "orders", "account"}:
        page = "index"
    return redirect(url_for(page))  # safe: redirect


@app.post("/login-prefix")
def login_prefix():
    # "https://example.com.evil.net/" also starts with "https://example.com"
    target = request.form.get("next", "/")
    if not target.startswith("https://example.com"):
        abort(400)
    return redirect(target)  # vuln: redirect


@app.get("/logout")
def logout():
    session.clear()
    return redirect(request.referrer or url_for("index"))  # vuln: redirect


@app.get("/logout-home")
def logout_home():
    session.clear()
    return redirect(url_for("index", bye=request.args.get("reason", "")))  # safe: redirect


@app.get("/go/<path:dest>")
def go(dest):
    return redirect("https://" + dest)  # vuln: redirect


@app.get("/docs/<int:page>")
def docs(page):
    return redirect(f"https://docs.example.com/page/{page}")  # safe: redirect


@app.get("/oauth/callback")
def oauth_callback():
    state = {"return_to": request.args["state"], "fallback": "/dashboard"}
    return redirect(state["return_to"])  # vuln: redirect


@app.get("/oauth/callback-fallback")
def oauth_callback_fallback():
    state = {"return_to": request.args["state"], "fallback": "/dashboard"}
    return redirect(state["fallback"])  # safe: redirect
