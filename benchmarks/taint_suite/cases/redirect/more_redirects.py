"""Flask, Django and FastAPI redirects after payments and sign-up."""

from urllib.parse import urlparse

from django.shortcuts import redirect as django_redirect
from django.utils.http import url_has_allowed_host_and_scheme
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from flask import Flask, abort, redirect, request

app = Flask(__name__)
router = APIRouter()
RETURN_PAGES = {"cart": "/cart", "account": "/account"}


@app.get("/payment/done")
def payment_done():
    return redirect(request.args.get("return_url", "/"), code=303)  # vuln: redirect


@app.get("/payment/done-named")
def payment_done_named():
    return redirect(RETURN_PAGES.get(request.args.get("page"), "/"), code=303)  # safe: redirect


@app.get("/payment/done-https")
def payment_done_https():
    # a host-less "/\evil.net" has an empty netloc, passes, and browsers follow it to evil.net
    url = request.args.get("return_url", "/")
    parsed = urlparse(url)
    if parsed.netloc and parsed.netloc != "shop.example.com":
        abort(400)
    return redirect(url, code=303)  # vuln: redirect


@app.get("/payment/done-checked")
def payment_done_checked():
    url = request.args.get("return_url", "/")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={"shop.example.com"}, require_https=True):
        url = "/"
    return redirect(url, code=303)  # safe: redirect


def signup_done(request):
    welcome = {"next": request.GET.get("next", "/"), "home": "/welcome"}
    return django_redirect(welcome["next"])  # vuln: redirect


def signup_done_home(request):
    welcome = {"next": request.GET.get("next", "/"), "home": "/welcome"}
    return django_redirect(welcome["home"])  # safe: redirect


@router.get("/continue")
async def continue_to(request: Request):
    params = dict(request.query_params)
    return RedirectResponse(params.get("continue", "/"), status_code=302)  # vuln: redirect
