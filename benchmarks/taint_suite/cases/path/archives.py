"""Flask and Django endpoints that unpack uploads and read named files."""

import os
import tarfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.http import FileResponse
from flask import Flask, request

app = Flask(__name__)
THEMES = "/srv/themes"


@app.post("/themes")
def install_theme():
    with tarfile.open(fileobj=request.files["theme"].stream, mode="r:gz") as archive:
        archive.extractall(THEMES)  # vuln: path
    return "", 201


@app.post("/themes-filtered")
def install_theme_filtered():
    with tarfile.open(fileobj=request.files["theme"].stream, mode="r:gz") as archive:
        archive.extractall(THEMES, filter="data")  # safe: path
    return "", 201


@app.get("/themes/file")
def theme_file():
    parts = request.args.getlist("part")
    return open(os.path.join(THEMES, *parts), "rb").read()  # vuln: path


@app.get("/themes/file-name")
def theme_file_name():
    name = Path(request.args.get("name", "style.css")).name
    return open(os.path.join(THEMES, "default", name), "rb").read()  # safe: path


@app.get("/logs")
def read_log():
    return open(request.args["log"] + ".log").read()  # vuln: path


def media_file(request):
    return FileResponse(default_storage.open(request.GET["name"]))  # safe: path


def media_file_direct(request):
    return FileResponse(open(default_storage.location + "/" + request.GET["name"], "rb"))  # vuln: path
