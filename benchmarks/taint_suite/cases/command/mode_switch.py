"""FastAPI endpoints of a log shipper whose shell use is switched by module constants."""

import subprocess

from fastapi import APIRouter

router = APIRouter()
RUNNER = "argv"
COMPRESS_WITH_SHELL = False


@router.post("/ship/{name}")
def ship(name: str):
    match RUNNER:
        case "shell":
            return subprocess.run(f"rsync -a /var/log/{name} backup:/logs/", shell=True).returncode  # safe: command
        case _:
            return subprocess.run(["rsync", "-a", f"/var/log/{name}", "backup:/logs/"]).returncode


@router.post("/compress/{name}")
def compress(name: str, level: int = 6):
    cmd = f"gzip -{level} /var/log/{name}" if COMPRESS_WITH_SHELL else None
    if cmd:
        subprocess.run(cmd, shell=True)  # safe: command
    return subprocess.run(["gzip", f"-{level}", f"/var/log/{name}"]).returncode


@router.post("/compress-shell/{name}")
def compress_shell(name: str, level: int = 6, shell: bool = False):
    cmd = f"gzip -{level} /var/log/{name}" if shell else None
    if cmd:
        subprocess.run(cmd, shell=True)  # vuln: command
    return {"ok": True}
