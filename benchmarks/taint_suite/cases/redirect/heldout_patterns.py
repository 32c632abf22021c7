"""A redirect target checked against the host the request came to, and the twin that checks after redirecting."""

from urllib.parse import urlparse

from flask import Flask, abort, redirect, request

app = Flask(__name__)


@app.get("/continue")
def continue_to():
    target = request.args.get("next", "/")
    if urlparse(target).netloc not in ("", request.host):
        abort(400)
    return redirect(target)  # safe: redirect


@app.get("/continue-late")
def continue_late():
    target = request.args.get("next", "/")
    response = redirect(target)  # vuln: redirect
    if urlparse(target).netloc not in ("", request.host):
        abort(400)
    return response
