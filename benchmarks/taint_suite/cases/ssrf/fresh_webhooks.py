"""FastAPI and Flask handlers of a notification service that posts to customer webhooks."""

from urllib.parse import quote, urlparse

import requests
import urllib3
from django.conf import settings
from fastapi import APIRouter, HTTPException
from flask import Flask, abort, request
from pydantic import BaseModel, HttpUrl

app = Flask(__name__)
router = APIRouter()
http = urllib3.PoolManager()


class Subscription(BaseModel):
    callback: HttpUrl
    event: str


@router.post("/subscriptions/test")
def test_subscription(sub: Subscription):
    # HttpUrl checks the URL's shape, not where it points
    return {"status": requests.post(str(sub.callback), json={"event": sub.event}, timeout=5).status_code}  # vuln: ssrf


@router.post("/subscriptions/test-allowed")
def test_subscription_allowed(sub: Subscription):
    if sub.callback.host not in settings.ALLOWED_WEBHOOK_HOSTS:
        raise HTTPException(400, "host not allowed")
    return {"status": requests.post(str(sub.callback), json={"event": sub.event}, timeout=5).status_code}  # safe: ssrf


@app.get("/fetch")
def fetch():
    return http.request("GET", request.args["url"], timeout=5.0).data  # vuln: ssrf


@app.get("/fetch-docs")
def fetch_docs():
    page = quote(request.args["page"], safe="")
    return http.request("GET", f"https://docs.example.com/pages/{page}", timeout=5.0).data  # safe: ssrf


@app.post("/ping")
def ping_target():
    return {"status": requests.request("HEAD", request.form["target"], timeout=5).status_code}  # vuln: ssrf


@app.post("/ping-known")
def ping_known():
    target = request.form["target"]
    if urlparse(target).hostname not in {"status.example.com", "api.example.com"}:
        abort(400)
    return {"status": requests.request("HEAD", target, timeout=5).status_code}  # safe: ssrf


@app.get("/mirror-image")
def mirror_image():
    src = request.args.get("src", "")
    return requests.get(src.strip(), stream=True, timeout=5).raw.read(1 << 20)  # vuln: ssrf


@app.get("/mirror-image-fixed")
def mirror_image_fixed():
    image_id = int(request.args.get("id", "0"))
    return requests.get(f"https://images.example.com/{image_id}.png", stream=True, timeout=5).raw.read(1 << 20)  # safe: ssrf
