"""Login and preference handlers of Starlette, Flask and Django apps."""

from django.http import HttpResponse
from flask import Flask, make_response
from starlette.responses import JSONResponse, RedirectResponse

app = Flask(__name__)


async def starlette_login(request):
    response = RedirectResponse("/", status_code=303)
    response.set_cookie("session", "s3ss10n", httponly=True)  # vuln: insecure-cookie
    return response


async def starlette_login_secure(request):
    response = RedirectResponse("/", status_code=303)
    response.set_cookie("session", "s3ss10n", httponly=True, secure=True, samesite="lax")  # safe: insecure-cookie
    return response


@app.post("/sso/callback")
def sso_callback():
    resp = make_response("", 204)
    resp.set_cookie("id_token", "jwt", secure=True, httponly=False, samesite="Lax")  # vuln: insecure-cookie
    return resp


@app.post("/sso/callback-secure")
def sso_callback_secure():
    resp = make_response("", 204)
    resp.set_cookie("id_token", "jwt", secure=True, httponly=True, samesite="Lax")  # safe: insecure-cookie
    return resp


def remember_me(request):
    response = HttpResponse(status=204)
    response.set_cookie("remember_me", "token", max_age=30 * 24 * 3600)  # vuln: insecure-cookie
    return response


def remember_me_secure(request):
    response = HttpResponse(status=204)
    response.set_cookie("remember_me", "token", max_age=30 * 24 * 3600, secure=True, httponly=True, samesite="Lax")  # safe: insecure-cookie
    return response


async def api_key_cookie(request):
    response = JSONResponse({"ok": True})
    response.set_cookie(key="api_key", value="k", secure=False, httponly=True, samesite="strict")  # vuln: insecure-cookie
    return response


async def consent_cookie(request):
    response = JSONResponse({"ok": True})
    response.set_cookie(key="cookie_consent", value="yes", max_age=365 * 24 * 3600, samesite="lax")  # safe: insecure-cookie
    return response
