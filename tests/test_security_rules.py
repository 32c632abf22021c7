"""Security/deployment rules beyond their YAML examples: one finding per problem across bandit and our checks,
sub-checks under the parent id, secrets never copied into reports, settings folding."""

import json
import textwrap
from collections import Counter
from pathlib import Path

from backend_audit.checks.recognise import is_dev_settings, is_password_name, is_placeholder, is_sensitive_name
from backend_audit.config import Settings
from backend_audit.model.django_settings import SettingsIndex
from backend_audit.pipeline.runner import scan


def _scan(tmp_path: Path, files: dict[str, str], *rules: str):
    for rel, code in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(code), encoding="utf-8")
    return scan([tmp_path], Settings(select=rules, jobs=1), use_git=False)


def test_bandit_and_our_check_report_one_problem_once(tmp_path):
    result = _scan(tmp_path, {"app/client.py": """
        import requests
        from flask import Flask

        app = Flask(__name__)

        def fetch(url):
            return requests.get(
                url,
                verify=False,
                timeout=5,
            )

        if __name__ == "__main__":
            app.run(host="0.0.0.0",
                    debug=True)
    """}, "BA-SEC-002", "BA-DEP-001")
    keys = Counter((f.rule_id, f.line) for f in result.findings)
    assert keys == Counter({("BA-SEC-002", 10): 1, ("BA-DEP-001", 16): 1}), result.findings
    sec = next(f for f in result.findings if f.rule_id == "BA-SEC-002")
    assert sec.engine == "ast"  # our check won the line over bandit's B501
    dep = next(f for f in result.findings if f.rule_id == "BA-DEP-001")
    assert dep.level == "warning" and dep.engine == "ast"  # ours won the line: __main__ downgrade kept


def test_bandit_half_still_reports_what_our_check_does_not_model(tmp_path):
    result = _scan(tmp_path, {"app/cache.py": """
        import pickle as pk

        def restore(request):
            return pk.loads(request.body)

        def load_model():
            return pk.load(open("model.pkl", "rb"))

        def from_cache(cache):
            blob = cache.get("state")
            return pk.loads(blob)

        def decode(blob):
            return pk.loads(blob)
    """}, "BA-INP-004")
    got = sorted((f.line, f.level, f.engine, f.symbol) for f in result.findings)
    # literal local file, or bytes read here from somewhere the rule cannot trace: warning; bytes the caller
    # hands in: a note (request data passed in is BA-INP-013's flow); the symbol (part of the fingerprint)
    # names the enclosing function
    assert got == [(5, "error", "bandit", "restore"), (8, "warning", "bandit", "load_model"),
                   (12, "warning", "bandit", "from_cache"), (15, "note", "bandit", "decode")]
    by_line = {f.line: f.message for f in result.findings}
    assert "origin not traced" in by_line[12]
    assert "the parameter `blob`" in by_line[15] and "origin not traced" in by_line[15]


def test_sub_checks_keep_the_parent_rule_id(tmp_path):
    result = _scan(tmp_path, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n',
        "site/__init__.py": "",
        "site/settings.py": 'INSTALLED_APPS = ["x"]\nALLOWED_HOSTS = []\nSESSION_COOKIE_HTTPONLY = False\n',
    }, "BA-DEP-002")
    assert {f.rule_id for f in result.findings} == {"BA-DEP-002"}
    subs = {f.properties["sub"]: f for f in result.findings}
    assert {"allowed-hosts", "session-cookie", "csrf-cookie", "hsts", "ssl-redirect"} <= set(subs)
    assert subs["allowed-hosts"].line == 2 and "security.W020" in subs["allowed-hosts"].message
    assert all(f"[{sub}]" in f.message for sub, f in subs.items())


def test_selecting_or_ignoring_the_parent_id_covers_every_sub_check(tmp_path):
    files = {"site/settings.py": 'INSTALLED_APPS = ["x"]\nALLOWED_HOSTS = ["*"]\n'}
    assert _scan(tmp_path, files, "BA-DEP").findings
    settings = Settings(select=("BA-DEP",), ignore=("BA-DEP-002",), jobs=1)
    assert not scan([tmp_path], settings, use_git=False).findings


