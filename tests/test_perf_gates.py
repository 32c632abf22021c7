"""Shortcuts taken for speed in the per-file facts must answer what the full computation answers.

Each gate or cheaper form is checked against the plain computation it replaces (written out here as it
was) on every function of this package's model code, which holds thousands of defs, calls and tests, and
on the shapes the shortcut has to get right (non-ASCII identifiers, decorators, nested defs).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from backend_audit.checks.base import dotted, split_lines
from backend_audit.model.frameworks import capability
from backend_audit.model.frameworks import functions as facts_functions
from backend_audit.model.frameworks.capability import may_look_up_secrets, secret_lookups
from backend_audit.model.frameworks.common import last_name

SRC = Path(capability.__file__).resolve().parents[2]


def _reference_lookups(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[list[str], dict[str, str]]:
    """`secret_lookups` as it was: every node walked, whatever the function's parameters and text."""
    args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    params = {a.arg for a in args}
    names = {a for a in params if capability._SECRET_PARAM.search(a) and not capability._NOT_SECRET.search(a)}
    proofs = names | {a for a in params if capability._PROOF_PARAM.search(a)}
    used: set[str] = set()
    checked: dict[str, str] = {}
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            tail = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            checks = bool(capability._CHECK_CALL.match(tail))
            for value in [*call.args, *(k.value for k in call.keywords)]:
                if isinstance(value, ast.Name) and value.id in proofs and checks:
                    checked.setdefault(value.id, dotted(func) or tail)
                if isinstance(value, ast.Name) and value.id in names:
                    used.add(value.id)
                elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and \
                        value.value.id in params and value.value.id not in ("self", "cls", "request") and \
                        capability._SECRET_FIELD.search(value.attr) and not capability._NOT_SECRET.search(value.attr):
                    used.add(f"{value.value.id}.{value.attr}")
    return sorted(used), dict(sorted(checked.items()))


def _gated_lookups(node: ast.AST, lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """What the function facts record: the walk only where the def's text may name a secret or a proof."""
    return secret_lookups(node) if may_look_up_secrets(node, lines) else ([], {})


@functools.lru_cache(maxsize=1)
def _package_files() -> list[tuple[list[str], ast.Module]]:
    out = []
    for path in sorted((SRC / "model").rglob("*.py")):  # the facts' own code: web handlers' shapes and many defs
        text = path.read_text(encoding="utf-8")
        out.append((split_lines(text), ast.parse(text)))
    return out


SHAPES = '''
async def claim(session, body: ClaimIn):
    return claim_seat(session, body.invitation_token)

def download(token: str, db):
    return get_from_token(db, token=token)

def by_api_key(payload):
    return find(payload.api_key)

def nested(session):
    def inner(data):
        return lookup(data.client_secret)
    return inner

@router.get("/x/{token}", dependencies=[check(token)])
def decorated(token):
    return 1

def wide(\uff54oken):
    return get_by(\uff54oken)

def oauth_callback(state, code, db):
    return state_manager.validate_state(state)

def kelvin(body):
    return get_by(body.api_\u212aey)

def plain(self, request, user_id):
    return load(request.user, user_id)

def no_params():
    return lookup(TOKEN)
'''


def test_secret_gate_keeps_every_lookup_of_the_shapes() -> None:
    lines = split_lines(SHAPES)
    tree = ast.parse(SHAPES)
    both = {n.name: _gated_lookups(n, lines) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found = {name: keys for name, (keys, _checked) in both.items()}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert _gated_lookups(node, lines) == _reference_lookups(node), node.name
    assert found["claim"] == ["body.invitation_token"]
    assert found["download"] == ["token"]
    assert found["by_api_key"] == ["payload.api_key"]
    assert found["inner"] == ["data.client_secret"]
    assert found["nested"] == []  # `data` is the inner function's parameter, not the outer's
    assert found["decorated"] == ["token"]  # named in the decorator's call: ast.walk visits decorators
    assert found["wide"] == ["token"]  # fullwidth letters: NFKC makes the identifier `token`
    assert found["kelvin"] == ["body.api_Key"]  # the Kelvin sign becomes K: the text has no "key"
    assert found["plain"] == found["no_params"] == []
    assert both["oauth_callback"] == ([], {"state": "state_manager.validate_state"})  # no secret word in the text


def test_secret_gate_and_early_return_match_the_full_walk_on_this_package() -> None:
    checked = gated_out = 0
    for lines, tree in _package_files():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                checked += 1
                gated_out += not may_look_up_secrets(node, lines)
                assert _gated_lookups(node, lines) == _reference_lookups(node), (node.name, node.lineno)
    assert checked > 700 and gated_out > 300  # the comparison covered both sides of the gate


def _reference_session_test(test: ast.expr, local_exprs: dict[str, ast.expr] | None = None) -> bool:
    """`_session_user_test` as it was: every dotted name of the test built, then its last part compared."""
    parts = [test]
    for n in ast.walk(test):
        if isinstance(n, ast.Name) and local_exprs and n.id in local_exprs:
            parts.append(local_exprs[n.id])
    for part in parts:
        names = [dotted(n) or "" for n in ast.walk(part) if isinstance(n, (ast.Name, ast.Attribute))]
        if any(last_name(n) == "session" for n in names) and any(
                isinstance(n, ast.Constant) and isinstance(n.value, str) and
                facts_functions._SESSION_IDENTITY.search(n.value) for n in ast.walk(part)):
            return True
    return False


@pytest.mark.parametrize("expr", [
    '"username" not in session', 'not session.get("user_id")', 'not flask.session.get("user_id")',
    'not get_store().session.get("user_id")', 'not self.sessions.get("user_id")', 'session',
    '"user_id" in request.session', 'not session_user("user_id")', 'x.session and "user" in y',
])
def test_session_user_test_matches_the_dotted_form(expr: str) -> None:
    test = ast.parse(expr, mode="eval").body
    assert facts_functions._session_user_test(test) == _reference_session_test(test)


def test_session_user_test_matches_the_dotted_form_on_this_package() -> None:
    asked = 0
    for _, tree in _package_files():
        for node in ast.walk(tree):
            if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)):
                asked += 1
                assert facts_functions._session_user_test(node.test) == _reference_session_test(node.test)
    assert asked > 1000


