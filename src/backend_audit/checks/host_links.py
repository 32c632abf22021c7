"""BA-AUTH-008 password-reset poisoning: a reset, confirmation, invitation or magic-login link built from the
host a request names (Referer, Origin, X-Forwarded-Host, the Host header behind `request.host_url`,
`url_for(_external=True)`, Starlette's `request.base_url`) in a function that e-mails it with its token.

The file pass finds the host reads, follows them through the function's assignments to the statements that
build the link, and keeps a candidate only when a statement it flows through carries a token-like name and
one hands it to a call that sends mail. Whether the host was validated is the project's to say (Flask `SERVER_NAME`/
`TRUSTED_HOSTS`, Starlette's `TrustedHostMiddleware`, Django's `ALLOWED_HOSTS`, a proxy fix for
X-Forwarded-Host), so candidates and those settings go into facts and the project pass gives each its level.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..findings import Finding
from ..model.django_settings import SettingsIndex
from .base import AstCheck, ProjectCheck, dotted, dotted_parts
from .django_deploy import _host_validating_middleware
from .recognise import is_dev_settings
from .repo_text import texts

CANDIDATES = "host_links"
GUARDS = "host_link_guards"
HANDOFFS = "host_link_handoffs"  # host reads handed to a project function (decided in the project pass)
PARAMS = "host_link_params"  # module-level functions whose parameter reaches a tokened link they mail
TEMPLATES = "host_link_templates"  # Flask templates rendered into a mail (read in the project pass)
_RENDER = frozenset({"flask.render_template", "flask.templating.render_template"})
# In a Jinja template: `url_for('auth.reset', token=token, _external=True)`, arguments without parentheses
_TEMPLATE_URL_FOR = re.compile(r"url_for\(([^()]*)\)")
_EXTERNAL = re.compile(r"_external\s*=\s*True")
_TEMPLATE_NAMES = re.compile(r"[A-Za-z_]\w*")

# What each kind of host read is, for the message and the project pass's level
FREE = "free"          # Referer, Origin: the client writes any value, nothing on the way checks it
FORWARDED = "forwarded"  # X-Forwarded-Host: the client's unless a proxy overwrites it
WERKZEUG = "werkzeug"  # Flask/Werkzeug host_url, url_root, url_for(_external=True): the Host header
STARLETTE = "starlette"  # Starlette/FastAPI base_url, url_for(): the Host header
DJANGO = "django"      # build_absolute_uri(), get_host(): checked against ALLOWED_HOSTS
PARAM = "param"        # a parameter of a mailing function: what a caller hands it
TEMPLATE = "template"  # a Flask template rendered into a mail, whose url_for(..., _external=True) takes the host

_WHAT = {
    FREE: "the {header} header, which the client sets to any value",
    FORWARDED: "the X-Forwarded-Host header, which the client sets unless a proxy overwrites it",
    WERKZEUG: "{expr}, the request's Host header (Werkzeug checks it only against SERVER_NAME or TRUSTED_HOSTS)",
    STARLETTE: "{expr}, the request's Host header (checked only by TrustedHostMiddleware)",
    DJANGO: "{expr}, the request's Host header",
}

_REQUEST_NAMES = frozenset({"request", "req"})
# Werkzeug request attributes made from the Host header; `referrer` is the Referer header
_WERKZEUG_ATTRS = frozenset({"host_url", "url_root", "host", "root_url"})
_STARLETTE_ATTRS = frozenset({"base_url"})
_HEADER_FREE = {"referer": "Referer", "referrer": "Referer", "origin": "Origin"}
_READ_ATTRS = _WERKZEUG_ATTRS | _STARLETTE_ATTRS | {"referrer", "netloc", "hostname"}
# A name, keyword or attribute that says the link carries a one-time secret (`token`, `uidb64`,
# `activation_key`, `generate_password_reset_token(...)`). Text is not evidence: a route named
# "auth.reset_password" or a mail body saying "reset" carries no token, and a password in the mail's text is
# not sent anywhere by a click.
_TOKEN = re.compile(r"token|uidb64|signature|nonce|secret|(^|_)otp($|_)"
                    r"|(reset|confirm|activat|invit|verif|magic|signup|recover)\w*(key|code|hash|uuid|id)$", re.I)
# Calls that hand the link on to a person: the name says it sends or builds mail...
_MAIL_WORD = re.compile(r"mail", re.I)
_SEND_WORD = re.compile(r"send|^(email_user|mail_|deliver|notify)", re.I)
# ... or sends the flow's own message (`send_password_reset(user, link)`, `send_invitation`)
_SEND_FLOW = re.compile(r"^send_?\w*(reset|confirm|verif|invit|activat|magic|recover)", re.I)
_MAIL_CLASSES = frozenset({"emailmessage", "emailmultialternatives", "messageschema"})
_MAIL_RECEIVER = re.compile(r"mail|smtp", re.I)
_RECEIVER_SENDS = frozenset({"send", "send_message", "send_async", "deliver", "queue", "send_mail", "sendmail"})
# Calls that run the function they are handed (a background job sending the mail)
_RUNNERS = frozenset({"delay", "apply_async", "add_task", "send_task", "enqueue", "s", "si"})
_TASK_DECORATORS = frozenset({"task", "shared_task", "periodic_task", "actor", "job"})
_SIMPLE = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Return)


def _header_name(node: ast.expr) -> str | None:
    """The header a `headers.get("X")`/`headers["X"]`/`META.get("HTTP_X")` read names, lower-case, dashed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        name = node.value.lower().replace("_", "-")
        return name[5:] if name.startswith("http-") else name
    return None


