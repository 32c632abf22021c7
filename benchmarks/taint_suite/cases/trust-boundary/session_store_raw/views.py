from flask import Blueprint, request

from .state import SessionState

bp = Blueprint("checkout", __name__)


@bp.post("/checkout/discount")
def discount():
    SessionState().remember_discount(request.form["discount"])
    return "", 204
