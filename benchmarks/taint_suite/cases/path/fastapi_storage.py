"""FastAPI endpoints of a static asset service."""

import os
from pathlib import Path

import aiofiles
from fastapi import APIRouter, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse

router = APIRouter()
ASSETS = Path("/srv/assets")


@router.get("/assets/{name:path}")
def asset(name: str):
    return FileResponse(f"/srv/assets/{name}")  # vuln: path


@router.get("/assets/by-id/{asset_id}")
def asset_by_id(asset_id: int):
    return FileResponse(f"/srv/assets/{asset_id}.bin")  # safe: path


@router.get("/assets-q")
def asset_query(request: Request):
    rel = request.query_params.get("p", "index.html")
    target = (ASSETS / rel).resolve()
    if ASSETS not in target.parents:
        raise HTTPException(404)
    return FileResponse(target)  # safe: path


@router.get("/assets-q2")
def asset_query_unresolved(request: Request):
    rel = request.query_params.get("p", "index.html")
    target = ASSETS / rel
    if not str(target).startswith(str(ASSETS)):
        raise HTTPException(404)
    return FileResponse(target)  # vuln: path


@router.post("/assets")
async def upload_asset(file: UploadFile):
    async with aiofiles.open(os.path.join("/srv/assets", file.filename), "wb") as out:  # vuln: path
        await out.write(await file.read())
    return {"ok": True}


@router.post("/assets-safe")
async def upload_asset_safe(file: UploadFile):
    name = os.path.basename(file.filename or "upload.bin")
    async with aiofiles.open(os.path.join("/srv/assets", name), "wb") as out:  # safe: path
        await out.write(await file.read())
    return {"ok": True}