class HostLinkCandidates(AstCheck):
    RULE_ID = "BA-AUTH-008"
    PREFILTER = ("mail", "referrer", "referer", "REFERER", "Referer", "origin", "Origin", "ORIGIN", "host", "Host", "HOST",
                 "url_root", "base_url", "url_for", "build_absolute_uri", "SERVER_NAME", "TRUSTED_HOSTS",
                 "trusted_hosts", "TrustedHostMiddleware", "ProxyFix", "USE_X_FORWARDED_HOST")

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.reads: dict[int, list[tuple[ast.AST, str, str]]] = {}  # id(function) -> (node, kind, header/expr)
        self.mailers: set[int] = set()  # id(function) of the functions with a call that sends mail
        self.classes: list[str] = []

    # --- the project's host checks ------------------------------------------------------------------

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.pop()

    def _guard(self, name: str, at: ast.AST) -> None:
        # a testing or development config class sets SERVER_NAME for url_for in tests: not the deployment's
        if any(c.lower().startswith(("test", "dev", "local")) for c in self.classes):
            return
        if any(isinstance(p, ast.If) for p in self.ctx.parents) or self._env_without_default(at):
            # set only when the deployment asks for it (`if config_ini.get("TRUSTED_HOSTS"):`,
            # `SERVER_NAME = os.environ.get("SERVER_NAME")`, None unless exported): an opt-in
            name = f"{name}?{self.ctx.path}:{getattr(at, 'lineno', 0)}"
        found = self.ctx.facts.setdefault(GUARDS, [])
        if name not in found:
            found.append(name)
            found.sort()

    def _env_without_default(self, value: ast.AST) -> bool:
        if not isinstance(value, ast.Call) or self.ctx.qualname(value.func) not in (
                "os.environ.get", "os.getenv", "os.environ.setdefault"):
            return False
        default = value.args[1] if len(value.args) > 1 else next(
            (kw.value for kw in value.keywords if kw.arg == "default"), None)
        return default is None or (isinstance(default, ast.Constant) and not default.value)

    def _setting(self, name: str | None, value: ast.expr | None) -> None:
        if value is None or (isinstance(value, ast.Constant) and value.value in (None, "", False, 0)):
            return
        if name in ("SERVER_NAME", "TRUSTED_HOSTS", "trusted_hosts"):
            self._guard("server-name", value)
        elif name == "USE_X_FORWARDED_HOST" and isinstance(value, ast.Constant) and value.value is True:
            self._guard("proxy-fix", value)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._target(node.target, node.value)

    def _target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._setting(target.id, value)
        elif isinstance(target, ast.Attribute):
            self._setting(target.attr, value)
        elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            self._setting(str(target.slice.value), value)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self._setting(key.value, value)

    # --- host reads -----------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        for kw in node.keywords:
            self._setting(kw.arg, kw.value)
        name = (dotted(node.func) or "").rsplit(".", 1)[-1]
        if name == "TrustedHostMiddleware" or any(dotted(a) and dotted(a).endswith("TrustedHostMiddleware")
                                                  for a in node.args[:1]):
            hosts = next((kw.value for kw in node.keywords if kw.arg == "allowed_hosts"), None)
            if not (isinstance(hosts, (ast.List, ast.Tuple)) and any(
                    isinstance(e, ast.Constant) and e.value == "*" for e in hosts.elts)):
                self._guard("trusted-host-middleware", node)
        elif name == "ProxyFix" and any(kw.arg == "x_host" and not (isinstance(kw.value, ast.Constant)
                                                                      and not kw.value.value) for kw in node.keywords):
            self._guard("proxy-fix", node)
        if not self.ctx.function_stack:
            return
        if self._sends_mail(node):
            self.mailers.add(id(self.ctx.function_stack[-1]))
        found = self._call_read(node)
        if found is not None:
            self._add(node, *found)
        elif node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and \
                self.ctx.qualname(node.func) in _RENDER:
            self._add(node, TEMPLATE, node.args[0].value)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # most attributes of a file: the name alone rules them out before any resolution
        if node.attr not in _READ_ATTRS or not self.ctx.function_stack or not isinstance(node.ctx, ast.Load):
            return
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if isinstance(parent, ast.Call) and parent.func is node:
            return  # a method call: judged as a call
        found = self._attribute_read(node)
        if found is not None:
            self._add(node, *found)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if not isinstance(node.slice, ast.Constant) or not self.ctx.function_stack or \
                not isinstance(node.ctx, ast.Load):
            return
        found = self._header_read(node.value, node.slice)
        if found is not None:
            self._add(node, *found)

    def _add(self, node: ast.AST, kind: str, what: str) -> None:
        self.reads.setdefault(id(self.ctx.function_stack[-1]), []).append((node, kind, what))

    def _is_request(self, node: ast.expr) -> str | None:
        """'flask' for Flask's request proxy, 'request' for a view's request object, else None."""
        qual = self.ctx.qualname(node)
        if qual in ("flask.request", "quart.request", "werkzeug.local.request"):
            return "flask"
        parts = dotted_parts(node)
        if parts and parts[-1] in _REQUEST_NAMES and (len(parts) > 1 or qual is None):
            return "request"
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and \
                node.slice.value in _REQUEST_NAMES:
            return "request"  # a DRF serializer's `self.context["request"]`
        return None

    def _framework(self, attr: str) -> str:
        imports = self.ctx.imports.values()
        if any(m.startswith(("starlette", "fastapi")) for m in imports):
            return STARLETTE
        if any(m.startswith("django") for m in imports) or attr in ("build_absolute_uri", "get_host"):
            return DJANGO
        return WERKZEUG

    def _attribute_read(self, node: ast.Attribute) -> tuple[str, str] | None:
        base = node.value
        holder = self._is_request(base)
        if holder is None and isinstance(base, ast.Attribute) and node.attr in ("netloc", "hostname") \
                and base.attr == "url" and self._is_request(base.value):
            return STARLETTE, self.ctx.segment(node)
        if holder is None:
            return None
        if node.attr == "referrer":
            return FREE, "Referer"
        if node.attr in _WERKZEUG_ATTRS and holder == "flask":
            return WERKZEUG, self.ctx.segment(node)
        if node.attr in _WERKZEUG_ATTRS | _STARLETTE_ATTRS and holder == "request":
            kind = self._framework(node.attr)
            if kind == DJANGO:
                return None  # Django's request has no such attribute: not a Django request
            return kind, self.ctx.segment(node)
        return None

    def _call_read(self, node: ast.Call) -> tuple[str, str] | None:
        func = node.func
        if isinstance(func, ast.Attribute):
            holder = self._is_request(func.value)
            if holder == "request" and func.attr in ("build_absolute_uri", "get_host"):
                return DJANGO, self.ctx.segment(node)
            if holder == "request" and func.attr == "url_for" and self._framework("url_for") == STARLETTE:
                return STARLETTE, self.ctx.segment(node)
            if func.attr == "get" and node.args:
                return self._header_read(func.value, node.args[0])
        if self.ctx.qualname(func) in ("flask.url_for", "flask.helpers.url_for") and any(
                kw.arg == "_external" and not (isinstance(kw.value, ast.Constant) and not kw.value.value)
                for kw in node.keywords):
            return WERKZEUG, "url_for(..., _external=True)"
        return None

    def _header_read(self, container: ast.expr, key: ast.expr) -> tuple[str, str] | None:
        """`request.headers.get("Referer")`, `request.META["HTTP_X_FORWARDED_HOST"]`, `request.environ[...]`."""
        if not isinstance(container, ast.Attribute) or container.attr not in ("headers", "META", "environ"):
            return None
        holder = self._is_request(container.value)
        header = _header_name(key)
        if holder is None or header is None:
            return None
        if header in _HEADER_FREE:
            return FREE, _HEADER_FREE[header]
        if header == "x-forwarded-host":
            return FORWARDED, "X-Forwarded-Host"
        if header == "host":
            if container.attr == "META" or self._framework("") == DJANGO:
                return DJANGO, self.ctx.segment(container.value) + ".META['HTTP_HOST']"
            return (WERKZEUG if holder == "flask" else self._framework("")), "the Host header"
        return None

    # --- per function: does the host reach a link with a token that is mailed? -------------------------

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        reads = self.reads.pop(id(node), [])
        if reads and _is_task(node):
            # a Celery/RQ/Dramatiq task runs in a worker, outside any request: url_for(_external=True) there
            # takes SERVER_NAME, not a Host header (Flask refuses to build one without it)
            reads = []
        mails = id(node) in self.mailers
        self.mailers.discard(id(node))
        if not mails and not reads:
            return
        # a module-level function that mails: its parameters stand for a host its callers may hand it
        top = mails and not self.classes and len(self.ctx.function_stack) == 1
        positional = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        params = [(a, PARAM, a.arg) for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)] \
            if top else []
        read_ids = {id(r[0]): r for r in reads}
        # a local name -> the host reads (or parameters) it holds
        tainted: dict[str, list[tuple[ast.AST, str, str]]] = {p[2]: [p] for p in params}
        tokens: set[str] = set()  # local names bound from a token-like value
        with_token: set[int] = set()  # reads that met a token-like name in a statement
        mailed: set[int] = set()  # reads that reached a call sending mail
        handoffs: list[tuple[tuple[ast.AST, str, str], str, int | str]] = []  # (read, callee, argument)
        for stmt in self.ctx.own_nodes(node):
            if not isinstance(stmt, _SIMPLE):
                continue
            inner = list(ast.walk(stmt))
            # the reads this statement makes, then those it takes through names bound from earlier ones
            used = [read_ids[id(n)] for n in inner if id(n) in read_ids]
            used += [r for n in inner if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                     for r in tainted.get(n.id, ())]
            # a token by its name, or a name bound from one (`key = user.profile.activation_key`)
            token = any(_token_like(n) or (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                                           and n.id in tokens) for n in inner)
            targets = [n.id for t in _targets(stmt) for n in ast.walk(t) if isinstance(n, ast.Name)]
            if token:
                tokens.update(targets)
            if not used:
                continue
            for name in targets:
                tainted[name] = list(dict.fromkeys(used))
            sends = [n for n in inner if isinstance(n, ast.Call) and self._sends_mail(n)]
            # a call that sends the flow's own mail (`send_password_reset_email(user, request.host_url)`)
            # builds the tokened link from the host it is handed
            if token or any(self._sends_flow(n) for n in sends):
                with_token.update(id(r[0]) for r in used)
            # a link shown on the requester's own page (a QR code) is not one the mail beside it carries
            if sends:
                mailed.update(id(r[0]) for r in used)
            if reads:
                handoffs += self._handoffs(inner, read_ids, tainted)
        facts = self.ctx.facts
        reported: set[int] = set()
        for read_node, kind, what in reads:
            if kind == TEMPLATE:
                # a Flask template rendered into the mail: the project pass reads it for a tokened
                # url_for(..., _external=True)
                if id(read_node) in mailed:
                    self.report(read_node, what, properties={"host": WERKZEUG, "template": what})
                    facts.setdefault(TEMPLATES, []).append(self.ctx.findings.pop().to_dict())
            elif id(read_node) in with_token and id(read_node) in mailed:
                reported.add(id(read_node))
                self.report(read_node, _message(kind, what), properties={"host": kind})
                facts.setdefault(CANDIDATES, []).append(self.ctx.findings.pop().to_dict())
        for (read_node, kind, what), callee, arg in handoffs:
            if id(read_node) not in reported:
                self.report(read_node, _message(kind, what),
                            properties={"host": kind, "callee": callee, "arg": arg})
                facts.setdefault(HANDOFFS, []).append(self.ctx.findings.pop().to_dict())
        hits = [p[2] for p in params if id(p[0]) in with_token and id(p[0]) in mailed]
        if hits:
            facts.setdefault(PARAMS, []).append({"name": node.name, "positional": positional, "hits": hits})

    def _handoffs(self, inner: list[ast.AST], read_ids: dict, tainted: dict) -> list:
        """(read, callee, argument) for each argument of a project call that carries a host read: the callee
        may build and mail the link (the project pass looks it up among the functions that do)."""
        out = []
        for call in inner:
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in _RUNNERS and func.attr not in ("add_task", "enqueue"):
                func = func.value  # `send_reset.delay(user, host)` hands the host to send_reset
            qual = self.ctx.qualname(func)
            callee = qual if qual is not None else (func.id if isinstance(func, ast.Name) else None)
            if callee is None or callee.startswith("builtins."):
                continue
            args: list[tuple[int | str, ast.expr]] = [*enumerate(call.args)]
            args += [(kw.arg, kw.value) for kw in call.keywords if kw.arg]
            for key, value in args:
                for n in ast.walk(value):
                    held = [read_ids[id(n)]] if id(n) in read_ids else tainted.get(n.id, []) \
                        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) else []
                    out += [(r, callee, key) for r in held if r[1] not in (PARAM, TEMPLATE)]
        return out

    def _sends_flow(self, call: ast.Call) -> bool:
        return bool(_SEND_FLOW.search(_sent_by(call)[1]))

    def _sends_mail(self, call: ast.Call) -> bool:
        """A call whose name says it sends mail, builds a mail message, or sends a reset/confirmation one."""
        receiver, low = _sent_by(call)
        if (_MAIL_WORD.search(low) and _SEND_WORD.search(low)) or _SEND_FLOW.search(low) or low in _MAIL_CLASSES:
            return True
        if low in _RECEIVER_SENDS and _MAIL_RECEIVER.search(receiver.rpartition(".")[2]):
            return True
        # flask-mail's, flask-mailman's, fastapi-mail's `Message(...)`
        return low == "message" and _MAIL_RECEIVER.search(self.ctx.qualname(call.func) or "") is not None


