"""Class-based views over the company directory."""

from flask import request
from flask.views import MethodView
from ldap3 import Connection, Server
from ldap3.utils.conv import escape_filter_chars

SERVER = Server("ldaps://ldap.example.com")


class TeamView(MethodView):
    def get(self):
        team = request.args.get("team", "")
        conn = Connection(SERVER, auto_bind=True)
        conn.search("dc=example,dc=com", "(&(objectClass=group)(cn=%s))" % team.lower(), attributes=["member"])  # vuln: ldap
        return {"members": [e.entry_to_json() for e in conn.entries]}


class TeamEscapedView(MethodView):
    def get(self):
        team = escape_filter_chars(request.args.get("team", ""))
        conn = Connection(SERVER, auto_bind=True)
        conn.search("dc=example,dc=com", "(&(objectClass=group)(cn=%s))" % team.lower(), attributes=["member"])  # safe: ldap
        return {"members": [e.entry_to_json() for e in conn.entries]}
