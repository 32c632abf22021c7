from aiohttp import web

from .client import CallbackClient

routes = web.RouteTableDef()


@routes.post("/jobs")
async def create_job(request: web.Request) -> web.Response:
    body = await request.json()
    client = CallbackClient(body["callback_url"])
    await client.notify({"job": "created"})
    return web.json_response({"ok": True}, status=201)