def _is_task(node: ast.FunctionDef) -> bool:
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if (dotted(target) or "").rsplit(".", 1)[-1] in _TASK_DECORATORS:
            return True
    return False


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return stmt.targets
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        return [stmt.target]
    return []


def _sent_by(call: ast.Call) -> tuple[str, str]:
    """(receiver, lower-case name) of the function a call runs: `send_reset_email.delay(...)` and
    `tasks.add_task(send_email, ...)` run the named function later."""
    receiver, _, last = _call_name(call.func).rpartition(".")
    if last in _RUNNERS:
        first = _call_name(call.args[0]) if call.args and last in ("add_task", "enqueue") else receiver
        receiver, _, last = first.rpartition(".")
    return receiver, last.lower()


def _token_like(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        text = node.id
    elif isinstance(node, ast.Attribute):
        text = node.attr
    elif isinstance(node, ast.keyword):
        text = node.arg or ""
    else:
        return False
    return bool(_TOKEN.search(text))


def _call_name(node: ast.expr) -> str:
    parts = dotted_parts(node)
    if parts:
        return ".".join(parts)
    if isinstance(node, ast.Attribute):
        return "?." + node.attr
    return ""


def _message(kind: str, what: str) -> str:
    what = " ".join(what.split())  # a call spread over lines reads as one
    source = _WHAT[kind].format(header=what, expr=what)
    return (f"A password-reset, confirmation or invitation link e-mailed with its token is built from {source}: "
            "whoever forges it has the victim's token sent to their host (password-reset poisoning); build the "
            "link from a configured base URL")


class HostLinkPoisoning(ProjectCheck):
    """The candidates the file pass found, each given its level by what validates the host in this project."""

    RULE_ID = "BA-AUTH-008"
    SOUND_ON_FILE_SUBSET = False

    def run(self, project: Any) -> list[Finding]:
        facts = project.facts
        candidates = [(p, d) for p in sorted(facts) for d in facts[p].get(CANDIDATES, ())]
        candidates += _handed_to_mailers(facts)
        candidates += _tokened_templates(project)
        if not candidates:
            return []
        guards = {g for p in facts if not facts[p].get("is_test") for g in facts[p].get(GUARDS, ())}
        opt_in = {g.partition("?")[0]: g.partition("?")[2] for g in sorted(guards, reverse=True) if "?" in g}
        django_open: tuple[str, str, str] | None = None
        if any(d.get("properties", {}).get("host") == DJANGO for _p, d in candidates):
            django_open = _django_any_host(project)
        out = []
        for _path, data in candidates:
            finding = Finding.from_dict(data)
            kind = finding.properties.get("host")
            level = _level(kind, guards, django_open)
            if level is None:
                continue
            finding.level = level
            pin = {WERKZEUG: "server-name", STARLETTE: "trusted-host-middleware"}.get(kind or "")
            if kind == FORWARDED and level == "warning":
                finding.message += "; a proxy fix is configured: check the proxy overwrites X-Forwarded-Host"
            elif pin in opt_in:
                finding.level = "note"
                finding.message += (f"; the host is pinned only where the deployment opts in ({opt_in[pin]}), "
                                    "whether it does is not traced")
            elif kind == WERKZEUG:
                finding.message += "; no SERVER_NAME or TRUSTED_HOSTS is set in the configuration this scan sees"
            elif kind == STARLETTE:
                finding.message += "; no TrustedHostMiddleware is added in the code this scan sees"
            elif kind == DJANGO:
                finding.message += f"; {django_open[2]}" if django_open else ""
            out.append(finding)
        return sorted(out, key=Finding.sort_key)


def _handed_to_mailers(facts: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The host reads handed to a project function that builds a tokened link from that parameter and mails
    it (one level deep: `send_reset(user, request.host_url)` with `send_reset` in the same or another module)."""
    mailers = {(p, e["name"]): e for p in facts for e in facts[p].get(PARAMS, ())}
    if not mailers:
        return []
    index = SettingsIndex(facts)
    resolved: dict[tuple[str, str | None], str | None] = {}  # each module once: the lookup scans every path
    out: dict[tuple, tuple[str, dict[str, Any]]] = {}
    for path in sorted(facts):
        for data in facts[path].get(HANDOFFS, ()):
            props = data.get("properties", {})
            callee, arg = str(props.get("callee", "")), props.get("arg")
            module, _, name = callee.rpartition(".")
            lookup = (module, path if module.startswith(".") else None)
            if module and lookup not in resolved:
                resolved[lookup] = index.resolve(module, path)
            target = (resolved[lookup] if module else path, name)
            entry = mailers.get(target) if target[0] else None
            if entry is None:
                continue
            positional = entry["positional"]
            param = positional[arg] if isinstance(arg, int) and arg < len(positional) else arg
            if param not in entry["hits"]:
                continue
            key = (path, data.get("line"), data.get("column"))
            if key not in out:
                data = {**data, "message": f"{data['message']}; handed to {callee}() as '{param}', which builds the "
                                           "link with a token and mails it"}
                out[key] = (path, data)
    return [out[k] for k in sorted(out, key=str)]


def _tokened_templates(project: Any) -> list[tuple[str, dict[str, Any]]]:
    """The Flask templates rendered into a mail whose text builds a tokened `url_for(..., _external=True)`
    (microblog's `email/reset_password.txt`): the link takes the request's host inside the template."""
    facts = project.facts
    rendered = [(p, d) for p in sorted(facts) for d in facts[p].get(TEMPLATES, ())]
    if not rendered:
        return []
    names = {str(d.get("properties", {}).get("template", "")) for _p, d in rendered}
    suffixes = tuple(f"templates/{n.lstrip('/')}" for n in names if n)
    tokened: set[str] = set()
    for rel, text in texts(project, lambda r: r.endswith(suffixes)):
        for m in _TEMPLATE_URL_FOR.finditer(text):
            args = m.group(1)
            if _EXTERNAL.search(args) and any(_TOKEN.search(w) for w in _TEMPLATE_NAMES.findall(args)):
                tokened.update(n for n in names if rel.endswith(f"templates/{n.lstrip('/')}"))
                break
    out = []
    for path, data in rendered:
        name = data["properties"]["template"]
        if name in tokened:
            message = _message(WERKZEUG, f"url_for(..., _external=True) in the mail template {name}")
            out.append((path, {**data, "message": message}))
    return out


def _level(kind: str | None, guards: set[str], django_open: tuple[str, str, str] | None) -> str | None:
    if kind == FREE:
        return "error"
    if kind == FORWARDED:
        return "warning" if any(g.partition("?")[0] == "proxy-fix" for g in guards) else "error"
    if kind == WERKZEUG:
        return None if "server-name" in guards else "warning"
    if kind == STARLETTE:
        return None if "trusted-host-middleware" in guards else "warning"
    if kind == DJANGO:
        return django_open[1] if django_open else None
    return None


# A settings template shipped beside the module the deployment writes (`settings.py.example`)
_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".tmpl", ".dist", ".default", ".in")
_STAR_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+\*", re.M)
_SETS_ALLOWED_HOSTS = re.compile(r"^ALLOWED_HOSTS\b\s*(:[^=\n]*)?\+?=", re.M)


def _django_any_host(project: Any) -> tuple[str, str, str] | None:
    """(where, level, why) when the production settings let every host in (no middleware of the project
    rejecting unknown ones), else None: Django's get_host() checks every other host."""
    index = SettingsIndex(project.facts)
    for module in index.production_modules():
        if _allows_any_host(project, index, module):
            return module, "warning", f"ALLOWED_HOSTS contains '*' ({module}), so any Host is accepted"
    for missing in index.unshipped_modules():
        found = _unshipped_any_host(project, index, missing)
        if found is not None:
            return found
    return None


def _allows_any_host(project: Any, index: SettingsIndex, module: str) -> bool:
    settings = index.fold(module)
    value = settings.get("ALLOWED_HOSTS")
    hosts = value.value if value is not None and value.known else ()
    return isinstance(hosts, (list, tuple)) and "*" in hosts and not _host_validating_middleware(project, settings)


def _unshipped_any_host(project: Any, index: SettingsIndex, missing: str) -> tuple[str, str, str] | None:
    """DJANGO_SETTINGS_MODULE names a module the repository does not ship (the deployment writes it). A template
    of it that star-imports a base allowing every host and never sets ALLOWED_HOSTS is evidence (a warning);
    a base allowing every host in that package with no template is not (a note: the override is not traced)."""
    rel = missing.replace(".", "/") + ".py"
    package = rel.rpartition("/")[0]
    names = tuple(f"/{rel}{suffix}" for suffix in _TEMPLATE_SUFFIXES)
    for tpl, text in texts(project, lambda r: ("/" + r).endswith(names)):
        if _SETS_ALLOWED_HOSTS.search(text):
            return None  # the deployment's copy sets its own hosts
        for base in _STAR_IMPORT.findall(text):
            path = index.resolve(base)
            if path and path in index.events and _allows_any_host(project, index, path):
                return path, "warning", (f"ALLOWED_HOSTS contains '*' ({path}), and the deployment's settings "
                                         f"{missing} is made from {tpl}, which builds on it and does not set "
                                         "ALLOWED_HOSTS, so any Host is accepted")
    bases = sorted(p for p in index.events if p.rpartition("/")[0].endswith(package) and not is_dev_settings(p))
    for path in bases:
        if _allows_any_host(project, index, path):
            return path, "note", (f"ALLOWED_HOSTS contains '*' ({path}); the deployment's settings {missing} is "
                                  "not in the repository, so whether it sets its own hosts is not traced")
    return None
