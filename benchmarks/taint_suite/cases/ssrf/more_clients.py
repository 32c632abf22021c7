"""Flask, FastAPI and aiohttp endpoints that call internal and partner services."""

import ipaddress
import socket
from urllib.parse import urlparse

import httpx
import requests
from aiohttp import ClientSession, web
from fastapi import APIRouter, HTTPException
from flask import Flask, abort, request

app = Flask(__name__)
router = APIRouter()
routes = web.RouteTableDef()
REGIONS = {"eu": "https://eu.api.example.com", "us": "https://us.api.example.com"}
USE_MIRROR = False


@app.get("/region-status")
def region_status():
    base = REGIONS.get(request.args.get("region", "eu"), REGIONS["eu"])
    return requests.get(base + "/status", timeout=5).text  # safe: ssrf


@app.get("/mirror")
def mirror():
    url = request.args["url"]
    if USE_MIRROR:
        return requests.get(url, timeout=5).text  # safe: ssrf
    return requests.get("https://mirror.example.com/latest", timeout=5).text


@app.get("/fetch-public")
def fetch_public():
    url = request.args["url"]
    host = urlparse(url).hostname or ""
    if ipaddress.ip_address(socket.gethostbyname(host)).is_private:
        abort(400)
    # the name can resolve to a public address here and a private one when requests looks it up again
    return requests.get(url, timeout=5).text  # vuln: ssrf


@router.get("/pages/{page_id}")
def page(page_id: int):
    return httpx.get(f"https://cms.example.com/api/pages/{page_id}", timeout=5).json()  # safe: ssrf


@router.get("/pages-by-host")
def page_by_host(host: str, page_id: int):
    # "evil.net/?.example.com" passes the check and makes evil.net the host of the URL below
    if not host.endswith(".example.com"):
        raise HTTPException(400)
    return httpx.get(f"https://{host}/api/pages/{page_id}", timeout=5).json()  # vuln: ssrf


@router.get("/pages-by-region")
def page_by_region(region: str, page_id: int):
    if region not in REGIONS:
        raise HTTPException(404)
    return httpx.get(f"{REGIONS[region]}/api/pages/{page_id}", timeout=5).json()  # safe: ssrf


@routes.get("/proxy")
async def proxy(request: web.Request) -> web.Response:
    target = request.query["to"]
    async with ClientSession() as session:
        async with session.request("GET", target) as resp:  # vuln: ssrf
            return web.Response(body=await resp.read())


@routes.get("/proxy-fixed")
async def proxy_fixed(request: web.Request) -> web.Response:
    path = request.query.get("path", "")
    async with ClientSession(base_url="https://static.example.com") as session:
        async with session.get("/assets", params={"path": path}) as resp:  # safe: ssrf
            return web.Response(body=await resp.read())
