"""aiohttp admin handlers of a build server."""

import subprocess

from aiohttp import web

routes = web.RouteTableDef()


@routes.post("/builds/{project}")
async def build(request: web.Request) -> web.Response:
    project = request.match_info["project"]
    subprocess.Popen("make -C /srv/projects/" + project + " build", shell=True)  # vuln: command
    return web.Response(status=202)


@routes.post("/builds-argv/{project}")
async def build_argv(request: web.Request) -> web.Response:
    project = request.match_info["project"]
    subprocess.Popen(["make", "-C", "/srv/projects/" + project, "build"])  # safe: command
    return web.Response(status=202)


@routes.post("/builds-branch")
async def build_branch(request: web.Request) -> web.Response:
    data = await request.post()
    branch = data.get("branch", "main")
    subprocess.Popen(f"git -C /srv/src checkout {branch[:40]} && make", shell=True)  # vuln: command
    return web.Response(status=202)
