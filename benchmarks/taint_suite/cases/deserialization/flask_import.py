"""Flask endpoints of a workflow tool that imports and restores saved state."""

import base64
import hashlib
import hmac
import json
import marshal
import pickle

import jsonpickle
import yaml
from flask import Flask, abort, current_app, jsonify, request

app = Flask(__name__)


@app.post("/workflows/import")
def import_workflow():
    workflow = pickle.loads(request.data)  # vuln: deserialization
    return jsonify(name=workflow["name"])


@app.post("/workflows/import-json")
def import_workflow_json():
    workflow = json.loads(request.data)  # safe: deserialization
    return jsonify(name=workflow["name"])


@app.post("/workflows/import-yaml")
def import_workflow_yaml():
    workflow = yaml.load(request.data, Loader=yaml.Loader)  # vuln: deserialization
    return jsonify(name=workflow["name"])


@app.post("/workflows/import-safe-yaml")
def import_workflow_safe_yaml():
    workflow = yaml.safe_load(request.data)  # safe: deserialization
    return jsonify(name=workflow["name"])


@app.post("/workflows/import-yaml-safeloader")
def import_workflow_yaml_safeloader():
    workflow = yaml.load(request.get_data(), Loader=yaml.SafeLoader)  # safe: deserialization
    return jsonify(name=workflow["name"])


@app.get("/workflows/restore")
def restore():
    state = base64.b64decode(request.cookies["wf_state"])
    return jsonify(pickle.loads(state))  # vuln: deserialization


@app.get("/workflows/restore-signed")
def restore_signed():
    blob = base64.b64decode(request.cookies["wf_state"])
    sig, state = blob[:32], blob[32:]
    expected = hmac.new(current_app.config["STATE_KEY"], state, hashlib.sha256).digest()
    if not hmac.compare_digest(sig, expected):
        abort(400)
    return jsonify(pickle.loads(state))  # safe: deserialization


@app.post("/workflows/import-jsonpickle")
def import_jsonpickle():
    workflow = jsonpickle.decode(request.get_data(as_text=True))  # vuln: deserialization
    return jsonify(name=workflow.name)


@app.post("/workflows/bytecode")
def load_bytecode():
    code = marshal.loads(request.files["pyc"].read()[16:])  # vuln: deserialization
    return jsonify(names=list(code.co_names))


@app.post("/workflows/import-fields")
def import_fields():
    payload = {"raw": request.data, "schema": pickle.dumps({"version": 3})}
    return jsonify(schema=pickle.loads(payload["schema"]))  # safe: deserialization
