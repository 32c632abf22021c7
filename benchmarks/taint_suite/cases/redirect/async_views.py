"""FastAPI and aiohttp redirect handlers of a link service."""

from urllib.parse import urlparse

from aiohttp import web
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

router = APIRouter()
routes = web.RouteTableDef()
PARTNER_HOSTS = {"partner.example.org"}


@router.get("/out")
def outbound(url: str):
    return RedirectResponse(url)  # vuln: redirect


@router.get("/out-partner")
def outbound_partner(url: str):
    if urlparse(url).hostname not in PARTNER_HOSTS:
        raise HTTPException(400, "not a partner link")
    return RedirectResponse(url)  # safe: redirect


@router.get("/back")
async def back(request: Request):
    return RedirectResponse(url=request.headers.get("referer", "/"))  # vuln: redirect


@routes.get("/r")
async def short(request: web.Request) -> web.Response:
    raise web.HTTPFound(request.query["to"])  # vuln: redirect


@routes.get("/r-id/{target}")
async def short_by_id(request: web.Request) -> web.Response:
    raise web.HTTPFound(f"/links/{int(request.match_info['target'])}")  # safe: redirect
