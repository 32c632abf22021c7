"""Flask, FastAPI and DRF handlers of an access-management tool on LDAP."""

import configparser

import ldap
from fastapi import APIRouter, HTTPException
from flask import Flask, jsonify, request
from ldap.filter import escape_filter_chars
from ldap3 import Connection, Server
from rest_framework.response import Response
from rest_framework.views import APIView

app = Flask(__name__)
router = APIRouter()
SERVER = Server("ldaps://ldap.example.com")
cfg = configparser.ConfigParser()
cfg.read("/etc/access/ldap.ini")
STRICT = True


@app.get("/groups/search")
def group_search():
    terms = request.args.getlist("cn")
    flt = "(|" + "".join(f"(cn={t})" for t in terms) + ")"
    conn = Connection(SERVER, auto_bind=True)
    conn.search("ou=groups,dc=example,dc=com", flt, attributes=["cn"])  # vuln: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.get("/groups/search-escaped")
def group_search_escaped():
    terms = [escape_filter_chars(t) for t in request.args.getlist("cn")]
    flt = "(|" + "".join(f"(cn={t})" for t in terms) + ")"
    conn = Connection(SERVER, auto_bind=True)
    conn.search("ou=groups,dc=example,dc=com", flt, attributes=["cn"])  # safe: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.get("/groups/default")
def group_default():
    flt = cfg.get("ldap", "default_group_filter")
    conn = Connection(SERVER, auto_bind=True)
    conn.search("ou=groups,dc=example,dc=com", flt, attributes=["cn"])  # safe: ldap
    return jsonify(asked=request.args.get("cn", ""), groups=[e.entry_to_json() for e in conn.entries])


@app.get("/groups/owner")
def group_owner():
    owner = request.headers.get("X-Owner", "")
    conn = Connection(SERVER, auto_bind=True)
    conn.search("ou=groups,dc=example,dc=com", "(owner=uid=" + owner[:64] + ",ou=people,dc=example,dc=com)")  # vuln: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@router.get("/members/{team}")
def members(team: str):
    if STRICT and not team.isalnum():
        raise HTTPException(400)
    conn = Connection(SERVER, auto_bind=True)
    conn.search("ou=teams,dc=example,dc=com", f"(cn={team})", attributes=["member"])  # safe: ldap
    return [e.entry_to_json() for e in conn.entries]


@router.get("/members-any/{team}")
def members_any(team: str):
    conn = Connection(SERVER, auto_bind=True)
    conn.search("ou=teams,dc=example,dc=com", "(cn={0})".format(team), attributes=["member"])  # vuln: ldap
    return [e.entry_to_json() for e in conn.entries]


class DisabledAccountsAPI(APIView):
    def get(self, request):
        since = request.query_params.get("since", "20240101000000Z")
        conn = ldap.initialize("ldaps://ldap.example.com")
        return Response(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(&(pwdChangedTime>={since})(nsAccountLock=TRUE))"))  # vuln: ldap


class DisabledAccountsCountAPI(APIView):
    def get(self, request):
        days = int(request.query_params.get("days", "30"))
        conn = ldap.initialize("ldaps://ldap.example.com")
        return Response(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(&(loginDisabledDays>={days})(nsAccountLock=TRUE))"))  # safe: ldap
