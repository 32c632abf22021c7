"""Flask and Django handlers that talk to tenant-specific API hosts."""

import httpx
import requests
from django.conf import settings
from django.http import JsonResponse
from flask import Flask, request

app = Flask(__name__)
CALLBACKS = {1: "https://hooks.example.com/a", 2: "https://hooks.example.com/b"}


@app.get("/tenant/status")
def tenant_status():
    with httpx.Client(base_url=request.args["api"], timeout=5) as client:
        return client.get("/status").json()  # vuln: ssrf


@app.get("/tenant/status-fixed")
def tenant_status_fixed():
    tenant = request.args["tenant"]
    with httpx.Client(base_url="https://api.example.com", timeout=5) as client:
        return client.get("/status", params={"tenant": tenant}).json()  # safe: ssrf


def notify(request):
    host = request.headers.get("X-Callback-Host", "")
    with requests.Session() as s:
        s.post(f"{host}/hook", json={"ok": True}, timeout=5)  # vuln: ssrf
    return JsonResponse({"sent": True})


def notify_registered(request):
    tenant_id = int(request.headers.get("X-Tenant", "1"))
    with requests.Session() as s:
        s.post(CALLBACKS.get(tenant_id, settings.DEFAULT_CALLBACK), json={"ok": True}, timeout=5)  # safe: ssrf
    return JsonResponse({"sent": True})
