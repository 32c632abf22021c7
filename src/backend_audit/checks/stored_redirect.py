"""BA-INP-009 through a store: a request value kept under a state key (`cache.set("openid:state:" + state,
callback)` in the login view) and read back by another view (`callback = cache.delete("openid:state:" +
state)`) that redirects to it, often with the tokens of the login appended (`callback + quote(tokens)`). The
taint engine follows a value within a request; this pass joins the write and the read by the constant prefix
of their keys (blind set T: an OIDC login that delivered the IdP's tokens to any callback URL), from facts each
file's walk leaves (StoredRedirectFacts).

A function that checks the URL where it is stored or where it is read back (`url_has_allowed_host_and_scheme`,
`is_safe_url`, a project's `safe_for_redirect`, membership in an allowlist of hosts) is not reported."""

from __future__ import annotations

import ast
from typing import Any

from ..findings import Finding
from .base import AstCheck, FileContext, ProjectCheck, dotted
from .lazy_re import re  # compiled on first use
from .recognise import is_credential_name, snake

_REDIRECTS = frozenset({"HTTPFound", "HTTPSeeOther", "HTTPTemporaryRedirect", "HTTPPermanentRedirect",
                        "HTTPMovedPermanently", "redirect", "RedirectResponse", "HttpResponseRedirect",
                        "HttpResponsePermanentRedirect"})
_WRITES = frozenset({"set", "setex", "set_value", "hset"})
_READS = frozenset({"get", "delete", "pop", "getdel", "hget"})
_REQUEST = re.compile(r"\b(request|req)\.(GET|POST|args|form|params|query_params|values|json|get_param)\b")
_CHECKED = re.compile(r"url_has_allowed_host_and_scheme|is_safe_url|safe_url|safe_for_redirect|_allow_redirect|"
                      r"allowed_hosts?\b|ALLOWED_\w*(HOST|ORIGIN|REDIRECT|CALLBACK)|\.netloc\s+(not\s+)?in\b")


def _prefix(key: ast.AST) -> str | None:
    """The constant text a store key starts with: `"openid:state:" + state`, `f"oauth-{state}"`,
    `"state:%s" % s`; None when it has none worth matching (under three characters)."""
    if isinstance(key, ast.BinOp) and isinstance(key.op, (ast.Add, ast.Mod)):
        key = key.left
    elif isinstance(key, ast.JoinedStr) and key.values:
        key = key.values[0]
    text = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
    text = text.split("%")[0].split("{")[0]
    return text if len(text) >= 3 else None


class _Function:
    """One function's local bindings, to see what an expression holds a step or two back."""

    def __init__(self, fn: ast.AST) -> None:
        self.fn = fn
        self._bound: dict[str, list[ast.expr]] | None = None
        self._checked: bool | None = None

    @property
    def bound(self) -> dict[str, list[ast.expr]]:
        """Made when first asked (for a store of a keyed value or a redirect): most functions have neither."""
        if self._bound is None:
            self._bound = {}
            for n in ast.walk(self.fn):
                if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name):
                    self._bound.setdefault(n.targets[0].id, []).append(n.value)
        return self._bound

    @property
    def checked(self) -> bool:
        """The function checks a URL's host somewhere (asked only of functions that store or redirect)."""
        if self._checked is None:
            self._checked = bool(_CHECKED.search(ast.unparse(self.fn)))
        return self._checked

    def expand(self, expr: ast.AST, depth: int = 3) -> list[ast.AST]:
        """`expr` and what the names in it were bound to, `depth` steps back."""
        out, todo, seen = [expr], [expr], set()
        for _ in range(depth):
            nxt = []
            for e in todo:
                for n in ast.walk(e):
                    if isinstance(n, ast.Name) and n.id in self.bound and n.id not in seen:
                        seen.add(n.id)
                        nxt.extend(self.bound[n.id])
            out.extend(nxt)
            todo = nxt
        return out

    def from_request(self, expr: ast.AST) -> str | None:
        for e in self.expand(expr):
            m = _REQUEST.search(ast.unparse(e))
            if m:
                return ast.unparse(e)[:60]
        return None


def _method(call: ast.Call, names: frozenset[str]) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr in names and len(call.args) >= 1


def _target(call: ast.Call) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg in ("location", "url", "to", "redirect_to")), None)


def _carries_tokens(exprs: list[ast.AST]) -> bool:
    """The target also holds a credential: a token-named value or the body of an HTTP response (an IdP's
    token answer)."""
    for e in exprs:
        for n in ast.walk(e):
            name = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else ""
            if name and (is_credential_name(name) or "token" in snake(name).split("_")):
                return True
    return False


