"""Secrets and transport: hard-coded credentials (BA-SEC-001) and disabled TLS verification (BA-SEC-002).

BA-SEC-001 is decided by libcst alone: bandit's B105/B106/B107 flag any string bound to a name containing
"token" or "pass" (`token_type = "bearer"`, `password_field = "pwd"`), which is mostly noise on backends.
Findings carry the *name* as their snippet, never the secret itself, so reports do not re-leak it.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess

import libcst as cst

from ..findings import Finding
from ..config import DEFAULT_EXCLUDES
from .base import BanditCheck, FileContext, ProjectCheck
from .cst_base import CstCheck
from .cst_recognise import (TOKEN_SHAPES, UNKNOWN, arg, in_test_branch, is_credential_name, is_dev_settings,
                        is_password_kind, is_placeholder, is_placeholder_template, literal_value, looks_random,
                        receiver_name, target_name, url_password)

_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config",
                          "environ.Env", "starlette.config.Config"})
_JWT_KEYED = frozenset({"jwt.encode", "jwt.decode", "jose.jwt.encode", "jose.jwt.decode"})
_FERNET = frozenset({"cryptography.fernet.Fernet"})
_DOC_KEYS = frozenset({"example", "examples", "openapi_examples", "json_schema_extra"})


class HardcodedSecret(CstCheck):
    RULE_ID = "BA-SEC-001"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.skip = is_dev_settings(ctx.path)
        self.if_stack: list[cst.If] = []
        self.seen: set[int] = set()  # ids of string nodes already reported (one problem, one finding)
        self.doc_depth = 0

    def visit_If(self, node: cst.If) -> None:
        self.if_stack.append(node)

    def leave_If(self, original_node: cst.If) -> None:
        self.if_stack.pop()

    # OpenAPI / pydantic documentation values: `"example": {"access_token": "eyJ..."}`, Field(examples=[...])
    def leave_DictElement(self, original_node: cst.DictElement) -> None:
        if literal_value(original_node.key) in _DOC_KEYS:
            self.doc_depth -= 1

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and node.keyword.value in _DOC_KEYS:
            self.doc_depth += 1

    def leave_Arg(self, original_node: cst.Arg) -> None:
        if original_node.keyword is not None and original_node.keyword.value in _DOC_KEYS:
            self.doc_depth -= 1

    def _flag(self, name_node: cst.CSTNode, value_node: cst.BaseExpression, what: str, anchor: cst.CSTNode) -> None:
        if self.skip or self.doc_depth or in_test_branch(self.if_stack) or id(value_node) in self.seen:
            return
        self.seen.add(id(value_node))
        self.report(anchor, f"hard-coded {what}: anyone with the source has it, and rotating it needs a deploy; "
                            "read it from the environment or a secret store", key_node=name_node)

    def _secret_literal(self, node: cst.BaseExpression, name: str = "") -> bool:
        """A real-looking secret for this name: people's passwords may be words, machine keys look random."""
        value = literal_value(node)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str) or is_placeholder(value):
            return False
        return is_password_kind(name) or looks_random(value)

    # name = "literal", obj.name = "literal", d["name"] = "literal"
    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._named_value(t.target, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._named_value(node.target, node.value, node)

    def _named_value(self, target: cst.BaseExpression, value: cst.BaseExpression, anchor: cst.CSTNode) -> None:
        name = target_name(target)
        if name and is_credential_name(name) and self._secret_literal(value, name):
            self._flag(target, value, f"secret in {name}", anchor)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None and is_credential_name(node.name.value) and \
                self._secret_literal(node.default, node.name.value):
            self._flag(node.name, node.default, f"default for {node.name.value}", node)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = literal_value(node.key)
        if key in _DOC_KEYS:
            self.doc_depth += 1
            return
        if isinstance(key, str) and is_credential_name(key) and self._secret_literal(node.value, key):
            self._flag(node.key, node.value, f"secret under key {key!r}", node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) != 1 or not isinstance(node.comparisons[0].operator, (cst.Equal, cst.NotEqual)):
            return
        left, right = node.left, node.comparisons[0].comparator
        for name_node, value in ((left, right), (right, left)):
            name = target_name(name_node) or _get_key(name_node)
            if name and is_credential_name(name) and self._secret_literal(value, name):
                self._flag(name_node, value, f"credential compared with {name}", node)

    def visit_Call(self, node: cst.Call) -> None:
        for a in node.args:
            if a.keyword is not None and is_credential_name(a.keyword.value) and \
                    self._secret_literal(a.value, a.keyword.value):
                self._flag(a.keyword, a.value, f"secret passed as {a.keyword.value}=", a)
        qn = self.ctx.qualname(node.func) or ""
        if qn in _ENV_GETTERS or (isinstance(node.func, cst.Attribute) and node.func.attr.value in
                                  ("getenv", "get", "str", "bytes") and qn.startswith(("os.", "environ"))) \
                or _is_env_reader(node):
            self._env_fallback(node)
        elif qn in _JWT_KEYED:
            key = arg(node, "key", 1)
            if key is not None and self._secret_literal(key.value):
                self._flag(key.value, key.value, f"JWT signing key in {qn}()", key)
        elif qn in _FERNET:
            key = arg(node, "key", 0)
            if key is not None and self._secret_literal(key.value):
                self._flag(node.func, key.value, "Fernet key", node)

    def _env_fallback(self, node: cst.Call) -> None:
        """os.getenv("SECRET_KEY", "dev"), env("DB_PASSWORD", default="postgres"): a secret that ships."""
        var = arg(node, None, 0)
        name = literal_value(var.value) if var is not None else UNKNOWN
        if not isinstance(name, str) or not is_credential_name(name):
            return
        default = arg(node, "default", 1)
        value = literal_value(default.value) if default is not None else UNKNOWN
        # Any real fallback ships: when the variable is missing in production the app runs with this value.
        # Framework signing keys: any fallback at all is the vulnerability (`os.getenv("SECRET_KEY", "dev")`);
        # other credentials: a real-looking value, not a local dummy such as "ollama".
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        signing_key = name.lower().endswith("secret_key")
        if isinstance(value, str) and value.strip() and " " not in value.strip() and \
                not is_placeholder_template(value) and (signing_key or is_password_kind(name) or
                                                        (not is_placeholder(value) and looks_random(value))):
            self._flag(var.value, default.value, f"fallback value for ${name}", node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if id(node) in self.seen or self.skip:
            return
        value = literal_value(node)
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if not isinstance(text, str) or len(text) < 12:
            return
        for label, pattern in TOKEN_SHAPES:
            if pattern.search(text):
                self._flag(node, node, f"{label}", node)
                return
        if url_password(text):
            self._flag(node, node, "password inside a connection URL", node)


def _get_key(node: cst.BaseExpression) -> str | None:
    """`headers.get("X-Api-Key")` -> "X-Api-Key"."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" \
            and node.args:
        key = literal_value(node.args[0].value)
        return key if isinstance(key, str) else None
    return None


def _is_env_reader(node: cst.Call) -> bool:
    """django-environ / environs readers: env("X", default=...), env.str("X", default=...)."""
    func = node.func
    base = func.value if isinstance(func, cst.Attribute) else func
    return isinstance(base, cst.Name) and base.value in ("env", "config") and arg(node, "default") is not None


# --- BA-SEC-002 -------------------------------------------------------------------------------------------

_HTTP_CLIENT_CALLS = frozenset({
    "requests.get", "requests.post", "requests.put", "requests.patch", "requests.delete", "requests.head",
    "requests.options", "requests.request", "requests.Session", "requests.session",
    "httpx.get", "httpx.post", "httpx.put", "httpx.patch", "httpx.delete", "httpx.head", "httpx.options",
    "httpx.request", "httpx.stream", "httpx.Client", "httpx.AsyncClient", "httpx.HTTPTransport",
    "httpx.AsyncHTTPTransport", "aiohttp.TCPConnector", "aiohttp.ClientSession", "urllib3.PoolManager",
    "urllib3.HTTPSConnectionPool", "urllib3.connection_from_url",
})
_CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
                             "send", "ws_connect"})
_ENV_TLS = {"PYTHONHTTPSVERIFY": "0", "REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": ""}


class TlsVerificationDisabledBandit(BanditCheck):
    RULE_ID = "BA-SEC-002"

    def convert(self, issue) -> Finding | None:
        return self.finding_from_issue(issue, message=f"TLS certificate verification disabled ({issue.test_id}): "
                                                      "anyone on the network path can read and change the traffic")


class TlsVerificationDisabled(CstCheck):
    RULE_ID = "BA-SEC-002"
    PREFILTER = ("verify", "ssl", "CERT_NONE", "check_hostname", "HTTPSVERIFY", "CA_BUNDLE", "disable_warnings")

    def visit_Call(self, node: cst.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        known_client = qn in _HTTP_CLIENT_CALLS or qn.startswith("aiohttp.")
        method_call = isinstance(node.func, cst.Attribute) and node.func.attr.value in _CLIENT_METHODS
        for a in node.args:
            if a.keyword is None or literal_value(a.value) is not False:
                continue
            kw = a.keyword.value
            if kw == "verify" and (known_client or method_call) or kw in ("ssl", "verify_ssl") and \
                    (known_client or method_call) or kw == "cert_reqs" and known_client:
                self.report(a, f"{kw}=False turns off certificate checks on {qn or 'this client call'}: anyone on "
                               "the network path can read and change the traffic; pass a CA bundle instead")
        if qn == "ssl._create_unverified_context":
            self.report(node, "ssl._create_unverified_context() accepts any certificate; use "
                              "ssl.create_default_context(cafile=...)")
        elif qn in ("urllib3.disable_warnings", "requests.packages.urllib3.disable_warnings"):
            self.report(node, "urllib3.disable_warnings() hides the warning that TLS verification is off somewhere",
                        level="note", properties={"sub": "warnings-hidden"})
        elif qn in ("os.environ.setdefault", "os.putenv"):
            self._env(node, arg(node, None, 0), arg(node, None, 1))

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.sessions: set[str] = set()  # names bound to requests.Session() / httpx.Client(...)

    def _is_session(self, receiver: cst.BaseExpression) -> bool:
        name = receiver_name(receiver) or ""
        return name in self.sessions or "session" in name.lower() or name.lower().endswith("client")

    def visit_Assign(self, node: cst.Assign) -> None:
        value = literal_value(node.value)
        if isinstance(node.value, cst.Call) and (self.ctx.qualname(node.value.func) or "") in _HTTP_CLIENT_CALLS:
            self.sessions.update(n for t in node.targets if (n := receiver_name(t.target)))
        for t in node.targets:
            target = t.target
            name = target_name(target)
            if name == "verify" and value is False and isinstance(target, cst.Attribute) and \
                    self._is_session(target.value):
                self.report(node, "session.verify = False turns off certificate checks for every request of the "
                                  "session")
            elif name == "check_hostname" and value is False and isinstance(target, cst.Attribute):
                self.report(node, "SSL context with check_hostname = False accepts a valid certificate for any host")
            elif name == "verify_mode" and self.ctx.qualname(node.value) == "ssl.CERT_NONE":
                self.report(node, "SSL context with verify_mode = CERT_NONE accepts any certificate")
            elif self.ctx.qualname(node.value) == "ssl._create_unverified_context":
                self.report(node, "the default HTTPS context replaced by an unverified one: every urllib call in the "
                                  "process accepts any certificate")
            elif isinstance(target, cst.Subscript) and self.ctx.qualname(target.value) == "os.environ" and name:
                self._env(node, None, None, name=name, value=value)

    def _env(self, node: cst.CSTNode, key: cst.Arg | None, val: cst.Arg | None, *, name: str | None = None,
             value=UNKNOWN) -> None:
        if key is not None:
            name = literal_value(key.value)
            value = literal_value(val.value) if val is not None else UNKNOWN
        if isinstance(name, str) and name in _ENV_TLS and value == _ENV_TLS[name]:
            self.report(node, f"setting {name}={value!r} turns off certificate verification process-wide")


# /committed-file: secret-bearing files tracked in the repository (catalog BA-SEC-001).
_SECRET_FILES = (".env", ".env.*", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.p12",
                 "*.pfx", "credentials.json", "service-account*.json", ".netrc", ".pgpass")
_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl", ".pub")


class CommittedSecretFile(ProjectCheck):
    """Files that hold credentials by convention, committed to the repository. Uses `git ls-files` (only
    what is really committed or about to be); outside git, the files present under the root."""

    RULE_ID = "BA-SEC-001"

    def run(self, project) -> list[Finding]:
        out = []
        for rel in _candidate_files(project.root):
            name = rel.rsplit("/", 1)[-1]
            if name.endswith(_TEMPLATE_SUFFIXES) or not any(fnmatch.fnmatchcase(name, p) for p in _SECRET_FILES):
                continue
            if any(part in ("tests", "test", "fixtures", "testdata") for part in rel.split("/")[:-1]):
                continue  # test fixtures carry throwaway keys on purpose
            out.append(Finding(
                rule_id=self.RULE_ID, path=rel, line=1, column=1, end_line=1, end_column=1, level=self.rule.level,
                message=f"{name} is committed to the repository: files of this kind hold credentials; remove "
                        "it from git (and its history), rotate what it held, and commit a .example template",
                engine=self.ENGINE, snippet=f"committed file {name}", properties={"sub": "committed-file"}))
        return out


def _candidate_files(root) -> list[str]:
    try:
        proc = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                              capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        proc = None
    if proc is not None and proc.returncode == 0:
        return sorted(p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in DEFAULT_EXCLUDES and not d.startswith(".git")]
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        out.extend(f if rel_dir == "." else f"{rel_dir}/{f}" for f in filenames)
    return sorted(out)
