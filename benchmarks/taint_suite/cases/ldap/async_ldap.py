"""FastAPI and aiohttp handlers that query the directory through ldap3."""

from aiohttp import web
from fastapi import APIRouter
from ldap3 import Connection, Server
from ldap3.utils.conv import escape_filter_chars

router = APIRouter()
routes = web.RouteTableDef()
SERVER = Server("ldaps://ldap.example.com")


@router.get("/directory/{uid}")
def directory(uid: str):
    conn = Connection(SERVER, auto_bind=True)
    conn.search("dc=example,dc=com", "(uid=%s)" % uid, attributes=["cn"])  # vuln: ldap
    return [e.entry_to_json() for e in conn.entries]


@router.get("/directory-escaped/{uid}")
def directory_escaped(uid: str):
    conn = Connection(SERVER, auto_bind=True)
    conn.search("dc=example,dc=com", "(uid=%s)" % escape_filter_chars(uid), attributes=["cn"])  # safe: ldap
    return [e.entry_to_json() for e in conn.entries]


@routes.get("/badge/{employee}")
async def badge(request: web.Request) -> web.Response:
    employee = request.match_info["employee"]
    conn = Connection(SERVER, auto_bind=True)
    conn.search("dc=example,dc=com", f"(employeeNumber={employee})", attributes=["cn"])  # vuln: ldap
    return web.json_response([e.entry_to_json() for e in conn.entries])


@routes.get("/badge-num/{employee}")
async def badge_num(request: web.Request) -> web.Response:
    employee = int(request.match_info["employee"])
    conn = Connection(SERVER, auto_bind=True)
    conn.search("dc=example,dc=com", f"(employeeNumber={employee})", attributes=["cn"])  # safe: ldap
    return web.json_response([e.entry_to_json() for e in conn.entries])
