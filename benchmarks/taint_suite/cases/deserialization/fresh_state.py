"""Flask and FastAPI handlers that restore client state and job payloads."""

import base64
import json

import cloudpickle
import msgpack
import pickle
import yaml
from fastapi import APIRouter, Request
from flask import Flask, request

app = Flask(__name__)
router = APIRouter()


@app.get("/state")
def restore_state():
    return pickle.loads(base64.b64decode(request.headers["X-State"]))  # vuln: deserialization


@app.get("/state-msgpack")
def restore_state_msgpack():
    return msgpack.unpackb(base64.b64decode(request.headers["X-State"]), raw=False)  # safe: deserialization


@app.post("/config")
def upload_config():
    return yaml.load(request.data, yaml.UnsafeLoader)  # vuln: deserialization


@app.post("/config-safe")
def upload_config_safe():
    return yaml.load(request.data, yaml.SafeLoader)  # safe: deserialization


@router.post("/tasks")
async def submit_task(request: Request):
    fn = cloudpickle.loads(await request.body())  # vuln: deserialization
    return {"name": getattr(fn, "__name__", "?")}


@router.post("/tasks-json")
async def submit_task_json(request: Request):
    spec = json.loads(await request.body(), object_hook=dict)  # safe: deserialization
    return {"name": spec.get("name", "?")}
