"""The taint engine end to end: flows across modules and classes, the precision rules (containers, guards,
dead branches, sanitizers, constants), traces in JSON, SARIF codeFlows and the HTML report, user models."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from backend_audit.cli import main
from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan
from backend_audit.reporters import html, sarif
from tests.sarif_validation import assert_valid

FIXTURE = Path(__file__).parent / "fixtures" / "taint_app"
TAINT_RULES = ("BA-SQL-001", "BA-INP-003", "BA-INP-005", "BA-INP-006", "BA-INP-007", "BA-INP-008", "BA-INP-009",
               "BA-INP-010", "BA-INP-011", "BA-INP-012", "BA-INP-013", "BA-INP-014")


def _scan(root: Path, files: dict[str, str], select=TAINT_RULES):
    for rel, code in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(code), encoding="utf-8")
    return scan([root], Settings(select=select, jobs=1, extra={"no_cache": True}), use_git=False)


def _found(result, rule=None):
    return sorted((f.rule_id, f.path, f.line, f.level) for f in result.findings if rule is None or f.rule_id == rule)


def test_flow_across_modules_and_classes(tmp_path):
    app = tmp_path / "app"
    shutil.copytree(FIXTURE, app)
    result = scan([app], Settings(select=("BA-SQL-001",), jobs=1, extra={"no_cache": True}), use_git=False)
    [f] = result.findings
    assert (f.path, f.line, f.level) == ("shopapp/storage/db.py", 9, "error")
    trace = f.trace
    assert (trace[0]["path"], trace[0]["line"]) == ("shopapp/api/search.py", 10)  # the route's parameter
    assert trace[-1]["path"] == "shopapp/storage/db.py" and trace[-1]["line"] == 9  # the sink
    files = [s["path"] for s in trace]
    assert "shopapp/services/query.py" in files  # the helper class that stored it on self and built the SQL
    assert any("self.term = term" in s["message"] for s in trace)
    assert any("like_clause" in s["message"] for s in trace)
    # without the vulnerable method and its route, the safe twin (bound parameter, allowlisted sort) is silent
    search = app / "shopapp" / "api" / "search.py"
    search.write_text(search.read_text().replace("ProductSearch(Database(), q).vulnerable()", "[]"))
    query = app / "shopapp" / "services" / "query.py"
    text = query.read_text()
    start, end = text.index("    def vulnerable"), text.index("    def safe")
    query.write_text(text[:start] + text[end:])
    result = scan([app], Settings(select=("BA-SQL-001",), jobs=1, extra={"no_cache": True}), use_git=False)
    assert result.findings == []


FLASK = "from flask import Flask, request, redirect, session, abort\napp = Flask(__name__)\n"

CASES = {
    # containers: a tainted value under one key, a constant under another
    "dict-key-precise": (FLASK + """
@app.get("/a")
def a(cur):
    q = {"sql": "SELECT 1", "name": request.args["n"]}
    cur.execute(q["sql"])
    return "ok"
""", "BA-SQL-001", False),
    "dict-key-tainted": (FLASK + """
@app.get("/a")
def a(cur):
    q = {"sql": "SELECT 1", "name": request.args["n"]}
    cur.execute("SELECT * FROM t WHERE n = '" + q["name"] + "'")  #!
    return "ok"
""", "BA-SQL-001", True),
    "list-index": (FLASK + """
import os

@app.get("/b")
def b():
    parts = ["ls", request.args["dir"]]
    os.system(" ".join(parts))  #!
""", "BA-INP-003", True),
    # dead branches carry no flow
    "dead-branch": (FLASK + """
import os
DEBUG = False

@app.get("/c")
def c():
    cmd = "uptime"
    if DEBUG:
        cmd = request.args["cmd"]
    os.system(cmd)
""", "BA-INP-003", False),
    # string building of every kind, base64 round trip
    "format-percent-join": (FLASK + """
import base64, subprocess

@app.get("/d")
def d():
    raw = base64.b64decode(request.args["x"]).decode()
    cmd = "echo %s" % raw.strip()[0:20]
    subprocess.run("{} | wc".format(cmd), shell=True)  #!
""", "BA-INP-003", True),
    # shell forms
    "sh-c-list": (FLASK + """
import subprocess

@app.get("/e")
def e():
    subprocess.run(["bash", "-c", "grep " + request.args["q"] + " log"])  #!