def _context_after_walk(text: str, path: str = "tool.py"):
    from backend_audit.checks.base import FileContext
    from backend_audit.engines import ast_walk

    ctx = FileContext(path=path, is_test=False, rules={}, options={}, text=text)
    ast_walk.run_checks(ast.parse(text), ctx, [])
    return ctx


_ASKING = [
    "import sys as s\nprint(s.argv[1])\n",
    "import os, sys\nos.system(sys.argv[1])\n",
    "from getpass import getpass as ask\nask()\n",
    "import code\ncode.interact()\n",
    "name = input('name? ')\n",
    "import builtins\nbuiltins.input()\n",
    "\uff49\uff4e\uff50\uff55\uff54()\n",  # `input()` spelled in fullwidth letters: the parser reads `input`
]


@pytest.mark.parametrize("text", _ASKING)
def test_a_module_asking_its_user_is_seen_through_the_textual_gate(text):
    from backend_audit.checks import util

    assert util._asks_its_user(_context_after_walk(text))


def test_the_asking_gate_answers_as_the_walk_on_this_package():
    from backend_audit.checks import util

    def walked(ctx) -> bool:  # `_asks_its_user` as it was: every module walked
        return util.defines_cli(ctx) or any(
            isinstance(n, ast.Attribute) and (ctx.qualname(n) or "") == "sys.argv" or
            isinstance(n, ast.Call) and (ctx.qualname(n.func) or "") in ("builtins.input", "getpass.getpass",
                                                                       "code.interact") for n in ast.walk(ctx.tree))

    answers = set()
    for path in sorted(SRC.rglob("*.py")) + [Path(__file__)]:
        ctx = _context_after_walk(path.read_text(encoding="utf-8"), path.name)
        answers.add(util._asks_its_user(ctx))
        assert util._asks_its_user(ctx) == walked(ctx), path
    assert answers == {True, False}


