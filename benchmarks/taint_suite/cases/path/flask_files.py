"""Flask endpoints of a document store that keeps uploads on local disk."""

import os
import shutil
import uuid
from pathlib import Path

from flask import Flask, abort, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"
BASE = Path("/srv/uploads").resolve()
TEMPLATES = {"invoice": "invoice.docx", "letter": "letter.docx"}


@app.get("/files")
def download():
    name = request.args["name"]
    return send_file(os.path.join(UPLOAD_DIR, name))  # vuln: path


@app.get("/files/safe")
def download_secure():
    name = secure_filename(request.args["name"])
    return send_file(os.path.join(UPLOAD_DIR, name))  # safe: path


@app.get("/files/<path:name>")
def download_from_dir(name):
    return send_from_directory(UPLOAD_DIR, name)  # safe: path


@app.get("/files/base")
def download_basename():
    name = os.path.basename(request.args["name"])
    with open(os.path.join(UPLOAD_DIR, name), "rb") as fh:  # safe: path
        return fh.read()


@app.get("/files/raw")
def download_raw():
    name = request.args["name"]
    with open(UPLOAD_DIR + "/" + name, "rb") as fh:  # vuln: path
        return fh.read()


@app.get("/files/resolved")
def download_resolved():
    target = (BASE / request.args["name"]).resolve()
    if not target.is_relative_to(BASE):
        abort(404)
    return target.read_bytes()  # safe: path


@app.get("/files/resolved-late")
def download_resolved_late():
    target = (BASE / request.args["name"]).resolve()
    data = target.read_bytes()  # vuln: path
    if not target.is_relative_to(BASE):
        abort(404)
    return data


@app.get("/files/dots")
def download_no_dots():
    name = request.args["name"]
    # blocks ../ but not an absolute name: os.path.join("/srv/uploads", "/etc/passwd") is "/etc/passwd"
    if ".." in name:
        abort(400)
    return send_file(os.path.join(UPLOAD_DIR, name))  # vuln: path


@app.get("/files/realpath")
def download_realpath():
    path = os.path.realpath(os.path.join(UPLOAD_DIR, request.args["name"]))
    if not path.startswith(UPLOAD_DIR + os.sep):
        abort(404)
    return send_file(path)  # safe: path


@app.delete("/files")
def delete_file():
    os.remove(os.path.join(UPLOAD_DIR, request.form["name"]))  # vuln: path
    return "", 204


@app.delete("/files/<uuid:file_id>")
def delete_file_by_id(file_id):
    os.remove(os.path.join(UPLOAD_DIR, f"{file_id}.bin"))  # safe: path
    return "", 204


@app.post("/files/copy")
def copy_file():
    src = request.form["src"]
    shutil.copy(os.path.join(UPLOAD_DIR, src), "/srv/archive/")  # vuln: path
    return "", 201


@app.post("/files/upload")
def upload():
    f = request.files["file"]
    f.save(os.path.join(UPLOAD_DIR, f.filename))  # vuln: path
    return "", 201


@app.post("/files/upload-safe")
def upload_safe():
    f = request.files["file"]
    f.save(os.path.join(UPLOAD_DIR, f"{uuid.uuid4()}{Path(secure_filename(f.filename)).suffix}"))  # safe: path
    return "", 201


@app.get("/templates/<kind>")
def template(kind):
    filename = TEMPLATES.get(kind)
    if filename is None:
        abort(404)
    return send_file(Path("/srv/templates") / filename)  # safe: path


@app.get("/templates-any/<path:kind>")
def template_any(kind):
    filename = TEMPLATES.get(kind, kind)
    return send_file(Path("/srv/templates") / filename)  # vuln: path
