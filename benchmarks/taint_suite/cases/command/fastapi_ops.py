"""FastAPI operations endpoints that run maintenance commands."""

import asyncio
import os
import subprocess

from fastapi import APIRouter, HTTPException, Request

router = APIRouter()
SERVICES = ["api", "worker", "scheduler"]


@router.post("/services/{name}/restart")
async def restart(name: str):
    proc = await asyncio.create_subprocess_shell(f"systemctl restart {name}")  # vuln: command
    return {"code": await proc.wait()}


@router.post("/services/{name}/restart-exec")
async def restart_exec(name: str):
    proc = await asyncio.create_subprocess_exec("systemctl", "restart", name)  # safe: command
    return {"code": await proc.wait()}


@router.post("/services/{name}/reload")
async def reload(name: str):
    if name not in SERVICES:
        raise HTTPException(404, "unknown service")
    proc = await asyncio.create_subprocess_shell(f"systemctl reload {name}")  # safe: command
    return {"code": await proc.wait()}


@router.get("/disk")
def disk(request: Request):
    mount = request.query_params.get("mount", "/")
    return {"df": subprocess.getoutput("df -h " + mount)}  # vuln: command


@router.get("/disk-all")
def disk_all():
    return {"df": subprocess.getoutput("df -h | tail -n +2")}  # safe: command


@router.post("/backup")
async def backup(request: Request):
    body = await request.json()
    label = body.get("label", "nightly")
    os.system("pg_dump app > /backups/%s.sql" % label)  # vuln: command
    return {"ok": True}


@router.post("/backup-id")
async def backup_id(request: Request):
    body = await request.json()
    label = int(body.get("label", 0))
    os.system("pg_dump app > /backups/%d.sql" % label)  # safe: command
    return {"ok": True}


@router.post("/hooks/deploy")
async def deploy(request: Request):
    ref = request.headers.get("X-Deploy-Ref", "main")
    subprocess.run(["bash", "-lc", "cd /srv/app && git checkout " + ref + " && make deploy"], check=True)  # vuln: command
    return {"deployed": ref}


@router.post("/hooks/deploy-main")
async def deploy_main(request: Request):
    ref = request.headers.get("X-Deploy-Ref", "main")
    subprocess.run(["bash", "-lc", "cd /srv/app && git checkout main && make deploy"], check=True)  # safe: command
    return {"requested": ref, "deployed": "main"}
