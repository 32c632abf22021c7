"""FastAPI (Starlette SessionMiddleware) and aiohttp-session handlers."""

from aiohttp import web
from aiohttp_session import get_session
from fastapi import APIRouter, Request

router = APIRouter()
routes = web.RouteTableDef()


@router.post("/referral")
async def referral(request: Request):
    request.session["referrer"] = request.query_params.get("ref", "")  # vuln: trust-boundary
    return {"ok": True}


@router.post("/visits")
async def visits(request: Request):
    request.session["visits"] = int(request.session.get("visits", 0)) + 1  # safe: trust-boundary
    return {"visits": request.session["visits"], "ref": request.query_params.get("ref", "")}


@routes.post("/account")
async def account(request: web.Request) -> web.Response:
    data = await request.post()
    session = await get_session(request)
    session["account"] = data["account"]  # vuln: trust-boundary
    return web.json_response({"ok": True})


@routes.post("/account-count")
async def account_count(request: web.Request) -> web.Response:
    data = await request.post()
    session = await get_session(request)
    session["last_post_size"] = len(data)  # safe: trust-boundary
    return web.json_response({"ok": True})
