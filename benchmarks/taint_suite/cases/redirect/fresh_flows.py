"""Django, Flask and Starlette handlers that end a flow with a redirect."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, make_response, request, url_for
from starlette.requests import Request
from starlette.responses import RedirectResponse

app = Flask(__name__)


def checkout_done(request):
    return HttpResponseRedirect(request.GET.get("next") or "/orders/")  # vuln: redirect


def checkout_done_checked(request):
    target = request.GET.get("next") or "/orders/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/orders/"
    return HttpResponseRedirect(target)  # safe: redirect


@app.get("/leave")
def leave():
    resp = make_response("", 302)
    resp.headers["Location"] = request.args["to"]  # vuln: redirect
    return resp


@app.get("/leave-home")
def leave_home():
    resp = make_response("", 302)
    resp.headers["Location"] = url_for("index", src=request.args.get("to", ""))  # safe: redirect
    return resp


async def after_login(request: Request):
    form = await request.form()
    return RedirectResponse(form.get("return_to", "/"), status_code=303)  # vuln: redirect


async def after_login_home(request: Request):
    form = await request.form()
    return RedirectResponse(request.url_for("home").include_query_params(ref=form.get("return_to", "")), status_code=303)  # safe: redirect
