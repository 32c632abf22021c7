"""Flask handlers of a model registry."""

import pickle

from flask import Flask, current_app, request

app = Flask(__name__)


@app.post("/models/upload")
def upload_model():
    model = pickle.load(request.files["model"])  # vuln: deserialization
    return {"type": type(model).__name__}


@app.get("/models/current")
def current_model():
    with open(current_app.config["MODEL_PATH"], "rb") as fh:
        model = pickle.load(fh)  # safe: deserialization
    return {"type": type(model).__name__, "asked": request.args.get("v")}