# --- BA-AUTH-005 and BA-INP-009: the file-text and store-call gates (session 35) ---------------------------

_SECRET_COMPARES = [
    # a request header against a configured secret: the warning the gate must never hide
    "from django.conf import settings\n\ndef view(request):\n"
    "    if request.headers.get('X-Token') == settings.API_TOKEN:\n        return 1\n",
    # headers handed on by themselves: no `req` in the file, `headers` and `environ` are the trigger words
    "import os\n\ndef check(headers):\n    return headers.get('X-Secret') == os.environ['WEBHOOK_SECRET']\n",
    # membership among configured secrets
    "from django.conf import settings\n\ndef view(request):\n"
    "    if request.headers.get('X-Api-Key') not in settings.API_KEYS:\n        raise PermissionError\n",
    # a parameter against a configured secret, and a caller handing it request data (the project pass's facts)
    "import os\n\ndef validate_token(token):\n    return token == os.getenv('API_TOKEN')\n\n"
    "def view(request):\n    return validate_token(request.headers.get('X-Token'))\n",
    # spelled in fullwidth letters: the parser reads `req.args` and `config`, the text holds no trigger word
    "def view(\uff52\uff45\uff51):\n    return \uff52\uff45\uff51.\uff41\uff52\uff47\uff53['token'] == "
    "\uff43\uff4f\uff4e\uff46\uff49\uff47['SECRET_KEY']\n",
]


def _run_check(check: type, text: str, path: str = "app/views.py"):
    from backend_audit.catalog import rules_by_id
    from backend_audit.checks.base import FileContext
    from backend_audit.engines import ast_walk

    ctx = FileContext(path=path, is_test=False, rules=rules_by_id(), options={}, text=text)
    ast_walk.run_checks(ast.parse(text), ctx, [check])
    return [(f.line, f.level, f.message) for f in ctx.findings], ctx.facts


def _ungated_secret_compares() -> type:
    from backend_audit.checks.sessions import SecretComparedWithEquals

    class Ungated(SecretComparedWithEquals):
        def __init__(self, ctx) -> None:
            super().__init__(ctx)
            self.may_configure = self.may_request = True
    return Ungated


@pytest.mark.parametrize("text", _SECRET_COMPARES)
def test_secret_compare_gates_keep_the_findings_of_their_trigger_shapes(text):
    from backend_audit.checks.sessions import SecretComparedWithEquals

    gated = _run_check(SecretComparedWithEquals, text)
    assert gated[0] or gated[1], "the shape must give a finding or a fact"
    assert gated == _run_check(_ungated_secret_compares(), text)


def test_a_request_value_against_a_configured_secret_is_a_warning_through_the_gates():
    from backend_audit.checks.sessions import SecretComparedWithEquals

    findings, _ = _run_check(SecretComparedWithEquals, _SECRET_COMPARES[0])
    assert [(line, level) for line, level, _ in findings] == [(4, "warning")]


def _package_texts(check: type) -> list[tuple[str, str]]:
    """The checks' own code, the example backend and this file: what the check's PREFILTER lets through (the
    runner walks no other file with it)."""
    # the package may be installed (site-packages, as CI installs it) rather than this checkout's src/
    repo = Path(__file__).resolve().parents[1]
    paths = sorted((SRC / "checks").glob("*.py")) + sorted((repo / "examples").rglob("*.py")) + [Path(__file__)]
    texts = [(_relative(p, repo, SRC.parent), p.read_text(encoding="utf-8")) for p in paths]
    return [(path, text) for path, text in texts if any(n in text for n in check.PREFILTER)]


def test_secret_compare_gates_answer_as_the_full_search_on_this_package():
    from backend_audit.checks.sessions import SecretComparedWithEquals

    ungated = _ungated_secret_compares()
    for path, text in _package_texts(SecretComparedWithEquals):
        assert _run_check(SecretComparedWithEquals, text, path) == _run_check(ungated, text, path), path


_STORED_REDIRECT = (
    "def login(request):\n"
    "    state = new_state()\n"
    "    cache.set('openid:state:' + state, request.GET['callback'], 600)\n\n"
    "def exchange(request):\n"
    "    callback = cache.delete('openid:state:' + request.GET['state'])\n"
    "    return HTTPFound(callback + '#token=' + fetch_token())\n"
)


