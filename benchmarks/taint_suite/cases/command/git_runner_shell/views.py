from flask import Blueprint, request

from .runner import GitRunner

bp = Blueprint("repos", __name__)
runner = GitRunner("/srv/repos")


@bp.post("/repos/<repo>/branches")
def create_branch(repo):
    runner.create_branch(repo, request.json["branch"])
    return "", 201