def test_secret_value_never_reaches_the_report(tmp_path):
    result = _scan(tmp_path, {"app/config.py": """
        SECRET_KEY = "s3cr3t-value-that-must-not-leak-0123"
        DATABASE_URL = "postgresql://app:hunter22x@db/app"
    """}, "BA-SEC-001")
    assert len(result.findings) == 2
    dumped = json.dumps([f.to_dict() for f in result.findings])
    assert "s3cr3t-value" not in dumped
    assert result.findings[0].snippet == "SECRET_KEY"


def test_settings_fold_follows_star_imports_and_last_assignment_wins():
    facts = {
        "proj/settings/base.py": {"django_settings": [
            ["set", "INSTALLED_APPS", 1, True, ["a"]], ["set", "MIDDLEWARE", 2, True, ["m1"]],
            ["set", "SECURE_SSL_REDIRECT", 3, True, False]]},
        "proj/settings/prod.py": {"django_settings": [
            ["star", ".base", 1], ["add", "MIDDLEWARE", 2, True, ["m2"]], ["set", "SECURE_SSL_REDIRECT", 3, True, True],
            ["set", "ALLOWED_HOSTS", 4, False, None]]},
        "proj/settings/dev.py": {"django_settings": [["star", ".base", 1], ["set", "DEBUG", 2, True, True]]},
    }
    index = SettingsIndex(facts)
    assert index.production_modules() == ["proj/settings/prod.py"]
    folded = index.fold("proj/settings/prod.py")
    assert folded["MIDDLEWARE"].value == ["m1", "m2"]
    assert folded["SECURE_SSL_REDIRECT"].value is True and folded["SECURE_SSL_REDIRECT"].path.endswith("prod.py")
    assert folded["ALLOWED_HOSTS"].known is False
    assert folded["INSTALLED_APPS"].path == "proj/settings/base.py"


def test_recognisers():
    assert is_sensitive_name("SECRET_KEY") and is_sensitive_name("dbPassword") and is_sensitive_name("smtp_pass")
    assert not any(is_sensitive_name(n) for n in ("classname", "pass_parameter", "token_url", "tokenUrl",
                                                  "PASSWORD_MIN_LENGTH", "is_password_set", "STATE_TOKEN_AUDIENCE"))
    assert is_password_name("new_password") and is_password_name("pwd")
    assert not is_password_name("password_hash") and not is_password_name("password_reset_token")
    assert all(is_placeholder(v) for v in ("", "changeme", "${SECRET}", "<your-key>", "xxxxxxxx", "access_token",
                                           "Enter your password", "/auth/token", "PASSWORD_RESET"))
    assert not is_placeholder("f3c9a1d07be24e6f")
    assert is_dev_settings("proj/settings/dev.py") and is_dev_settings("local_settings.py")
    assert is_dev_settings("proj/settings_test.py") and not is_dev_settings("proj/settings/production.py")
    assert not is_dev_settings("app/example.py")  # not a settings module at all
    # the project a reusable app ships for its developers, beside the package
    assert is_dev_settings("devproject/settings.py") and is_dev_settings("testproject/settings/__init__.py")
    assert is_dev_settings("example_project/config.py") and not is_dev_settings("devices/settings.py")
    assert not is_dev_settings("developer_portal/settings.py")


def test_bandit_blacklist_tests_survive_another_rule_selection(tmp_path):
    """bandit keeps blacklist data (B301, B323, ...) on a module global: the last manager built used to win."""
    pickle_code = {"app/cache.py": "import pickle\n\ndef restore(blob):\n    return pickle.loads(blob)\n"}
    assert _scan(tmp_path / "a", pickle_code, "BA-INP-004").findings
    assert _scan(tmp_path / "b", {"app/tls.py": "import ssl\nctx = ssl._create_unverified_context()\n"},
                 "BA-SEC-002").findings
    assert [f.line for f in _scan(tmp_path / "c", pickle_code, "BA-INP-004").findings] == [4]


