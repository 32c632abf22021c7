"""Flask and FastAPI handlers that remember things in the session across a checkout."""

from fastapi import APIRouter, HTTPException, Request
from flask import Flask, abort, request, session

app = Flask(__name__)
router = APIRouter()
CURRENCIES = {"EUR", "USD", "GBP"}
REMEMBER_RAW = False


@app.post("/checkout/currency")
def set_currency():
    currency = request.form.get("currency", "EUR").upper()
    if currency not in CURRENCIES:
        abort(400)
    session["currency"] = currency  # safe: trust-boundary
    return "", 204


@app.post("/checkout/price")
def set_price():
    session["unit_price"] = float(request.form["price"])  # vuln: trust-boundary
    return "", 204


@app.post("/checkout/address")
def set_address():
    address = {"street": request.form["street"], "country": "DE"}
    session["country"] = address["country"]  # safe: trust-boundary
    return "", 204


@app.post("/checkout/address-full")
def set_address_full():
    address = {"street": request.form["street"], "country": "DE"}
    session["address"] = address  # vuln: trust-boundary
    return "", 204


@app.post("/checkout/note")
def set_note():
    note = request.form.get("note", "")
    if REMEMBER_RAW:
        session["note"] = note  # safe: trust-boundary
    return {"length": len(note)}


@router.post("/wizard/user")
async def wizard_user(request: Request):
    body = await request.json()
    request.session["user_id"] = body["user_id"]  # vuln: trust-boundary
    return {"ok": True}


@router.post("/wizard/step")
async def wizard_step(request: Request):
    body = await request.json()
    step = body.get("step")
    if step not in (1, 2, 3):
        raise HTTPException(400)
    request.session["step"] = step  # safe: trust-boundary
    return {"ok": True}