""", "BA-INP-003", True),
    "argument-list-no-shell": (FLASK + """
import subprocess

@app.get("/e")
def e():
    subprocess.run(["grep", request.args["q"], "log"])
""", "BA-INP-003", False),
    "constant-shell-true": ("""
import subprocess

def uptime():
    return subprocess.check_output("uptime | cut -d, -f1", shell=True)
""", "BA-INP-003", False),
    "getattr-os-system": (FLASK + """
import os

@app.get("/f")
def f():
    getattr(os, "system")(request.args["c"])  #!
""", "BA-INP-003", True),
    "dunder-import-system": (FLASK + """
@app.get("/g")
def g():
    __import__("os").system(request.args["c"])  #!
""", "BA-INP-003", True),
    "popen": (FLASK + """
import os

@app.get("/g")
def g():
    return os.popen("ls " + request.args["d"]).read()  #!
""", "BA-INP-003", True),
    "untraced-sql-after-equals-is-built": ("""
def q(cursor, v):
    cursor.execute(f"SELECT * FROM t WHERE a = {v}")  #!
""", "BA-SQL-001", True),
    "unknown-origin-is-lower": ("""
import os

def run(cmd):
    os.system(cmd)  #!
""", "BA-INP-003", True),
    # guards that dominate the sink
    "allowlist-guard": (FLASK + """
import os
ALLOWED = {"uptime", "df"}

@app.get("/h")
def h():
    cmd = request.args["c"]
    if cmd not in ALLOWED:
        abort(400)
    os.system(cmd)
""", "BA-INP-003", False),
    "isdigit-guard": (FLASK + """
@app.get("/i")
def i(cur):
    n = request.args["n"]
    if not n.isdigit():
        return "bad", 400
    cur.execute("SELECT * FROM t LIMIT " + n)
""", "BA-SQL-001", False),
    "guard-after-sink-does-not-count": (FLASK + """
@app.get("/i")
def i(cur):
    n = request.args["n"]
    cur.execute("SELECT * FROM t LIMIT " + n)  #!
    if not n.isdigit():
        return "bad", 400
""", "BA-SQL-001", True),
    "int-sanitises": (FLASK + """
@app.get("/j")
def j(cur):
    cur.execute(f"SELECT * FROM t WHERE id = {int(request.args['id'])}")
""", "BA-SQL-001", False),
    "shlex-only-for-shell": (FLASK + """
import shlex

@app.get("/k")
def k(cur):
    cur.execute("SELECT * FROM t WHERE n = '" + shlex.quote(request.args["n"]) + "'")  #!
""", "BA-SQL-001", True),
    # paths
    "secure-filename": (FLASK + """
from werkzeug.utils import secure_filename

@app.post("/u")
def u():
    f = request.files["f"]
    f.save(open("/srv/up/" + secure_filename(f.filename), "wb"))
""", "BA-INP-006", False),
    "resolve-relative-guard": (FLASK + """
from pathlib import Path
BASE = Path("/srv/data")

@app.get("/p")
def p():
    target = (BASE / request.args["f"]).resolve()
    if not target.is_relative_to(BASE):
        abort(403)
    return target.read_text()
""", "BA-INP-006", False),
    "pathlib-read": (FLASK + """
from pathlib import Path

@app.get("/p")
def p():
    return Path("/srv/data", request.args["f"]).read_text()  #!
""", "BA-INP-006", True),
    # header and form names are input too
    "header-names": (FLASK + """
@app.get("/hd")
def hd(cur):
    for name in request.headers.keys():
        cur.execute("INSERT INTO seen VALUES ('" + name + "')")  #!
""", "BA-SQL-001", True),
    # values on self, read in another method
    "self-attribute": (FLASK + """
import os

class Job:
    def __init__(self, target):
        self.target = target

    def run(self):
        os.system("ping -c 1 " + self.target)  #!

@app.get("/job")
def job():
    Job(request.args["host"]).run()
""", "BA-INP-003", True),
    # key-value stores read with constant keys are configuration, not request data
    "configparser": ("""
import configparser, os
cfg = configparser.ConfigParser()

def backup():
    os.system("tar czf /b.tgz " + cfg.get("backup", "dir"))
""", "BA-INP-003", False),
    # SSRF: only the path after a constant host is a note; an allowlisted host nothing
    "ssrf-fixed-host-is-note": (FLASK + """