def test_django_silenced_system_checks_suppress_the_same_sub_checks(tmp_path):
    result = _scan(tmp_path, {"conf/settings.py": """
        INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]
        ROOT_URLCONF = "conf.urls"
        ALLOWED_HOSTS = ["conf.example.org"]
        MIDDLEWARE = ["django.middleware.security.SecurityMiddleware",
                      "django.contrib.sessions.middleware.SessionMiddleware",
                      "django.middleware.csrf.CsrfViewMiddleware",
                      "django.middleware.clickjacking.XFrameOptionsMiddleware"]
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SILENCED_SYSTEM_CHECKS = [
            "security.W004",  # HSTS belongs to the proxy
            "security.W008",  # the proxy redirects to HTTPS
        ]
        """}, "BA-DEP-002")
    subs = {f.properties["sub"]: f.suppression for f in result.findings}
    assert set(subs) == {"hsts", "ssl-redirect"}
    assert all(s and "SILENCED_SYSTEM_CHECKS" in s["justification"] for s in subs.values())


def test_allowed_hosts_star_with_the_projects_own_host_check_is_suppressed_with_the_reason(tmp_path):
    settings = """
        INSTALLED_APPS = ["django.contrib.auth", "site"]
        ALLOWED_HOSTS = ["*"]  # our own middleware checks hosts (customers' domains)
        MIDDLEWARE = ["django.middleware.security.SecurityMiddleware",
                      "django.middleware.csrf.CsrfViewMiddleware",
                      "django.middleware.clickjacking.XFrameOptionsMiddleware",
                      "site.middleware.DomainMiddleware"]
        if DEBUG_TOOLBAR:
            MIDDLEWARE.append("debug_toolbar.middleware.DebugToolbarMiddleware")
        """
    middleware = {"site/middleware/__init__.py": "from .domains import DomainMiddleware\n",
                  "site/middleware/domains.py": """
        from django.core.exceptions import DisallowedHost


        class DomainMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                self._check(request.get_host())
                return self.get_response(request)

            def _check(self, host):
                if not known_domain(host):
                    raise DisallowedHost(host)
        """}
    result = _scan(tmp_path / "guarded", {"site/settings.py": settings, **middleware}, "BA-DEP-002")
    hosts = [f for f in result.findings if f.properties["sub"] == "allowed-hosts"]
    assert len(hosts) == 1 and "site.middleware.DomainMiddleware raises DisallowedHost" in \
        hosts[0].suppression["justification"]
    # the same middleware that only reads the host rejects nothing: the wildcard stays a warning
    unguarded = {**middleware, "site/middleware/domains.py": middleware["site/middleware/domains.py"].replace(
        "raise DisallowedHost(host)", "request_domains.add(host)")}
    result = _scan(tmp_path / "open", {"site/settings.py": settings, **unguarded}, "BA-DEP-002")
    hosts = [f for f in result.findings if f.properties["sub"] == "allowed-hosts"]
    assert len(hosts) == 1 and hosts[0].suppression is None


def test_secret_fallbacks_are_warnings_and_real_keys_errors(tmp_path):
    result = _scan(tmp_path, {"app/config.py": """
        import os
        from pydantic_settings import BaseSettings

        SECRET_KEY = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
        DB_PASSWORD = os.getenv("DB_PASSWORD", "postgres")

        class Settings(BaseSettings):
            POSTGRES_PASSWORD: str = "mealie"

        GITHUB_TOKEN = "ghp_0123456789abcdefABCDEF0123456789abcdef"
        """}, "BA-SEC-001")
    got = [(f.line, f.level, f.properties.get("sub")) for f in result.findings]
    # only a live token format is an error by itself; a generated-looking key may be a demo project's
    assert got == [(5, "warning", "generated-value"), (6, "warning", "fallback"), (9, "warning", "fallback"),
                   (11, "error", None)]


