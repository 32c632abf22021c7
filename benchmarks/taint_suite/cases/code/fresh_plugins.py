"""Flask and FastAPI handlers of a plugin host that accepts small scripts and expressions."""

import json
import operator

from fastapi import APIRouter, UploadFile
from flask import Flask, abort, request
from simpleeval import simple_eval

app = Flask(__name__)
router = APIRouter()
COMPARATORS = {"lt": operator.lt, "gt": operator.gt, "eq": operator.eq}
VERSION_CHECK = compile("sys.version_info >= (3, 10)", "<check>", "eval")


@router.post("/plugins")
async def install_plugin(file: UploadFile):
    source = (await file.read()).decode()
    exec(compile(source, file.filename or "<plugin>", "exec"), {})  # vuln: code
    return {"installed": file.filename}


@router.post("/plugins/check")
async def check_plugin(file: UploadFile):
    import sys

    return {"name": file.filename, "ok": eval(VERSION_CHECK, {"sys": sys})}  # safe: code


@app.post("/score")
def score():
    rule = json.loads(request.data)
    return {"score": eval(rule["expr"], {"__builtins__": {}}, {"x": rule.get("x", 0)})}  # vuln: code


@app.post("/score-simple")
def score_simple():
    rule = json.loads(request.data)
    return {"score": simple_eval(rule["expr"], names={"x": rule.get("x", 0)})}  # safe: code


@app.get("/compare")
def compare():
    op = request.args.get("op", "eq")
    return {"result": eval(f"{request.args['a']} {op} {request.args['b']}")}  # vuln: code


@app.get("/compare-known")
def compare_known():
    op = COMPARATORS.get(request.args.get("op", "eq"))
    if op is None:
        abort(400)
    return {"result": op(float(request.args["a"]), float(request.args["b"]))}  # safe: code
