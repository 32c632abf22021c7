"""Flask, FastAPI and Django handlers of a notebook service that keeps one folder per workspace."""

import glob
import os
import shutil
import uuid
import zipfile
from pathlib import Path

from django.http import HttpResponse, JsonResponse
from fastapi import APIRouter
from flask import Flask, abort, request, send_file
from pydantic import BaseModel
from starlette.responses import FileResponse
from werkzeug.security import safe_join

app = Flask(__name__)
router = APIRouter()
WORKSPACES = "/srv/workspaces"
BASE = Path(WORKSPACES)


class Download(BaseModel):
    path: str
    version: int = 1


@app.get("/ws/file")
def ws_file():
    path = safe_join(WORKSPACES, request.args["path"])
    if path is None:
        abort(404)
    return send_file(path)  # safe: path


@app.get("/ws/file-norm")
def ws_file_norm():
    path = os.path.normpath(os.path.join(WORKSPACES, request.args["path"]))
    return send_file(path)  # vuln: path


@app.get("/ws/file-norm-checked")
def ws_file_norm_checked():
    path = os.path.normpath(os.path.join(WORKSPACES, request.args["path"]))
    if not path.startswith(WORKSPACES + os.sep):
        abort(404)
    return send_file(path)  # safe: path


@app.get("/ws/notes")
def ws_notes():
    return BASE.joinpath(request.args["ws"], "notes.md").read_text()  # vuln: path


@app.delete("/ws")
def delete_ws():
    shutil.rmtree(os.path.join(WORKSPACES, request.json["ws"]))  # vuln: path
    return "", 204


@app.delete("/ws/by-id")
def delete_ws_by_id():
    ws = uuid.UUID(request.json["ws"])
    shutil.rmtree(os.path.join(WORKSPACES, str(ws)))  # safe: path
    return "", 204


@app.post("/ws/import")
def import_ws():
    dest = os.path.join(WORKSPACES, str(uuid.uuid4()))
    # ZipFile.extractall drops absolute paths and ".." components from member names
    zipfile.ZipFile(request.files["archive"]).extractall(dest)  # safe: path
    return {"id": os.path.basename(dest)}, 201


@app.post("/ws/new")
def new_ws():
    os.makedirs(os.path.join(WORKSPACES, request.form["project"], "data"))  # vuln: path
    return "", 201


@app.get("/ws/search")
def search_ws():
    pattern = request.args.get("pattern", "*.ipynb")
    return {"files": glob.glob(os.path.join(WORKSPACES, pattern))}  # vuln: path


@app.get("/ws/search-fixed")
def search_ws_fixed():
    pattern = request.args.get("pattern", "*.ipynb")
    return {"pattern": pattern, "files": glob.glob(os.path.join(WORKSPACES, "*", "*.ipynb"))}  # safe: path


@router.post("/ws/download")
def download(body: Download):
    return FileResponse(path=os.path.join(WORKSPACES, body.path))  # vuln: path


@router.post("/ws/download-version")
def download_version(body: Download):
    return FileResponse(path=os.path.join(WORKSPACES, "versions", f"{body.version}.zip"))  # safe: path


def report_pdf(request):
    report_id = int(request.GET["id"])
    with open(f"/srv/reports/{report_id:d}.pdf", "rb") as fh:  # safe: path
        return HttpResponse(fh.read(), content_type="application/pdf")


def report_pdf_named(request):
    with open(f"/srv/reports/{request.GET['name']}.pdf", "rb") as fh:  # vuln: path
        return HttpResponse(fh.read(), content_type="application/pdf")


def rename_report(request):
    src = os.path.join("/srv/reports", os.path.basename(request.POST["from"]))
    dst = os.path.join("/srv/reports", os.path.basename(request.POST["to"]))
    os.rename(src, dst)  # safe: path
    return JsonResponse({"ok": True})


def rename_report_raw(request):
    src = os.path.join("/srv/reports", request.POST["from"])
    dst = os.path.join("/srv/reports", os.path.basename(request.POST["to"]))
    os.rename(src, dst)  # vuln: path
    return JsonResponse({"ok": True})
