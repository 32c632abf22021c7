"""Flask and aiohttp handlers of a chart service with user-defined series."""

import ast
import json

from aiohttp import web
from flask import Flask, request

app = Flask(__name__)
routes = web.RouteTableDef()
SERIES = {"double": lambda x: 2 * x, "square": lambda x: x * x}


@app.get("/series")
def series():
    fn = eval("lambda x: " + request.args["f"])  # vuln: code
    return json.dumps([fn(x) for x in range(10)])


@app.get("/series-named")
def series_named():
    fn = SERIES.get(request.args["f"], SERIES["double"])
    return json.dumps([fn(x) for x in range(10)])  # safe: code


@routes.post("/chart")
async def chart(request: web.Request) -> web.Response:
    spec = await request.json()
    points = eval(spec["points"])  # vuln: code
    return web.json_response({"n": len(points)})


@routes.post("/chart-literal")
async def chart_literal(request: web.Request) -> web.Response:
    spec = await request.json()
    points = ast.literal_eval(spec["points"])  # safe: code
    return web.json_response({"n": len(points)})