# fact keys: per file, the request values stored under a constant key prefix, and the redirects to a value read
# back under one
WRITES = "stored_request_values"
SINKS = "redirects_to_stored_values"


class StoredRedirectFacts(AstCheck):
    """Records each function's stores of request values and redirects to read-back values (the project pass
    below joins them across files)."""

    RULE_ID = "BA-INP-009"
    PREFILTER = ("edirect", ".set(", ".setex(", ".set_value(", ".hset(")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # A fact needs a store under a key with a constant prefix (`cache.set("state:" + s, url)`), or a read
        # back under one (`url = cache.get("state:" + s)`) and a redirect: the shared walk meets every call, so a
        # module with neither skips the per-function walks
        self.writes = self.reads = self.redirects = False

    def visit_Call(self, node: ast.Call) -> None:
        if not self.writes and _method(node, _WRITES) and len(node.args) >= 2 and _prefix(node.args[0]):
            self.writes = True
        elif not self.reads and _method(node, _READS) and _prefix(node.args[0]):
            self.reads = True
        if not self.redirects and (dotted(node.func) or "").rpartition(".")[2] in _REDIRECTS:
            self.redirects = True

    def leave_Module(self, node: ast.Module) -> None:
        if self.ctx.tree is None or not (self.writes or self.reads and self.redirects):
            return
        for fn in ast.walk(self.ctx.tree):  # breadth first: the first write of a prefix is the one cited
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._function(_Function(fn))

    def _function(self, fn: _Function) -> None:
        reads: dict[str, str] = {}  # local name -> key prefix it was read back under
        for n in ast.walk(fn.fn):
            if isinstance(n, ast.Call) and _method(n, _WRITES) and len(n.args) >= 2:
                prefix = _prefix(n.args[0])
                sent = prefix and fn.from_request(n.args[1])
                if sent and not fn.checked:
                    self.ctx.facts.setdefault(WRITES, []).append([prefix, n.lineno, sent])
            elif isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name) and \
                    isinstance(n.value, ast.Call) and _method(n.value, _READS):
                prefix = _prefix(n.value.args[0])
                if prefix:
                    reads[n.targets[0].id] = prefix
        if not reads or fn.checked:
            return
        for n in ast.walk(fn.fn):
            if not (isinstance(n, ast.Call) and (dotted(n.func) or "").rpartition(".")[2] in _REDIRECTS):
                continue
            target = _target(n)
            if target is None:
                continue
            exprs = fn.expand(target)
            read = next((name.id for e in exprs for name in ast.walk(e)
                         if isinstance(name, ast.Name) and name.id in reads), None)
            if read:
                self.ctx.facts.setdefault(SINKS, []).append({
                    "prefix": reads[read], "read": read, "tokens": _carries_tokens(exprs), "line": n.lineno,
                    "column": n.col_offset + 1, "end_line": n.end_lineno or n.lineno,
                    "end_column": (n.end_col_offset or 0) + 1, "snippet": ast.unparse(n)[:120]})


class StoredRedirect(ProjectCheck):
    RULE_ID = "BA-INP-009"
    # the write may sit in a file not scanned: on a subset nothing is claimed
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        writes: dict[str, tuple[str, int, str]] = {}  # key prefix -> (path, line, the request value stored)
        for path in sorted(project.facts):
            if not project.facts[path].get("is_test"):
                for prefix, line, sent in project.facts[path].get(WRITES, ()):
                    writes.setdefault(prefix, (path, line, sent))
        out = []
        for path in sorted(project.facts):
            for sink in project.facts[path].get(SINKS, ()):
                write = writes.get(sink["prefix"])
                if write is None:
                    continue
                carrying = ", and the tokens of the exchange are appended to it: the credentials go to whatever " \
                           "URL the link named" if sink["tokens"] else ""
                out.append(Finding(
                    rule_id=self.RULE_ID, path=path, line=sink["line"], column=sink["column"],
                    end_line=sink["end_line"], end_column=sink["end_column"], level="warning", engine=self.ENGINE,
                    snippet=sink["snippet"],
                    message=(f"the redirect target is {sink['read']}, read back from the store under "
                             f"'{sink['prefix']}...', where {write[0]}:{write[1]} kept the request's {write[2]}: the "
                             f"client that started the flow chose where this redirect goes{carrying}; check it "
                             "against an allowlist of hosts or url_has_allowed_host_and_scheme() when it is stored "
                             "or before redirecting"),
                    properties={"sub": "stored"}))
        return out