import requests

@app.get("/s")
def s():
    return requests.get(f"https://api.example.com/items/{request.args['id']}", timeout=5).text  #!
""", "BA-INP-007", True),
    # redirects to a constant path prefix are not open redirects
    "redirect-relative": (FLASK + """
@app.get("/r")
def r():
    return redirect("/items/" + request.args["id"])
""", "BA-INP-009", False),
    "session-trust": (FLASK + """
@app.post("/t")
def t():
    session["user_id"] = request.form["uid"]  #!
""", "BA-INP-012", True),
    # Django: URL kwargs of a view the urlconf routes to; a helper with a request parameter is not a view
    # SQL the ORM compiled, its params bound separately
    "orm-compiled-where-is-safe": ("""
from django.db import connection

def counts(queryset, project):
    compiler = connection.ops.compiler(queryset.query.compiler)(queryset.query, connection, None)
    where, params = queryset.query.where.as_sql(compiler, connection)
    with connection.cursor() as c:
        c.execute("SELECT status_id, count(*) FROM issues WHERE {} GROUP BY 1".format(where), params + [project.id])
""", "BA-SQL-001", False),
    # a model's db_table, a content type's id and a user's id: from code and the database
    "model-table-and-keys-are-safe": ("""
def attach_watchers(queryset, user, content_types):
    model = queryset.model
    ct = content_types.get_for_model(model)
    sql = "SELECT count(*) FROM watched w WHERE w.type = {t} AND w.obj = {tbl}.id AND w.user = {u}"
    return queryset.extra(select={"n": sql.format(t=ct.id, tbl=model._meta.db_table, u=user.pk)})
""", "BA-SQL-001", False),
    "request-id-attribute-is-still-request-data": (FLASK + """
@app.post("/x")
def x():
    body = request.get_json(force=True)
    return get_cursor().execute("DELETE FROM t WHERE id = '%s'" % body.id)  #!
""", "BA-SQL-001", True),
    "numeric-percent-format-is-safe": ("""
def kill(cursor, thread_id):
    cursor.execute("KILL %d" % thread_id)
""", "BA-SQL-001", False),
    "numeric-percent-format-of-request-data-is-safe": (FLASK + """
@app.post("/kill")
def kill():
    get_cursor().execute("KILL %d" % request.form["pid"])
""", "BA-SQL-001", False),
    "restricted-python-is-a-sandbox": (FLASK + """
from RestrictedPython import compile_restricted

@app.post("/run")
def run():
    code = compile_restricted(request.form["code"], "<string>", "exec")
    exec(code, {"__builtins__": {}})
""", "BA-INP-005", False),
    "ssrf-path-after-host-is-note": (FLASK + """
import requests

def key(region):
    return requests.get(f"https://keys.{region}.example.com/{request.headers['kid']}")  #!
""", "BA-INP-007", True),
    # the project's own redirect check: the target's host must be the one the request came to
    "redirect-host-is-the-requests": (FLASK + """
from urllib.parse import urlparse

@app.get("/go")
def go():
    target = request.args["next"]
    if urlparse(target).netloc not in ("", request.host):
        abort(400)
    return redirect(target)
""", "BA-INP-009", False),
    "redirect-host-checked-against-the-request-too-late": (FLASK + """
from urllib.parse import urlparse

@app.get("/go")
def go():
    target = request.args["next"]
    response = redirect(target)  #!
    if urlparse(target).netloc != request.host:
        abort(400)
    return response
""", "BA-INP-009", True),
    "django-raw": ("""
from django.db import connection
from django.http import HttpResponse

def report(request, year):
    with connection.cursor() as c:
        c.execute("SELECT * FROM sales WHERE year = " + year)  #!
    return HttpResponse("ok")
