"""Flask handlers of a backup browser with a module switch for raw paths."""

import os

from flask import Flask, abort, request, send_file

app = Flask(__name__)
BACKUPS = "/srv/backups"
ALLOW_RAW_PATHS = False


@app.get("/backups/get")
def get_backup():
    name = request.args["name"]
    path = name if ALLOW_RAW_PATHS else os.path.join(BACKUPS, os.path.basename(name))
    return send_file(path)  # safe: path


@app.get("/backups/get-raw")
def get_backup_raw():
    name = request.args["name"]
    path = name if request.args.get("raw") else os.path.join(BACKUPS, os.path.basename(name))
    return send_file(path)  # vuln: path
