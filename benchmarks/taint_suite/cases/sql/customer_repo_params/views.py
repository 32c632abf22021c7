from flask import Blueprint, jsonify, request

from .repository import find_customers

bp = Blueprint("customers", __name__)


@bp.get("/customers")
def customers():
    name = request.args.get("name", "")
    return jsonify(find_customers(name))