def _ungated_stored_redirect() -> type:
    from backend_audit.checks.stored_redirect import StoredRedirectFacts

    class Ungated(StoredRedirectFacts):
        def visit_Call(self, node) -> None:
            self.writes = True
    return Ungated


def test_stored_redirect_gate_keeps_the_store_and_the_redirect():
    from backend_audit.checks.stored_redirect import SINKS, WRITES, StoredRedirectFacts

    _, facts = _run_check(StoredRedirectFacts, _STORED_REDIRECT)
    assert [w[:2] for w in facts[WRITES]] == [["openid:state:", 3]]
    assert [(s["prefix"], s["line"], s["tokens"]) for s in facts[SINKS]] == [("openid:state:", 7, True)]
    # each half alone (the write in one file, the redirect in another) still leaves its fact
    write_only, read_only = _STORED_REDIRECT.split("\n\n")
    assert WRITES in _run_check(StoredRedirectFacts, write_only)[1]
    assert SINKS in _run_check(StoredRedirectFacts, read_only)[1]


def test_stored_redirect_gate_answers_as_every_function_walked_on_this_package():
    ungated = _ungated_stored_redirect()
    from backend_audit.checks.stored_redirect import StoredRedirectFacts

    for path, text in _package_texts(StoredRedirectFacts) + [("app/openid.py", _STORED_REDIRECT)]:
        assert _run_check(StoredRedirectFacts, text, path) == _run_check(ungated, text, path), path


def _relative(path: Path, *roots: Path) -> str:
    for root in roots:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.name


# A re-cased read (`fmt = request.GET.get("format").lower()`) stays the local's until the local is bound to
# something else: asked only of locals that hold one (the gate), where every `x = ...` once walked its value.
_RECASED = (
    "from django.http import HttpResponse\n\n"
    "def fresh(request):\n"
    "    fmt = request.GET.get('format', 'json').lower()\n"
    "    fmt = 'json'\n"
    "    if fmt not in {'json', 'html'}:\n"
    "        raise ValueError(fmt)\n"
    "    return HttpResponse(fmt)\n\n"
    "def kept(request):\n"
    "    fmt = request.GET.get('format', 'json').lower()\n"
    "    fmt = normalise(fmt)\n"
    "    if fmt not in {'json', 'html'}:\n"
    "        raise ValueError(fmt)\n"
    "    return HttpResponse(fmt)\n"
)


def _ungated_function_facts() -> type:
    from backend_audit.model.frameworks.functions import FunctionFacts, _unwrap_case
    from backend_audit.model.frameworks.input_sinks import rebinds_from

    class Ungated(FunctionFacts):
        def visit_Assign(self, node) -> None:
            super().visit_Assign(node)
            if not self.stack:
                return
            for target in node.targets:  # as it was: every local bound to a value walks it
                if isinstance(target, ast.Name) and \
                        _unwrap_case(node.value) is node.value and not rebinds_from(target.id, node.value):
                    self.stack[-1].recased.pop(target.id, None)
    return Ungated


def _reads(facts: dict) -> dict[str, list[int]]:
    return {q: [r["line"] for r in f.get("raw_reads", [])] for q, f in facts.get("functions", {}).items()}


def test_recased_gate_drops_the_read_only_when_the_local_is_rebound_elsewhere():
    from backend_audit.model.frameworks.functions import FunctionFacts

    _, facts = _run_check(FunctionFacts, _RECASED)
    # bound to a constant, the local no longer holds the read: its check checks nothing read, the read stays;
    # rebound from itself, the check of the local is the read's check, and the read is taken back
    assert _reads(facts)["fresh"] == [4]
    assert _reads(facts)["kept"] == []
    assert _run_check(FunctionFacts, _RECASED) == _run_check(_ungated_function_facts(), _RECASED)