""", "BA-SQL-001", True),
}
# untraced SQL is a note (rules/sql/BA-SQL-001.yaml `levels:`), and so is an untraced shell command
# (BA-INP-003: only a traced flow from a request is positive evidence); other rules report it one level lower
LEVEL = {"unknown-origin-is-lower": "note", "untraced-sql-after-equals-is-built": "note",
         "ssrf-fixed-host-is-note": "note", "django-raw": "note", "ssrf-path-after-host-is-note": "note"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_taint_case(tmp_path, name):
    code, rule, flagged = CASES[name]
    code = textwrap.dedent(code)
    lines = [i for i, text in enumerate(code.splitlines(), 1) if text.endswith("#!")]
    assert bool(lines) == flagged
    result = _scan(tmp_path, {"app/views.py": code}, select=(rule,))
    found = [f for f in result.findings if f.rule_id == rule]
    assert sorted(f.line for f in found) == lines, [(f.line, f.level, f.message) for f in found]
    for f in found:
        assert f.level == LEVEL.get(name, "error" if rule in ("BA-SQL-001", "BA-INP-003", "BA-INP-006") else
                                    f.level)
        assert f.trace and f.trace[-1]["line"] == f.line
        assert ("origin not traced" in f.message) == (name in ("unknown-origin-is-lower", "django-raw",
                                                               "untraced-sql-after-equals-is-built"))


def test_django_url_kwargs_of_a_routed_view_are_request_data(tmp_path):
    result = _scan(tmp_path, {
        "shop/views.py": CASES["django-raw"][0].replace("  #!", ""),
        "shop/urls.py": "from django.urls import path\nfrom . import views\n\n"
                        "urlpatterns = [path('sales/<str:year>/', views.report)]\n",
    }, select=("BA-SQL-001",))
    assert _found(result) == [("BA-SQL-001", "shop/views.py", 7, "error")]
    assert "URL parameter year" in result.findings[0].message


def test_migrations_and_terminal_programs_report_only_request_data(tmp_path):
    """Untraced values in a migration or a program run from a terminal are the code's, the database's or
    the operator's; the same code in an application module, or a `__main__` module serving routes, is not."""
    shell = "import os\n\ndef run(lang):\n    os.system('msgfmt ' + lang)\n"
    sql = "def fix(cursor, table):\n    cursor.execute('UPDATE %s SET x = 1' % table)\n"
    result = _scan(tmp_path, {
        "shop/migrations/0002_data.py": "from django.db import migrations\n\n" + sql +
                                        "\nclass Migration(migrations.Migration):\n    pass\n",
        "db/versions/2021_ab12.py": "from alembic import op\n\n" + sql + "\ndef upgrade():\n    pass\n",
        "db/env.py": "from alembic import context\n\n" + sql,
        "scripts/translations.py": shell,
        "tools_main.py": shell + "\nif __name__ == '__main__':\n    import sys\n    run(sys.argv[1])\n",
        "shop/helpers.py": shell,
        "serve.py": FLASK + shell + "\n@app.get('/x')\ndef x():\n    run(request.args['l'])\n"
                              "\nif __name__ == '__main__':\n    app.run()\n",
    }, select=("BA-SQL-001", "BA-INP-003"))
    assert _found(result) == [("BA-INP-003", "serve.py", 6, "error"), ("BA-INP-003", "shop/helpers.py", 4, "note")]


def test_session_value_checked_wherever_it_is_read_back(tmp_path):
    """Storing the request's next URL is harmless when every read of that key reaches its redirect
    through a check; a key also read unchecked is still reported."""
    helpers = "from urllib.parse import urlsplit\n\ndef safe_next(url):\n    if is_safe_url(url):\n" \
              "        return url\n    return '/'\n"
    code = FLASK + helpers + """
@app.get("/login")
def login():
    session["next_url"] = request.args.get("next")
    session["back"] = request.args.get("back")
    return redirect("/sso")

@app.get("/done")
def done():
    return redirect(safe_next(session.get("next_url")))

@app.get("/back")
def back():
    return redirect(session["back"])
"""
    result = _scan(tmp_path, {"app/views.py": code}, select=("BA-INP-012", "BA-INP-009"))
    assert _found(result) == [("BA-INP-012", "app/views.py", 13, "warning")]


