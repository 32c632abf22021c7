from flask import Blueprint, request

from .storage import LocalStorage

bp = Blueprint("docs", __name__)
storage = LocalStorage("/srv/docs")


@bp.get("/docs/read")
def read_doc():
    return storage.read(request.args["key"])
