"""FastAPI handlers of a plugin store that fetch a release's details from a link the client names."""

import httpx
from fastapi import APIRouter, HTTPException

router = APIRouter()


async def catalog_releases(plugin_id: str) -> list:
    """The releases the operator's configured catalogs list for a plugin (links written by the catalog)."""
    async with httpx.AsyncClient() as client:
        resp = await client.get("https://catalog.example.org/releases.json", params={"id": plugin_id})
    return resp.json()


@router.get("/plugins/{plugin_id}/details")
async def release_details(plugin_id: str, details_link: str):
    releases = await catalog_releases(plugin_id)
    release = next((r for r in releases if r["details_link"] == details_link), None)
    if not release:
        raise HTTPException(404, "release not found")
    async with httpx.AsyncClient() as client:
        return (await client.get(details_link)).json()  # safe: ssrf


@router.get("/plugins/{plugin_id}/details-unchecked")
async def release_details_unchecked(plugin_id: str, details_link: str):
    releases = await catalog_releases(plugin_id)
    # the lookup's result is never checked: a link no release has is fetched all the same
    release = next((r for r in releases if r["details_link"] == details_link), None)
    async with httpx.AsyncClient() as client:
        return {"release": release, "details": (await client.get(details_link)).json()}  # vuln: ssrf
