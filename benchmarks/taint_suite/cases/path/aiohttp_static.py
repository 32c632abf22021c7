"""aiohttp handlers serving build artifacts."""

from pathlib import Path

from aiohttp import web

routes = web.RouteTableDef()
ARTIFACTS = Path("/srv/artifacts").resolve()


@routes.get("/artifacts/{name:.+}")
async def artifact(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(ARTIFACTS / request.match_info["name"])  # vuln: path


@routes.get("/artifacts-safe/{name:.+}")
async def artifact_safe(request: web.Request) -> web.StreamResponse:
    path = (ARTIFACTS / request.match_info["name"]).resolve()
    if not path.is_relative_to(ARTIFACTS):
        raise web.HTTPNotFound()
    return web.FileResponse(path)  # safe: path
