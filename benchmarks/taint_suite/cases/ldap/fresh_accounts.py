"""Flask and Django handlers of an account portal on ldap3 and python-ldap."""

import ldap
from django.conf import settings
from django.http import JsonResponse
from flask import Flask, request
from ldap.filter import filter_format
from ldap3 import Connection, Server
from ldap3.utils.conv import escape_filter_chars

app = Flask(__name__)
SERVER = Server("ldaps://ldap.example.com")


@app.post("/accounts/lookup")
def lookup():
    mail = request.get_json()["mail"]
    conn = Connection(SERVER, auto_bind=True)
    conn.search(search_base="dc=example,dc=com", search_filter=f"(mail={mail})", attributes=["uid"])  # vuln: ldap
    return {"found": len(conn.entries)}


@app.post("/accounts/lookup-escaped")
def lookup_escaped():
    mail = request.get_json()["mail"]
    conn = Connection(SERVER, auto_bind=True)
    conn.search(search_base="dc=example,dc=com", search_filter=f"(mail={escape_filter_chars(mail)})", attributes=["uid"])  # safe: ldap
    return {"found": len(conn.entries)}


def find_host(request):
    cn = request.GET.get("cn", "")
    conn = ldap.initialize(settings.LDAP_URI)
    msgid = conn.search_ext("ou=hosts,dc=corp", ldap.SCOPE_SUBTREE, "(cn=%s)" % cn)  # vuln: ldap
    return JsonResponse({"hosts": conn.result(msgid)[1]})


def find_host_formatted(request):
    cn = request.GET.get("cn", "")
    conn = ldap.initialize(settings.LDAP_URI)
    msgid = conn.search_ext("ou=hosts,dc=corp", ldap.SCOPE_SUBTREE, filter_format("(cn=%s)", [cn]))  # safe: ldap
    return JsonResponse({"hosts": conn.result(msgid)[1]})
