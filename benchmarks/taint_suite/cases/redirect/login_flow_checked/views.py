from flask import Blueprint, request

from .auth import LoginFlow

bp = Blueprint("auth", __name__)


@bp.post("/sign-in")
def sign_in():
    flow = LoginFlow(request.form.get("next", "/"))
    flow.authenticate(request.form["email"], request.form["password"])
    return flow.finish()
