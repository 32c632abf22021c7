from aiohttp import web

from .formulas import FormulaService

routes = web.RouteTableDef()
service = FormulaService()


@routes.post("/formulas")
async def run_formula(request: web.Request) -> web.Response:
    body = await request.json()
    service.remember(body["formula"])
    return web.json_response({"value": service.evaluate({"x": 2})})