def test_both_secret_file_checks_share_one_git_listing(tmp_path, monkeypatch):
    """BA-SEC-001's committed-file and compose-default checks read the same `git ls-files` listing: asked
    once per project pass (each ask is two git processes), and both still answer from it."""
    from backend_audit.pipeline import git as gitexec
    from ._gitrepo import commit, init

    root = init(tmp_path / "repo")
    _scan(root, {
        ".env": "DB_PASSWORD=app123\n",
        "docker-compose.dev.yml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: app123\n",
        "app/config.py": """
            import os

            DB_PASSWORD = os.getenv("DB_PASSWORD", "app123")
            """}, "BA-SEC-001")
    commit(root, "base")
    listings = []
    real = gitexec.run

    def counting(cwd, *args, **kwargs):
        if "ls-files" in args:  # the check's listing (discovery walks: use_git=False)
            listings.append(args)
        return real(cwd, *args, **kwargs)

    monkeypatch.setattr(gitexec, "run", counting)
    result = scan([root], Settings(select=("BA-SEC-001",), jobs=1), use_git=False)
    assert len(listings) == 1
    subs = {(f.path, f.properties.get("sub")) for f in result.findings}
    assert subs == {(".env", "committed-file"), ("app/config.py", "compose-default")}


def test_debug_in_a_command_line_launcher_is_a_warning(tmp_path):
    result = _scan(tmp_path, {"serve.py": """
        import argparse
        from shop import create_app

        if False:
            import flask_profiler
        parser = argparse.ArgumentParser()
        parser.add_argument("--port", default=4000)
        args = parser.parse_args()
        app = create_app()
        app.run(debug=True, port=args.port)
        """}, "BA-DEP-001")
    assert [(f.line, f.level) for f in result.findings] == [(11, "warning")]


def test_ssl_redirect_is_a_note_when_a_shipped_nginx_config_redirects_port_80(tmp_path):
    settings = {"site/__init__.py": "", "site/settings.py": 'INSTALLED_APPS = ["x"]\nALLOWED_HOSTS = ["a.org"]\n'}
    plain = {f.properties["sub"]: f.level for f in _scan(tmp_path / "a", settings, "BA-DEP-002").findings}
    # the TLS server block's own redirect (to the canonical host) is not the port-80 one: still a warning
    tls_only = dict(settings, **{"deploy/nginx.conf": "server {\n  listen 443 ssl;\n  return 301 https://a.org;\n}\n"})
    tls = {f.properties["sub"]: f.level for f in _scan(tmp_path / "b", tls_only, "BA-DEP-002").findings}
    redirecting = dict(settings, **{"deploy/nginx.conf": (
        "server {\n  listen 443 ssl;\n}\nserver {\n  listen [::]:80;\n  listen 80;\n"
        "  location / {\n    return 301 https://$host$request_uri;\n  }\n}\n")})
    found = {f.properties["sub"]: f for f in _scan(tmp_path / "c", redirecting, "BA-DEP-002").findings}
    # left unset, the redirect is the TLS proxy's usual job: a note saying that is not established; the shipped
    # port-80 redirect names the file
    assert plain["ssl-redirect"] == tls["ssl-redirect"] == "note"
    assert found["ssl-redirect"].level == "note" and "deploy/nginx.conf:8" in found["ssl-redirect"].message
    assert found["hsts"].level == "note" and "not established" in found["hsts"].message
    # written False (not left unset): the settings say it, a warning
    written = dict(settings, **{"site/settings.py": settings["site/settings.py"] + "SECURE_SSL_REDIRECT = False\n"})
    assert {f.properties["sub"]: f.level for f in _scan(tmp_path / "d", written, "BA-DEP-002").findings
            }["ssl-redirect"] == "warning"


def test_a_dict_entry_repeating_a_named_secret_is_a_note_pointing_at_it(tmp_path):
    # one committed secret, one finding: the settings-defaults dict repeats the SECRET_KEY literal
    key = "e951e5a1f4b94151b360f47edf596dd2"
    result = _scan(tmp_path, {
        "app/default_config.py": f'SECRET_KEY = "{key}"\n',
        "app/lib/settings.py": f'class AppSettings:\n    defaults = {{"secret_key": "{key}", "port": 9191}}\n',
        "app/other.py": 'OTHER = {"api_secret": "Zq8vT2x7Lm3Nc8Vt5Rw1Ke3Hj6Pd0Yf"}\n',
    }, "BA-SEC-001")
    levels = {(f.path, f.line): f.level for f in result.findings}
    assert levels == {("app/default_config.py", 1): "warning", ("app/lib/settings.py", 2): "note",
                      ("app/other.py", 1): "warning"}
    note = next(f for f in result.findings if f.level == "note")
    assert "app/default_config.py:1" in note.message and key not in note.message
