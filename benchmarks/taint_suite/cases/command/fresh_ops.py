"""Flask, FastAPI and Django handlers of a deployment console that runs local and remote commands."""

import os
import shlex
import subprocess

from django.http import JsonResponse
from fastapi import APIRouter
from flask import Flask, abort, request
from pydantic import BaseModel

app = Flask(__name__)
router = APIRouter()


class Job(BaseModel):
    target: str
    workers: int = 2


@router.post("/jobs/run")
def run_job(job: Job):
    return subprocess.run(f"deploy --target {job.target}", shell=True).returncode  # vuln: command


@router.post("/jobs/scale")
def scale_job(job: Job):
    return subprocess.run(f"deploy --scale {job.workers}", shell=True).returncode  # safe: command


@app.post("/remote/ls")
def remote_ls():
    host, path = request.form["host"], request.form["path"]
    # ssh hands its command to the remote user's shell: the argument list does not protect it
    return subprocess.run(["ssh", "deploy@" + host, f"ls -la {path}"], capture_output=True).stdout  # vuln: command


@app.post("/remote/ls-quoted")
def remote_ls_quoted():
    host, path = request.form["host"], request.form["path"]
    return subprocess.run(["ssh", "deploy@" + host, "ls -la " + shlex.quote(path)], capture_output=True).stdout  # safe: command


@app.post("/render")
def render_page():
    url = request.form["url"]
    subprocess.run(f"chromium --headless --screenshot {url}", shell=True, executable="/bin/bash")  # vuln: command
    return "", 202


@app.post("/render-argv")
def render_page_argv():
    url = request.form["url"]
    subprocess.run(["chromium", "--headless", "--screenshot", "--", url])  # safe: command
    return "", 202


@app.post("/convert")
def convert():
    name = request.form["name"]
    pid = os.fork()
    if pid == 0:
        os.execl("/bin/sh", "sh", "-c", f"convert /in/{name} /out/{name}.png")  # vuln: command
    return "", 202


@app.post("/convert-exec")
def convert_exec():
    name = request.form["name"]
    pid = os.fork()
    if pid == 0:
        os.execv("/usr/bin/convert", ["convert", f"/in/{name}", f"/out/{name}.png"])  # safe: command
    return "", 202


@app.get("/status")
def status():
    code, out = subprocess.getstatusoutput("systemctl is-active " + request.args.get("unit", "web"))  # vuln: command
    return {"code": code, "out": out}


@app.get("/status-all")
def status_all():
    code, out = subprocess.getstatusoutput("systemctl --failed --no-legend | wc -l")  # safe: command
    return {"code": code, "failed": out, "asked": request.args.get("unit")}


@app.post("/tar")
def tar_files():
    files = request.form.getlist("file")
    cmd = "tar czf /tmp/out.tgz " + " ".join(shlex.quote(f) for f in files)
    subprocess.run(cmd, shell=True, check=True)  # safe: command
    return "", 201


@app.post("/tar-raw")
def tar_files_raw():
    files = request.form.getlist("file")
    cmd = "tar czf /tmp/out.tgz " + " ".join(files)
    subprocess.run(cmd, shell=True, check=True)  # vuln: command
    return "", 201


@app.post("/nice")
def renice():
    try:
        priority = int(request.form["priority"])
    except (KeyError, ValueError):
        abort(400)
    os.system(f"renice -n {priority} -p {os.getpid()}")  # safe: command
    return "", 204


def backup_now(request):
    subprocess.run(f"restic backup {os.environ['BACKUP_DIR']}", shell=True, check=True)  # safe: command
    return JsonResponse({"by": request.user.get_username()})


def backup_path(request):
    folder = request.POST.get("folder", "/srv")
    subprocess.run(f"restic backup {folder} --tag {request.POST.get('tag', 'manual')}", shell=True, check=True)  # vuln: command
    return JsonResponse({"ok": True})
