from flask import Blueprint, jsonify, request

from .directory import Directory

bp = Blueprint("dir", __name__)
directory = Directory("ldaps://ldap.example.com", "dc=example,dc=com")


@bp.get("/managers")
def managers():
    return jsonify(directory.manager_of(request.args["uid"]))
