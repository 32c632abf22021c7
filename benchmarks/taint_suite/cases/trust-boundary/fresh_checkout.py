"""Flask, Django and Starlette handlers of a shop that keeps the cart in the session."""

from django.http import JsonResponse
from flask import Flask, request, session
from starlette.requests import Request
from starlette.responses import JSONResponse

from .models import cart_items, price_of

app = Flask(__name__)
THEMES = ("light", "dark", "contrast")


@app.post("/cart/total")
def set_total():
    session["cart_total"] = request.json["total"]  # vuln: trust-boundary
    return {"ok": True}


@app.post("/cart/total-computed")
def set_total_computed():
    items = cart_items(session.get("cart_id"))
    session["cart_total"] = sum(price_of(i) for i in items)  # safe: trust-boundary
    return {"ok": True, "client_total": request.json.get("total")}


def remember_next(request):
    request.session["after_login"] = request.GET["next"]  # vuln: trust-boundary
    return JsonResponse({"ok": True})


async def set_theme(request: Request):
    theme = (await request.json()).get("theme", "light")
    request.session.update({"theme": theme if theme in THEMES else "light"})  # safe: trust-boundary
    return JSONResponse({"ok": True})