def test_session_key_nobody_reads_is_a_note_and_so_is_one_only_a_computed_key_may_read(tmp_path):
    code = FLASK + """from flask import session

@app.get("/login")
def login():
    session["hint"] = request.args.get("hint")
    return ""
"""
    result = _scan(tmp_path, {"app/views.py": code}, select=("BA-INP-012",))
    assert [level for *_, level in _found(result)] == ["note"]
    reader = FLASK + """from flask import session

@app.get("/any")
def any_key():
    return {"v": session.get(request.args["k"])}
"""
    result = _scan(tmp_path, {"app/views.py": code, "app/other.py": reader}, select=("BA-INP-012",))
    # a read under a computed key may read this one, but no read is traced trusting it: a note that says so
    assert [level for *_, level in _found(result)] == ["note"]
    assert "computed keys" in result.findings[0].message
    by_constant = FLASK + """from flask import session
HINT = "hint"

@app.get("/use")
def use():
    return {"v": session[HINT]}
"""
    result = _scan(tmp_path / "c", {"app/views.py": code, "app/other.py": by_constant}, select=("BA-INP-012",))
    # read back, but only echoed: a key that names no identity or right and reaches no sink stays a note
    assert [level for *_, level in _found(result)] == ["note"]
    other_constant = by_constant.replace('HINT = "hint"', 'HINT = "theme"')
    result = _scan(tmp_path / "d", {"app/views.py": code, "app/other.py": other_constant}, select=("BA-INP-012",))
    assert [level for *_, level in _found(result)] == ["note"]
    # the same read under a key named for who the user is, only echoed: the name alone does not establish that
    # the code trusts it for that (none of the rule's reviewed warnings was real), a note that says so
    role = code.replace('session["hint"]', 'session["user_role"]')
    by_role = by_constant.replace('HINT = "hint"', 'HINT = "user_role"')
    result = _scan(tmp_path / "e", {"app/views.py": role, "app/other.py": by_role}, select=("BA-INP-012",))
    assert [level for *_, level in _found(result)] == ["note"]
    assert "not established" in result.findings[0].message


