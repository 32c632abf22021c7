"""FastAPI and Celery code that hands request data to background work."""

import asyncio
import functools
import shlex
import subprocess

from celery import shared_task
from fastapi import APIRouter, BackgroundTasks

router = APIRouter()


def run_shell(cmd):
    subprocess.run(cmd, shell=True, check=False)


@router.post("/reindex")
def reindex(index: str, tasks: BackgroundTasks):
    tasks.add_task(run_shell, f"curator reindex {index}")  # vuln: command
    return {"queued": True}


@router.post("/reindex-quoted")
def reindex_quoted(index: str, tasks: BackgroundTasks):
    tasks.add_task(run_shell, f"curator reindex {shlex.quote(index)}")  # safe: command
    return {"queued": True}


@router.post("/thumbnails")
async def thumbnails(path: str):
    await asyncio.to_thread(subprocess.run, f"vipsthumbnail {path}", shell=True)  # vuln: command
    return {"ok": True}


@router.post("/thumbnails-argv")
async def thumbnails_argv(path: str):
    await asyncio.to_thread(subprocess.run, ["vipsthumbnail", "--", path])  # safe: command
    return {"ok": True}


@shared_task
def export_report(fmt):
    subprocess.run(f"report-export --format {fmt}", shell=True, check=True)  # vuln: command


@router.post("/reports/export")
def queue_export(fmt: str):
    export_report.delay(fmt)
    return {"queued": True}


@router.post("/reports/export-partial")
async def export_partial(fmt: str):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, functools.partial(subprocess.run, f"report-export --format {fmt}", shell=True))  # vuln: command
    return {"ok": True}


@router.post("/reports/export-known")
async def export_known(fmt: str):
    fmt = {"csv": "csv", "pdf": "pdf"}.get(fmt, "csv")
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, functools.partial(subprocess.run, f"report-export --format {fmt}", shell=True))  # safe: command
    return {"ok": True}
