"""FastAPI and aiohttp pages of a status dashboard."""

import html

from aiohttp import web
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter()
routes = web.RouteTableDef()


@router.get("/status", response_class=HTMLResponse)
def status(service: str):
    return HTMLResponse(f"<h1>Status of {service}</h1>")  # vuln: xss


@router.get("/status-escaped", response_class=HTMLResponse)
def status_escaped(service: str):
    return HTMLResponse(f"<h1>Status of {html.escape(service)}</h1>")  # safe: xss


@router.get("/banner")
async def banner(request: Request):
    msg = request.cookies.get("banner", "")
    body = "<div class='banner'>{}</div>".format(msg)
    return HTMLResponse(content=body)  # vuln: xss


@router.get("/banner-count")
async def banner_count(request: Request):
    count = len(request.cookies.get("banner", ""))
    return HTMLResponse(content="<div class='banner'>{}</div>".format(count))  # safe: xss


@routes.get("/hello/{name}")
async def hello(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    return web.Response(text=f"<p>Hello {name}</p>", content_type="text/html")  # vuln: xss


@routes.get("/hello-escaped/{name}")
async def hello_escaped(request: web.Request) -> web.Response:
    name = html.escape(request.match_info["name"])
    return web.Response(text=f"<p>Hello {name}</p>", content_type="text/html")  # safe: xss