def test_reports_carry_the_path(tmp_path):
    code = FLASK + 'import os\n\n@app.get("/x")\ndef x():\n    name = request.args["n"]\n' \
                   '    os.system("echo " + name)  # <script>alert(1)</script>\n'
    result = _scan(tmp_path, {"app/views.py": code}, select=("BA-INP-003",))
    [f] = result.findings
    data = f.to_dict()
    assert [s["line"] for s in data["trace"]] == [7, 7, 8]
    assert data["trace"][0]["message"].startswith("request data")
    log = sarif.to_log(result, {})
    [res] = log["runs"][0]["results"]
    steps = res["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps] == [7, 7, 8]
    assert steps[0]["location"]["physicalLocation"]["artifactLocation"]["uri"] == "app/views.py"
    try:
        assert_valid(json.dumps(log))
    except pytest.skip.Exception:
        pass  # the structural checks ran; the OASIS schema needs ../shared
    page = html.render(result, {})
    assert "<script>alert(1)</script>" not in page  # the trace text is JSON-escaped data
    assert "Data flow (" in html_asset("report.js")


def html_asset(name: str) -> str:
    return (Path(html.__file__).parent / "templates" / name).read_text(encoding="utf-8")


def test_user_models_add_sources_and_sinks(tmp_path, capsys):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "ours.yaml").write_text(textwrap.dedent("""
        name: ours
        sources:
          - object: app.web.current_input
            methods: [read]
        sinks:
          - {call: app.db.raw, kind: sql, args: [0]}
        sanitizers:
          - {call: app.db.quote, kinds: [sql]}
        examples: []
    """), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.backend-audit]\ntaint-models = ["models/ours.yaml"]\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "jobs.py").write_text(
        "from app import db, web\n\n\ndef job():\n    db.raw('SELECT ' + web.current_input.read())\n"
        "    db.raw('SELECT ' + db.quote(web.current_input.read()))\n", encoding="utf-8")
    code = main(["scan", str(tmp_path), "--select", "BA-SQL-001", "-f", "json:-", "--no-cache"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and [(f["line"], f["level"]) for f in out["findings"]] == [(5, "error")]
    (tmp_path / "models" / "ours.yaml").write_text("sinks: [{call: x, kind: telepathy}]\n")
    code = main(["scan", str(tmp_path), "--select", "BA-SQL-001", "--no-cache"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "kind must be one of" in err and len(err.splitlines()) == 1
    (tmp_path / "pyproject.toml").write_text('[tool.backend-audit]\ntaint-models = ["../outside.yaml"]\n')
    assert main(["scan", str(tmp_path), "--no-cache"]) == 2


def test_redirect_back_to_the_referer_is_a_note(tmp_path):
    """The Referer under each spelling is a note for BA-INP-009 (the browser sets it); `next=` in the same
    redirect keeps the warning. For the session rule the mark is no check (still reported), but a Referer kept
    in the user's own session as a redirect-back target is a note: the redirect that reads it is BA-INP-009's."""
    result = _scan(tmp_path, {"app/views.py": FLASK + """
@app.post("/a")
def a():
    return redirect(request.headers.get("Referer") or "/")

@app.post("/b")
def b():
    return redirect(request.referrer)

@app.post("/c")
def c():
    return redirect(request.headers["referer"] + request.args["next"])

@app.post("/d")
def d():
    session["back"] = request.headers.get("Referer")

@app.get("/e")
def e():
    return redirect(session.get("back"))
""", "app/dj.py": """
from django.shortcuts import redirect

def back(request):
    return redirect(request.META.get("HTTP_REFERER", "/"))
"""})
    got = [(p, line, level) for rule, p, line, level in _found(result) if rule in ("BA-INP-009", "BA-INP-012")]
    assert got == [("app/dj.py", 5, "note"), ("app/views.py", 6, "note"), ("app/views.py", 10, "note"),
                   ("app/views.py", 14, "warning"), ("app/views.py", 18, "note")]



def test_untraced_sql_from_a_migrations_module_is_silent_at_the_wrappers_sink_too(tmp_path):
    """The project's own migrations.py (schema DDL) is offline: its untraced SQL reports nothing, neither in
    it nor where it reaches the database wrapper's execute; the same built SQL from a job module does."""
    files = {"app/db.py": """
from sqlalchemy import text

class Database:
    def __init__(self, conn):
        self.conn = conn

    def execute(self, query, values=None):
        return self.conn.execute(text(query), values or {})

    def fetch(self, query, values=None):
        return self.conn.execute(text(query), values or {}).all()
""", "app/migrations.py": """
from app.db import Database

def m001_initial(db: Database):
    db.execute(f"CREATE TABLE payments (amount {db.big_int} NOT NULL)")
""", "app/jobs.py": """
from app.db import Database

def purge(db: Database, table):
    return db.fetch(f"SELECT * FROM {table}")
"""}
    result = _scan(tmp_path, files, ("BA-SQL-001",))
    starts = sorted((f.path, f.line, f.trace[0]["path"]) for f in result.findings)
    assert starts == [("app/db.py", 12, "app/jobs.py"), ("app/jobs.py", 5, "app/jobs.py")]


def test_a_project_predicate_guard_sanitises_only_what_its_body_proves(tmp_path):
    # containment proves the path safe for a file sink, not for SQL
    result = _scan(tmp_path, {
        "app/checks.py": """
            from pathlib import Path


            def is_inside(child: Path, parent: Path) -> bool:
                return parent.resolve() in child.resolve().parents
        """,
        "app/views.py": """
            import sqlite3
            from pathlib import Path

            from flask import Flask, abort, request

            from .checks import is_inside

            app = Flask(__name__)
            BASE = Path("/srv/files")


            @app.get("/file")
            def file():
                target = BASE / request.args["name"]
                if not is_inside(target, BASE):
                    abort(400)
                with sqlite3.connect("app.db") as db:
                    db.execute(f"INSERT INTO seen VALUES ('{target}')")
                return target.read_text()
        """,
    }, select=("BA-INP-006", "BA-SQL-001"))
    assert _found(result) == [("BA-SQL-001", "app/views.py", 19, "error")]


def test_guard_read_through_a_local_binding(tmp_path):
    """`ok = url_has_allowed_host_and_scheme(url=u, ...)` then `if not ok: return` checks u; a name bound from
    itself (`q = q or default`, then `if not q`) is no check and must not send the guard round in circles."""
    files = {
        "app/views.py": """
            from django.db import connection
            from django.shortcuts import redirect
            from django.utils.http import url_has_allowed_host_and_scheme


            def back(request):
                target = request.GET.get("next", "/")
                ok = url_has_allowed_host_and_scheme(url=target, allowed_hosts={request.get_host()})
                if not ok:
                    return redirect("/")
                return redirect(target)


            def search(request):
                q = request.GET.get("q")
                q = q or "x"
                if not q:
                    return redirect("/")
                with connection.cursor() as cur:
                    cur.execute("SELECT * FROM t WHERE name = '" + q + "'")
                return redirect("/")
        """,
    }
    found = _found(_scan(tmp_path, files))
    assert [(r, line) for r, _, line, _ in found] == [("BA-SQL-001", 21)]
