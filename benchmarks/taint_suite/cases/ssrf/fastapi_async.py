"""FastAPI endpoints of a link-preview service."""

from urllib.parse import urlparse

import aiohttp
import httpx
from fastapi import APIRouter, HTTPException, Request

router = APIRouter()
TRUSTED = frozenset({"img.example.com", "static.example.com"})


@router.get("/unfurl")
async def unfurl(url: str):
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.get(url)  # vuln: ssrf
    return {"status": resp.status_code}


@router.get("/unfurl-trusted")
async def unfurl_trusted(url: str):
    if urlparse(url).hostname not in TRUSTED:
        raise HTTPException(400, "untrusted host")
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.get(url)  # safe: ssrf
    return {"status": resp.status_code}


@router.get("/image-size")
async def image_size(request: Request):
    src = request.headers.get("X-Image-Source", "")
    async with aiohttp.ClientSession() as session:
        async with session.get(src) as resp:  # vuln: ssrf
            return {"bytes": len(await resp.read())}


@router.get("/image-size-fixed")
async def image_size_fixed(request: Request):
    name = request.headers.get("X-Image-Name", "")
    async with aiohttp.ClientSession() as session:
        async with session.get("https://img.example.com/meta", params={"name": name}) as resp:  # safe: ssrf
            return {"bytes": len(await resp.read())}
