"""Async handlers that fan requests out to URLs."""

import asyncio

import httpx
from fastapi import APIRouter

router = APIRouter()
MIRRORS = ("https://a.mirror.example.com", "https://b.mirror.example.com")


@router.get("/check-links")
async def check_links(urls: str):
    async with httpx.AsyncClient(timeout=5) as client:
        results = await asyncio.gather(*(client.head(u) for u in urls.split(",")))  # vuln: ssrf
    return [r.status_code for r in results]


@router.get("/check-mirrors")
async def check_mirrors(path: str):
    async with httpx.AsyncClient(timeout=5) as client:
        results = await asyncio.gather(*(client.head(m + "/health") for m in MIRRORS))  # safe: ssrf
    return {"asked": path, "status": [r.status_code for r in results]}
