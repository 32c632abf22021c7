"""Class-based views and dependencies that call system tools."""

import re
import subprocess

from django.http import JsonResponse
from django.views import View
from fastapi import APIRouter, Depends, Query
from flask import request
from flask.views import MethodView

router = APIRouter()
BRANCH = re.compile(r"[A-Za-z0-9._/-]{1,100}")


def branch_param(branch: str = Query("main")) -> str:
    return branch


def checked_branch(branch: str = Query("main")) -> str:
    if not BRANCH.fullmatch(branch) or branch.startswith("-"):
        raise ValueError("bad branch")
    return branch


@router.post("/deploy")
def deploy(branch: str = Depends(branch_param)):
    return {"code": subprocess.call("git fetch && git checkout " + branch, shell=True)}  # vuln: command


@router.post("/deploy-checked")
def deploy_checked(branch: str = Depends(checked_branch)):
    return {"code": subprocess.call("git fetch && git checkout " + branch, shell=True)}  # safe: command


class ArchiveView(MethodView):
    def post(self):
        name = request.form["name"].replace(" ", "_")
        subprocess.run(f"zip -r /tmp/{name}.zip /srv/data", shell=True, check=True)  # vuln: command
        return "", 201


class PurgeView(View):
    def post(self, request):
        days = request.POST.get("days", "30")
        if isinstance(days, str) and days.isdecimal():
            subprocess.run(f"find /srv/tmp -mtime +{days} -delete", shell=True, check=True)  # safe: command
        return JsonResponse({"ok": True})
