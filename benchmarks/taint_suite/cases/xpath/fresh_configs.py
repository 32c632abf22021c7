"""Flask and aiohttp handlers reading an XML permissions document."""

from aiohttp import web
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
routes = web.RouteTableDef()
DOC = etree.parse("/srv/config/permissions.xml")
EVAL = etree.XPathEvaluator(DOC)


@app.post("/permissions/check")
def check_permission():
    body = request.get_json()
    return {"allowed": bool(DOC.xpath("//user[@id=" + body["user"] + "]/perm[@name='" + body["perm"] + "']"))}  # vuln: xpath


@app.post("/permissions/check-vars")
def check_permission_vars():
    body = request.get_json()
    return {"allowed": bool(DOC.xpath("//user[@id=$u]/perm[@name=$p]", u=body["user"], p=body["perm"]))}  # safe: xpath


@routes.get("/roles/{role}")
async def role_members(request: web.Request) -> web.Response:
    return web.json_response([str(n) for n in EVAL(f"//role[@name='{request.match_info['role']}']/member/text()")])  # vuln: xpath


@routes.get("/roles-vars/{role}")
async def role_members_vars(request: web.Request) -> web.Response:
    return web.json_response([str(n) for n in EVAL("//role[@name=$r]/member/text()", r=request.match_info["role"])])  # safe: xpath
