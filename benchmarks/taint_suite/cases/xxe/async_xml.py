"""FastAPI and aiohttp endpoints accepting sitemap and OPML uploads."""

from aiohttp import web
from fastapi import APIRouter, Request
from lxml import etree

router = APIRouter()
routes = web.RouteTableDef()


@router.post("/sitemaps")
async def sitemap(request: Request):
    parser = etree.XMLParser(resolve_entities=True, load_dtd=True)
    root = etree.fromstring(await request.body(), parser=parser)  # vuln: xxe
    return {"urls": len(root)}


@router.post("/sitemaps-safe")
async def sitemap_safe(request: Request):
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False)
    root = etree.fromstring(await request.body(), parser=parser)  # safe: xxe
    return {"urls": len(root)}


@routes.post("/opml")
async def opml(request: web.Request) -> web.Response:
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    root = etree.fromstring(await request.read(), parser)  # vuln: xxe
    return web.json_response({"outlines": len(root.findall(".//outline"))})


@routes.post("/opml-safe")
async def opml_safe(request: web.Request) -> web.Response:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(await request.read(), parser)  # safe: xxe
    return web.json_response({"outlines": len(root.findall(".//outline"))})