def test_recased_gate_answers_as_every_assignment_walked_on_this_package():
    from backend_audit.model.frameworks.functions import FunctionFacts

    ungated = _ungated_function_facts()
    repo = Path(__file__).resolve().parents[1]
    paths = sorted((SRC / "model").rglob("*.py")) + sorted((repo / "examples").rglob("*.py"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert _run_check(FunctionFacts, text, path.name) == _run_check(ungated, text, path.name), path


# --- the module facts' `sys.argv` search, gated on the word (session 37) ------------------------------------

_ARGV = [
    "import sys\nNAME = sys.argv[1]\n",
    "import sys\nif len(sys.argv) > 1:\n    run(sys.argv[1])\n",
    "import sys\nTABLE = [('a', 'é'), (sys.argv, 'b')]\n",  # a non-ASCII data module that still reads argv
    "import sys\nprint(sys.\uff41\uff52\uff47\uff56)\n",  # `argv` spelled in fullwidth letters: the parser reads `argv`
    "import sys\nX = 'é'\nprint(sys.\uff41\uff52\uff47\uff56)\n",
    "import sys\nX = 'e\u0301'\nprint(sys.\U0001d41a\U0001d42b\U0001d420\U0001d42f)\n",  # mathematical bold, text not NFC
]


def _module_facts(text: str) -> dict:
    from backend_audit.checks.base import FileContext
    from backend_audit.engines import ast_walk
    from backend_audit.model.facts import ModuleShapeCollector

    ctx = FileContext(path="tool.py", is_test=False, rules={}, options={}, text=text)
    ast_walk.run_checks(ast.parse(text), ctx, [], [ModuleShapeCollector])
    return ctx.facts


@pytest.mark.parametrize("text", _ARGV)
def test_a_module_reading_argv_is_seen_through_the_word_gate(text):
    assert _module_facts(text).get("runs_as_script") is True


def test_the_argv_gate_answers_as_the_walk_on_this_package():
    from backend_audit.model import facts as module_facts
    from backend_audit.model.frameworks import common

    with pytest.MonkeyPatch.context() as mp:
        texts = [p.read_text(encoding="utf-8") for p in sorted(SRC.rglob("*.py")) + [Path(__file__)]]
        texts += _ARGV + ["X = [('é', 'ü')] * 3\n", "import sys\nARGS = sys.argv\n", "def f():\n    sys.argv\n"]
        gated = [_module_facts(t).get("runs_as_script") for t in texts]
        mp.setattr(module_facts, "may_name", lambda text, word: True)
        walked = [_module_facts(t).get("runs_as_script") for t in texts]
    assert gated == walked
    assert set(gated) == {True, None}
    assert common.may_name("x = 1\n", "argv") is False and common.may_name("é = 'argv'\n", "argv") is True


def test_matching_paths_answers_as_each_path_asked():
    """config.matching (the checklist's evidence: the joined regex run over the paths at once) keeps the paths
    matches_any accepts, in order, for the bundled evidence specs and for globs that need the linear matcher."""
    import yaml

    from backend_audit.config import matches_any, matching

    root = Path(__file__).resolve().parent.parent  # the repository (SRC is site-packages when installed)
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts
                   and ".venv" not in p.parts and "__pycache__" not in p.parts)
    paths += ["a/migrations/0001_x.py", "deploy/k8s/app.yaml", "x/locust/run.py", "Chart.yaml", "a/b/values-prod.yaml",
              ".github/workflows/ci.yml", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab.py", "dir with space/x.sql"]
    specs: list[list[str]] = []

    def find(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("files", "folders") and isinstance(value, list):
                    specs.append(value)
                find(value)
        elif isinstance(node, list):
            for value in node:
                find(value)

    find(yaml.safe_load((root / "rules" / "checklists.yaml").read_text(encoding="utf-8")))
    specs += [["*a*a*a*a*a*a*b.py"], ["*a*a*a*a*a*a*b.py", "**/*.sql"], [], ["!x"], ["src/**/*.py", "!src/x.py"]]
    assert len(specs) > 15
    found = 0
    for patterns in specs:
        expected = [p for p in paths if matches_any(p, tuple(patterns))]
        assert matching(tuple(patterns), paths) == expected, patterns
        found += bool(expected)
    assert found > 5
