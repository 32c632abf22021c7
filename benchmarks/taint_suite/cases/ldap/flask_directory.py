"""Flask endpoints of an employee directory backed by LDAP (ldap3)."""

import re

from flask import Flask, abort, current_app, jsonify, request
from ldap3 import SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars

app = Flask(__name__)
BASE_DN = "ou=people,dc=example,dc=com"
USERNAME = re.compile(r"[a-z][a-z0-9_.-]{0,31}")
DEPARTMENTS = {"eng", "sales", "ops"}


def connect():
    return Connection(Server(current_app.config["LDAP_URL"]), auto_bind=True)


@app.get("/people")
def people():
    uid = request.args["uid"]
    conn = connect()
    conn.search(BASE_DN, f"(uid={uid})", SUBTREE, attributes=["cn", "mail"])  # vuln: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.get("/people-escaped")
def people_escaped():
    uid = escape_filter_chars(request.args["uid"])
    conn = connect()
    conn.search(BASE_DN, f"(uid={uid})", SUBTREE, attributes=["cn", "mail"])  # safe: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.get("/people-checked")
def people_checked():
    uid = request.args["uid"]
    if not USERNAME.fullmatch(uid):
        abort(400)
    conn = connect()
    conn.search(BASE_DN, f"(uid={uid})", SUBTREE, attributes=["cn"])  # safe: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.get("/people/search")
def people_search():
    name = request.args.get("name", "")
    dept = request.args.get("dept", "eng")
    search_filter = "(&(objectClass=person)(cn=*" + name + "*)(ou=" + dept + "))"
    conn = connect()
    conn.search(BASE_DN, search_filter, attributes=["cn"])  # vuln: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.get("/people/dept")
def people_by_dept():
    dept = request.args.get("dept", "eng")
    if dept not in DEPARTMENTS:
        abort(404)
    conn = connect()
    conn.search(BASE_DN, "(&(objectClass=person)(ou=%s))" % dept, attributes=["cn"])  # safe: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.get("/people/dept-any")
def people_by_dept_any():
    dept = request.args.get("dept", "eng")
    conn = connect()
    conn.search(BASE_DN, "(&(objectClass=person)(ou=%s))" % dept, attributes=["cn"])  # vuln: ldap
    return jsonify([e.entry_to_json() for e in conn.entries])


@app.post("/login")
def login():
    user = request.form["username"]
    conn = connect()
    conn.search(BASE_DN, "(&(uid={})(memberOf=cn=staff,{}))".format(user, BASE_DN), attributes=["dn"])  # vuln: ldap
    return jsonify(found=bool(conn.entries))


@app.post("/login-escaped")
def login_escaped():
    user = escape_filter_chars(request.form["username"])
    conn = connect()
    conn.search(BASE_DN, "(&(uid={})(memberOf=cn=staff,{}))".format(user, BASE_DN), attributes=["dn"])  # safe: ldap
    return jsonify(found=bool(conn.entries))
