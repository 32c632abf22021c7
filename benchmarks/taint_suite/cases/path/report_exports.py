"""Flask and FastAPI endpoints of a reporting service that writes and reads export files."""

import configparser
import os
import tarfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from flask import Flask, request

app = Flask(__name__)
router = APIRouter()
config = configparser.ConfigParser()
config.read("/etc/reports/reports.ini")
EXPORTS = "/srv/exports"


@app.post("/exports")
def save_export():
    name = request.form["name"]
    Path(EXPORTS, f"{name}.csv").write_text(request.form["body"])  # vuln: path
    return "", 201


@app.post("/exports/numbered")
def save_export_numbered():
    number = int(request.form["number"])
    Path(EXPORTS, f"export-{number}.csv").write_text(request.form["body"])  # safe: path
    return "", 201


@app.get("/exports/latest")
def latest_export():
    folder = config.get("exports", "folder")
    return open(os.path.join(folder, "latest.csv")).read()  # safe: path


@app.post("/exports/unpack")
def unpack_export():
    archive = zipfile.ZipFile(request.files["archive"])
    for member in archive.namelist():
        with open(os.path.join(EXPORTS, member), "wb") as out:  # vuln: path
            out.write(archive.read(member))
    return "", 201


@app.post("/exports/unpack-flat")
def unpack_export_flat():
    archive = tarfile.open(fileobj=request.files["archive"])
    for member in archive.getmembers():
        with open(os.path.join(EXPORTS, os.path.basename(member.name)), "wb") as out:  # safe: path
            out.write(archive.extractfile(member).read())
    return "", 201


@router.get("/exports/{year}/{name:path}")
def export_file(year: int, name: str):
    return FileResponse(os.path.join(EXPORTS, str(year), name))  # vuln: path


@router.get("/exports-dir")
async def export_listing(request: Request):
    sub = request.query_params.get("dir", "")
    return sorted(os.listdir(os.path.join(EXPORTS, sub)))  # vuln: path


@router.get("/exports-dir-fixed")
async def export_listing_fixed(request: Request):
    sub = request.query_params.get("dir", "")
    return {"asked": sub, "files": sorted(os.listdir(EXPORTS))}  # safe: path
