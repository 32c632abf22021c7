"""Flask endpoints of an integration hub that calls out to partner URLs."""

import urllib.request
from urllib.parse import quote, urlparse

import requests
from flask import Flask, abort, current_app, jsonify, request

app = Flask(__name__)
ALLOWED_HOSTS = {"hooks.slack.com", "api.github.com"}
PARTNERS = {"acme": "https://api.acme.example/v1", "globex": "https://globex.example/api"}


@app.post("/webhooks/test")
def test_webhook():
    url = request.json["url"]
    resp = requests.post(url, json={"ping": True}, timeout=5)  # vuln: ssrf
    return jsonify(status=resp.status_code)


@app.post("/webhooks/test-allowed")
def test_webhook_allowed():
    url = request.json["url"]
    if urlparse(url).netloc not in ALLOWED_HOSTS:
        abort(400)
    resp = requests.post(url, json={"ping": True}, timeout=5)  # safe: ssrf
    return jsonify(status=resp.status_code)


@app.post("/webhooks/test-logged")
def test_webhook_logged():
    url = request.json["url"]
    if urlparse(url).netloc not in ALLOWED_HOSTS:
        current_app.logger.warning("webhook to unlisted host %s", url)
    resp = requests.post(url, json={"ping": True}, timeout=5)  # vuln: ssrf
    return jsonify(status=resp.status_code)


@app.get("/preview")
def preview():
    target = request.args["target"]
    with urllib.request.urlopen(target, timeout=5) as resp:  # vuln: ssrf
        return resp.read(2048)


@app.get("/partners/<name>/status")
def partner_status(name):
    base = PARTNERS.get(name)
    if base is None:
        abort(404)
    return jsonify(requests.get(f"{base}/status", timeout=5).json())  # safe: ssrf


@app.get("/partners-any/status")
def partner_status_any():
    name = request.args["partner"]
    base = PARTNERS.get(name, name)
    return jsonify(requests.get(f"{base}/status", timeout=5).json())  # vuln: ssrf


@app.get("/github/<user>")
def github_user(user):
    return jsonify(requests.get("https://api.github.com/users/" + quote(user, safe=""), timeout=5).json())  # safe: ssrf


@app.get("/avatar")
def avatar():
    host = request.args.get("host", "gravatar.com")
    return requests.get(f"https://{host}/avatar/{request.args['hash']}", timeout=5).content  # vuln: ssrf


@app.get("/feeds")
def feeds():
    cfg = {"url": request.args["feed"], "fallback": "https://news.example.com/rss"}
    return requests.get(cfg["url"], timeout=5).text  # vuln: ssrf


@app.get("/feeds-default")
def feeds_default():
    cfg = {"url": request.args["feed"], "fallback": "https://news.example.com/rss"}
    return requests.get(cfg["fallback"], params={"q": cfg["url"]}, timeout=5).text  # safe: ssrf
