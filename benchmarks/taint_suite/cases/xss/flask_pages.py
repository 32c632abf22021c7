"""Flask pages of a small forum."""

import html
import shlex

import bleach
from flask import Flask, make_response, render_template, render_template_string, request
from markupsafe import Markup, escape

app = Flask(__name__)


@app.get("/hello")
def hello():
    name = request.args.get("name", "world")
    return render_template_string(f"<h1>Hello {name}</h1>")  # vuln: xss


@app.get("/hello-ctx")
def hello_ctx():
    name = request.args.get("name", "world")
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)  # safe: xss


@app.get("/badge")
def badge():
    user = request.args.get("user", "")
    return render_template("badge.html", badge=Markup(f"<b>{user}</b>"))  # vuln: xss


@app.get("/badge-escaped")
def badge_escaped():
    user = request.args.get("user", "")
    return render_template("badge.html", badge=Markup("<b>{}</b>").format(user))  # safe: xss


@app.get("/badge-escape-fn")
def badge_escape_fn():
    user = escape(request.args.get("user", ""))
    return render_template("badge.html", badge=Markup(f"<b>{user}</b>"))  # safe: xss


@app.get("/search")
def search():
    q = request.args.get("q", "")
    resp = make_response(f"<p>No results for {q}</p>")  # vuln: xss
    resp.headers["Content-Type"] = "text/html"
    return resp


@app.get("/search-escaped")
def search_escaped():
    q = html.escape(request.args.get("q", ""))
    resp = make_response(f"<p>No results for {q}</p>")  # safe: xss
    resp.headers["Content-Type"] = "text/html"
    return resp


@app.get("/search-shell-quoted")
def search_shell_quoted():
    # shlex.quote is for shells: it leaves < and > as they are
    q = shlex.quote(request.args.get("q", ""))
    resp = make_response(f"<p>No results for {q}</p>")  # vuln: xss
    resp.headers["Content-Type"] = "text/html"
    return resp


@app.post("/comments/preview")
def comment_preview():
    body = request.form["body"]
    return Markup(bleach.clean(body, tags={"b", "i", "a"}))  # safe: xss


@app.post("/comments/preview-raw")
def comment_preview_raw():
    parts = ["<div class='comment'>", request.form["body"], "</div>"]
    return Markup("".join(parts))  # vuln: xss


@app.get("/page/<int:page>")
def page(page):
    return Markup(f"<span class='page'>Page {page}</span>")  # safe: xss
