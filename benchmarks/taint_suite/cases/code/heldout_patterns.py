"""A data source that runs the user's Python: sandboxed by RestrictedPython, and its unsandboxed twin."""

from flask import Flask, request
from RestrictedPython import compile_restricted
from RestrictedPython.Guards import safe_builtins

app = Flask(__name__)


@app.post("/scripts/run")
def run_script():
    code = compile_restricted(request.get_json()["source"], "<string>", "exec")
    scope = {}
    exec(code, {"__builtins__": safe_builtins}, scope)  # safe: code
    return {"result": scope.get("result")}


@app.post("/scripts/run-plain")
def run_script_plain():
    code = compile(request.get_json()["source"], "<string>", "exec")
    scope = {}
    exec(code, {}, scope)  # vuln: code
    return {"result": scope.get("result")}
