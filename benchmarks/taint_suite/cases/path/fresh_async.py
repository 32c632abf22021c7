"""Async handlers that read and write files off the event loop."""

import asyncio
import os
from functools import partial
from pathlib import Path

from fastapi import APIRouter, BackgroundTasks
from werkzeug.utils import secure_filename

router = APIRouter()
ROOT = Path("/srv/exports")


def write_export(path, data):
    with open(path, "w") as fh:
        fh.write(data)


@router.post("/exports/{name}")
def save_export(name: str, body: str, tasks: BackgroundTasks):
    tasks.add_task(write_export, os.path.join("/srv/exports", name + ".csv"), body)  # vuln: path
    return {"queued": True}


@router.post("/exports-safe/{name}")
def save_export_safe(name: str, body: str, tasks: BackgroundTasks):
    tasks.add_task(write_export, os.path.join("/srv/exports", secure_filename(name) + ".csv"), body)  # safe: path
    return {"queued": True}


@router.get("/exports")
async def read_export(file: str):
    return await asyncio.to_thread((ROOT / file).read_text)  # vuln: path


@router.get("/exports/latest")
async def read_latest(file: str):
    loop = asyncio.get_running_loop()
    data = await loop.run_in_executor(None, partial((ROOT / "latest.csv").read_text))  # safe: path
    return {"asked": file, "data": data}
