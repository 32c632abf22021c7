from flask import Blueprint, jsonify, request

from .importer import Importer

bp = Blueprint("import", __name__)


@bp.post("/catalog/import")
def import_catalog():
    return jsonify(count=Importer().count_products(request.data))
