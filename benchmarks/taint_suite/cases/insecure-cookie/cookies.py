"""Login handlers of Flask, Django, FastAPI and aiohttp apps that set cookies."""

from aiohttp import web
from django.http import JsonResponse
from fastapi import APIRouter, Response
from flask import Flask, make_response

app = Flask(__name__)
router = APIRouter()
routes = web.RouteTableDef()


@app.post("/login")
def flask_login():
    resp = make_response({"ok": True})
    resp.set_cookie("session_id", "abc123")  # vuln: insecure-cookie
    return resp


@app.post("/login-secure")
def flask_login_secure():
    resp = make_response({"ok": True})
    resp.set_cookie("session_id", "abc123", secure=True, httponly=True, samesite="Lax")  # safe: insecure-cookie
    return resp


@app.post("/remember")
def flask_remember():
    resp = make_response({"ok": True})
    resp.set_cookie("remember_token", "t0k3n", httponly=True)  # vuln: insecure-cookie
    return resp


@app.get("/theme")
def flask_theme():
    resp = make_response({"ok": True})
    resp.set_cookie("theme", "dark", secure=True, samesite="Lax")  # safe: insecure-cookie
    return resp


def django_login(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("sessionid", request.session.session_key, secure=False, httponly=True)  # vuln: insecure-cookie
    return response


def django_login_secure(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("sessionid", request.session.session_key, secure=True, httponly=True, samesite="Strict")  # safe: insecure-cookie
    return response


def django_auth_token(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("auth_token", "jwt", secure=True, httponly=True, samesite="None")  # vuln: insecure-cookie
    return response


def django_signed(request):
    response = JsonResponse({"ok": True})
    response.set_signed_cookie("csrf_state", "s", salt="oauth", secure=True, httponly=True, samesite="Lax")  # safe: insecure-cookie
    return response


@router.post("/token")
def fastapi_token(response: Response):
    response.set_cookie(key="access_token", value="jwt", httponly=False)  # vuln: insecure-cookie
    return {"ok": True}


@router.post("/token-secure")
def fastapi_token_secure(response: Response):
    response.set_cookie(key="access_token", value="jwt", httponly=True, secure=True, samesite="strict")  # safe: insecure-cookie
    return {"ok": True}


@routes.post("/aio-login")
async def aio_login(request: web.Request) -> web.Response:
    resp = web.json_response({"ok": True})
    resp.set_cookie("session", "abc")  # vuln: insecure-cookie
    return resp


@routes.post("/aio-login-secure")
async def aio_login_secure(request: web.Request) -> web.Response:
    resp = web.json_response({"ok": True})
    resp.set_cookie("session", "abc", secure=True, httponly=True, samesite="Lax")  # safe: insecure-cookie
    return resp


@app.post("/refresh")
def flask_refresh():
    resp = make_response({"ok": True})
    resp.set_cookie("refresh_token", "r", secure=True, httponly=True, samesite=None)  # vuln: insecure-cookie
    return resp


@app.post("/refresh-lax")
def flask_refresh_lax():
    resp = make_response({"ok": True})
    resp.set_cookie("refresh_token", "r", secure=True, httponly=True, samesite="Lax", max_age=3600)  # safe: insecure-cookie
    return resp


def django_csrf_like(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("auth_session", "x", httponly=True)  # vuln: insecure-cookie
    return response


def django_locale(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("django_language", "de", samesite="Lax")  # safe: insecure-cookie
    return response
