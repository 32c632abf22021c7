"""BA-AUTH-002: JWTs decoded without verifying signature, algorithm or claims (PyJWT, python-jose)."""

from __future__ import annotations

import ast
from .lazy_re import re  # compiled on first use

from .base import AstCheck, FileContext, dotted
from .recognise import UNKNOWN, arg, literal_value, names_in, strings_in

# PyJWT (module functions and the PyJWT/PyJWS classes' module aliases) and python-jose.
_JWT_DECODE = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode", "jwt.decode_complete",
                         "jwt.api_jwt.decode_complete"})
_JWT_ENCODE = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jose.jwt.encode"})
_JWT_UNVERIFIED = frozenset({"jose.jwt.get_unverified_claims"})
# A key named as the public half of a key pair (or a PEM/certificate): the alg-confusion forgery's input.
_PUBLIC_KEY = re.compile(r"(?i)public|pub_?key|\bpub\b|pem|cert")
_CLAIM_FLAGS = ("verify_exp", "verify_aud", "verify_iss", "verify_iat", "verify_nbf")
# claims that say whom a token was issued for or by, not whether it is still valid
_AUDIENCE_FLAGS = frozenset({"verify_aud", "verify_iss"})
# Claims that say who issued a token and with which key, not who holds it: read unverified, they can only
# pick the registered issuer (tenant, LTI platform, OIDC provider) whose keys then verify the token.
_ROUTING_CLAIMS = frozenset({"iss", "aud", "kid", "alg", "typ", "azp", "client_id", "tid", "jku"})
# Outgoing POSTs of the HTTP clients: the OAuth/OIDC back-channel request to the token endpoint.
_HTTP_POST = frozenset({"requests.post", "requests.api.post", "httpx.post"})


class JwtVerificationOff(AstCheck):
    RULE_ID = "BA-AUTH-002"
    PREFILTER = ("jwt", "jose")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # per function: calls of get_unverified_claims, and whether a verifying decode follows
        self.frames: list[dict] = [_frame()]
        # `def peek(token): return jwt.decode(token, options={"verify_signature": False})`: decided at the end
        # of the module by how its callers here use the payload (function name, call, qualname)
        self.returned: list[tuple[str, ast.Call, str]] = []
        self.helper_uses: dict[str, list[set[str]]] = {}  # function name -> per call here, how its result is used

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.frames.append(_frame())
        # only a method of a base-less class can be told uncalled by the project's calls and imports: a
        # subclass's method may be a hook its framework calls (an auth backend's authenticate()), a module
        # function may be handed on as `module.func` (a dependency, a callback) without a call or an import
        cls = self.ctx.parents[-1] if self.ctx.parents else None
        if isinstance(cls, ast.ClassDef) and all(dotted(b) == "object" for b in cls.bases):
            self.frames[-1]["def"] = node

    def visit_Name(self, node: ast.Name) -> None:
        # how the result of an unverified decode is read: only `claims.get("iss")` / `claims["aud"]`, or
        # anything else (passed on, returned, iterated, read for `sub`)
        if not isinstance(node.ctx, ast.Load):
            return
        for frame in reversed(self.frames):
            reads = frame["claim_reads"].get(node.id)
            if reads is not None:
                key = _literal_key(node, self.ctx.parents)
                if not isinstance(key, str):
                    key = _named_key(node, self.ctx.parents)
                if not (isinstance(key, str) and _fallback_of_request_value(self.ctx.parents)):
                    reads.add(key if isinstance(key, str) else "\0")
                return
            uses = frame["helper_reads"].get(node.id)
            if uses is not None:
                uses.add("log" if _logged(self.ctx.parents) else "\0")
                return

    def visit_Assign(self, node: ast.Assign) -> None:
        # `opts = {"verify_signature": False}; jwt.decode(t, k, options=opts)`: remember literal dicts bound
        # to a name once (a name bound twice is not followed: which one reaches the call is unknown)
        if isinstance(node.value, ast.Dict):
            dicts = self.frames[-1]["dicts"]
            for t in node.targets:
                if isinstance(t, ast.Name):
                    dicts[t.id] = node.value if t.id not in dicts else None
        # `r = requests.post(token_url, data, auth=...)` then `token = r.json()`: a name is a token response
        # only while every binding of it in the function is one (branches choosing the client auth method)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, frame = node.targets[0].id, self.frames[-1]
            frame["posts"][name] = self._is_post(node.value) and frame["posts"].get(name, True)
            frame["responses"][name] = self._is_response(node.value) and frame["responses"].get(name, True)

    def _is_post(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and (self.ctx.qualname(node.func) or "") in _HTTP_POST

    def _is_response(self, node: ast.AST) -> bool:
        """`r.json()` of a name bound to an outgoing POST, or `requests.post(...).json()`."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "json"):
            return False
        inner = node.func.value
        return self._is_post(inner) or isinstance(inner, ast.Name) and self.frames[-1]["posts"].get(inner.id, False)

    def _token_endpoint_id_token(self, token: ast.AST | None) -> bool:
        """`token["id_token"]` / `token.get("id_token")` of a token-endpoint response read in this function."""
        if isinstance(token, ast.Subscript):
            holder, key = token.value, literal_value(token.slice)
        elif isinstance(token, ast.Call) and isinstance(token.func, ast.Attribute) and token.func.attr == "get" \
                and token.args:
            holder, key = token.func.value, literal_value(token.args[0])
        else:
            return False
        return key == "id_token" and (self._is_response(holder) or isinstance(holder, ast.Name) and
                                      self.frames[-1]["responses"].get(holder.id, False))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # `kwargs: dict[str, Any] = {"algorithms": [...]}` binds a dict like a plain assignment
        if node.value is not None:
            self.visit_Assign(ast.Assign(targets=[node.target], value=node.value))

    def _bound_dict(self, node: ast.AST) -> ast.Dict | None:
        if isinstance(node, ast.Dict):
            return node
        if isinstance(node, ast.Name):
            for frame in (self.frames[-1], self.frames[0]):
                if node.id in frame["dicts"]:
                    return frame["dicts"][node.id]
        return None

    def _unpacked(self, node: ast.Call, key: str) -> tuple[ast.AST | None, ast.AST | None]:
        """(the value `key` gets from a `**mapping` of the call, the first mapping that cannot be read)."""
        untraced = None
        for kw in node.keywords:
            if kw.arg is not None:
                continue
            found = self._bound_dict(kw.value)
            if found is None:
                untraced = untraced or kw.value
                continue
            for k, v in zip(found.keys, found.values):
                if k is None:
                    untraced = untraced or v
                elif literal_value(k) == key:
                    return v, None
        return None, untraced

    def _options(self, node: ast.AST | None):
        if isinstance(node, ast.Name):
            for frame in (self.frames[-1], self.frames[0]):
                if node.id in frame["dicts"]:
                    node = frame["dicts"][node.id]
                    break
        return literal_value(node) if node is not None else {}

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._flush(self.frames.pop())

    def leave_Module(self, node: ast.Module) -> None:
        self._flush(self.frames.pop())
        for fname, call, qn, func in self.returned:
            uses = self.helper_uses.get(fname, [])
            if uses and all(u <= {"log"} for u in uses):
                self.report(call, f"{qn}() with signature verification turned off, returned by {fname}(), whose "
                                  f"{len(uses)} caller(s) in this module only log the payload (nothing is authorised "
                                  "from it); callers in other modules were not traced", level="note",
                            properties={"sub": "no-verify-logged"})
            else:
                self._no_verify(call, qn, func)

    def _flush(self, frame: dict) -> None:
        for call, qn, name, off in frame["claims_off"]:
            claims = {flag.removeprefix("verify_") for flag in off}
            reads = frame["claim_reads"].get(name, set())
            self._claims_off(call, qn, off, claims if claims <= reads else None)
        for callee, name in frame["helper_calls"]:
            self.helper_uses.setdefault(callee, []).append(frame["helper_reads"][name] if name else {"\0"})
        for call, name in frame["no_verify"]:
            reads = frame["claim_reads"][name]
            if call in frame["back_channel"]:
                self._back_channel(call)
            elif reads and "\0" not in reads and not reads <= _ROUTING_CLAIMS and \
                    not any(_holder_claim(k) for k in reads):
                self.report(call, f"jwt decode with signature verification turned off; its result is read only for "
                                  f"the {'/'.join(sorted(reads))} claim(s), none of which says who holds the token or "
                                  "what they may do: what the forged values could decide was not traced; verify the "
                                  "token before reading it", level="warning", properties={"sub": "no-verify-untraced"})
            elif reads and reads <= _ROUTING_CLAIMS:
                self.report(call, f"jwt decode with signature verification turned off, but only the "
                                  f"{'/'.join(sorted(reads))} claim(s) of its result are read: the shape of picking the "
                                  "registered issuer whose keys verify the token; that verification (a verifying "
                                  "decode or the library's launch validation) was not traced",
                            level="note", properties={"sub": "no-verify-routing"})
            else:
                self._no_verify(call, self.ctx.qualname(call.func) or "jwt.decode", frame.get("def"))
        if frame["verified"]:
            return  # reading claims to pick a key, then verifying: the documented pattern
        for call in frame["unverified"]:
            self.report(call, "jose get_unverified_claims() result used without a verifying jwt.decode in the same "
                              "function: anyone can forge these claims", properties={"sub": "unverified-claims"})

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name):  # a call of a module function: how its result is used, in case it decodes
            name = _assigned_name(node, self.ctx.parents)
            self.frames[-1]["helper_calls"].append((node.func.id, name))
            if name:
                self.frames[-1]["helper_reads"].setdefault(name, set())
        qn = self.ctx.qualname(node.func) or ""
        if qn in _JWT_DECODE:
            self._decode(node, qn)
        elif qn in _JWT_ENCODE:
            self._encode(node)
        elif qn in _JWT_UNVERIFIED:
            self.frames[-1]["unverified"].append(node)

    def _decode(self, node: ast.Call, qn: str) -> None:
        opts = self._options(arg(node, "options"))
        verify = arg(node, "verify")
        if (isinstance(opts, dict) and opts.get("verify_signature") is False) or \
                (verify is not None and literal_value(verify) is False):
            target = _assigned_name(node, self.ctx.parents)
            if self._token_endpoint_id_token(arg(node, "jwt", 0) or arg(node, "token")):
                self.frames[-1]["back_channel"].append(node)
            if target is None and node in self.frames[-1]["back_channel"]:
                self._back_channel(node)
            elif target is None and isinstance(self.ctx.parents[-1] if self.ctx.parents else None, ast.Return) \
                    and self.ctx.function_stack:
                self.returned.append((self.ctx.function_stack[-1].name, node, qn, self.frames[-1].get("def")))
            elif target is None:
                self._no_verify(node, qn, self.frames[-1].get("def"))
            else:  # decided when the function ends, by which claims of the result are read
                self.frames[-1]["no_verify"].append((node, target))
                self.frames[-1]["claim_reads"][target] = set()
            return
        algorithms = arg(node, "algorithms", 2)
        untraced = None
        if algorithms is None:  # `jwt.decode(token, key, **kwargs)` with kwargs = {"algorithms": [...], ...}
            algorithms, untraced = self._unpacked(node, "algorithms")
        algs = literal_value(algorithms) if algorithms is not None else UNKNOWN
        if algorithms is None and untraced is not None:
            self.report(node, f"{qn}() takes its arguments from **{ast.unparse(untraced)[:40]}, which was not traced: "
                              "make sure algorithms=[...] is among them", level="note",
                        properties={"sub": "no-algorithms"})
            return
        if algorithms is None:
            key = arg(node, "key", 1)
            if key is not None and not _PUBLIC_KEY.search(" ".join(names_in(key))):
                # PyJWT 2 refuses the call; PyJWT 1.x and python-jose let the header pick the algorithm but
                # build the key for it, and a shared secret or a JWK dict (kty) makes no RSA/EC key, nor is
                # there a 'none' key: no known forgery, the allowlist is hardening
                self.report(node, f"{qn}() without algorithms=: the token header picks the algorithm; with a "
                                  "shared secret or a JWK the libraries' key-type checks block the known forgery, "
                                  "but pass algorithms=[...] so a key change cannot open it",
                            level="warning", properties={"sub": "no-algorithms"})
            else:
                self.report(node, f"{qn}() without algorithms=: PyJWT 1.x and python-jose trust the algorithm named "
                                  "in the token header, and a public key in a format their HMAC check misses signs an "
                                  "HS256 forgery (alg confusion, CVE-2022-29217, CVE-2024-33663); pass "
                                  "algorithms=[\"RS256\"] or similar", properties={"sub": "no-algorithms"})
            if not qn.startswith("jose."):
                # PyJWT 2 refuses the call: the project pass (pyjwt_pin.py) reads which PyJWT the project installs
                self.ctx.facts.setdefault(PYJWT_NO_ALGORITHMS, []).append(self.ctx.findings.pop().to_dict())
            return
        if any(s.lower() == "none" for s in strings_in(algs)):
            self.report(node, f"{qn}() accepts the 'none' algorithm: unsigned tokens pass",
                        properties={"sub": "none-alg"})
            return
        self.frames[-1]["verified"] = True
        if isinstance(opts, dict):
            off = [k for k in _CLAIM_FLAGS if opts.get(k) is False]
            if off or opts.get("require") == []:
                target = _assigned_name(node, self.ctx.parents)
                if off and target:  # decided when the function ends: is each claim turned off read by hand?
                    self.frames[-1]["claims_off"].append((node, qn, target, off))
                    self.frames[-1]["claim_reads"].setdefault(target, set())
                    return
                self._claims_off(node, qn, off)

    def _claims_off(self, node: ast.Call, qn: str, off: list[str], by_hand: set[str] | None = None) -> None:
        what = ", ".join(off) or "require=[]"
        clock = self._expiry_by_hand() if off == ["verify_exp"] and not by_hand else None
        if by_hand:
            why = (f"{qn}() with claim checks turned off ({what}), but the function reads "
                   f"{'/'.join(sorted(by_hand))} from the result, the shape of matching it by hand (one issuer for "
                   "several audiences); that the match refuses a token without it was not traced")
        elif clock:
            # the module compares the token's `exp` with the clock itself (refusing an expired key after a DB
            # match, or only reporting it): the author moved the expiry check, signature and algorithms hold
            why = (f"{qn}() with only the expiry check turned off, but this module compares the token's exp with "
                   f"the current time itself (line {clock}); signature and algorithms are still verified; that "
                   "every use of this result passes that comparison was not traced")
        elif off and set(off) <= _AUDIENCE_FLAGS:
            # signature, algorithm allowlist and expiry still hold: only a token the same key signed for another
            # audience or issuer (a reset or verification token) gets through, if the key signs any
            why = (f"{qn}() with only the {what} check turned off: signature, algorithms and expiry are still "
                   "verified, so only a token the same key signs for another audience (a password reset or e-mail "
                   "verification token) would pass; whether this key signs other tokens was not traced")
        else:
            why = None
        if why:
            self.report(node, why, level="note", properties={"sub": "claims-off"})
            return
        self.report(node, f"{qn}() with claim checks turned off ({what}): expired or foreign tokens are "
                          "accepted", level="warning", properties={"sub": "claims-off"})

    def _expiry_by_hand(self) -> int | None:
        """The line where this module compares a token's `exp` (`payload.exp`, `claims["exp"]`) with the current
        time (`time.time()`, `datetime.now()`, `utcnow()`), else None."""
        for n in self.ctx.all_nodes():
            if isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], (ast.Lt, ast.LtE, ast.Gt,
                                                                                          ast.GtE)):
                sides = [n.left, *n.comparators]
                if any(_exp_claim(x) for x in sides) and any(_clock(x) for x in sides):
                    return n.lineno
        return None

    def _back_channel(self, node: ast.Call) -> None:
        # OIDC Core 3.1.3.7: an ID token received directly from the token endpoint over TLS may be validated
        # by the TLS server check instead of its signature; what the code does not show is that the POST was
        # client-authenticated and that TLS is verified
        self.report(node, "jwt decode with signature verification turned off on the id_token of a token-endpoint "
                          "response read in this function (requests/httpx POST): OIDC Core 3.1.3.7 lets the verified "
                          "TLS channel of the client-authenticated back-channel request stand in for the signature; "
                          "that the request is client-authenticated over verified TLS was not traced",
                    level="note", properties={"sub": "back-channel"})

    def _no_verify(self, node: ast.Call, qn: str, func: ast.AST | None = None) -> None:
        self.report(node, f"{qn}() with signature verification turned off: any client can forge this token; "
                          "pass the key and algorithms=[...]", properties={"sub": "no-verify"})
        if _maybe_uncalled(func, self.ctx.text):
            # its file never names it again: the project pass looks for a caller elsewhere (uncalled_decode.py)
            self.ctx.facts.setdefault(UNCALLED_DECODES, []).append(
                {"finding": self.ctx.findings.pop().to_dict(), "name": func.name})

    def _encode(self, node: ast.Call) -> None:
        alg = arg(node, "algorithm", 2)
        if alg is not None and str(literal_value(alg)).lower() == "none":
            self.report(node, "jwt.encode(..., algorithm='none') issues unsigned tokens", properties={"sub": "none-alg"})
            return
        payload = arg(node, "payload", 0)
        if isinstance(payload, ast.Dict) and "exp" not in _dict_keys(payload):
            self.report(node, "jwt.encode() of a payload without an 'exp' claim: the token never expires",
                        level="note", properties={"sub": "no-exp"})


def _exp_claim(node: ast.AST) -> bool:
    """`payload.exp`, `claims["exp"]`, `claims.get("exp")`."""
    if isinstance(node, ast.Attribute):
        return node.attr == "exp"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "exp"
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
        bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "exp"


def _clock(node: ast.AST) -> bool:
    """The current time: `time.time()`, `datetime.now(...)`, `utcnow()`, also `int(time.time())`."""
    calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
    return any((dotted(c.func) or "").rsplit(".", 1)[-1] in ("time", "now", "utcnow", "timestamp") for c in calls)


def _dict_keys(node: ast.Dict) -> set[str]:
    keys: set[str] = set()
    for key in node.keys:
        if key is None:
            keys.add("exp")  # `**claims` may carry exp: do not guess
        else:
            k = literal_value(key)
            keys.add(k if isinstance(k, str) else "exp")
    return keys


UNCALLED_DECODES = "uncalled_decodes"
PYJWT_NO_ALGORITHMS = "pyjwt_no_algorithms"  # PyJWT decodes without algorithms=, for pyjwt_pin.py
# decorators that leave a def a plain function or method: any other may register it (a route, a hook)
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod"})


def _maybe_uncalled(func: ast.AST | None, text: str) -> bool:
    """A def (not a dunder, not registered by a decorator) whose name appears once in its own file: its def."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or func.name.startswith("__") or \
            any(dotted(d) not in _PLAIN_DECORATORS for d in func.decorator_list):
        return False
    return len(re.findall(rf"\b{re.escape(func.name)}\b", text)) == 1


def _frame() -> dict:
    # unverified: jose get_unverified_claims calls; no_verify: (decode call, the name its result is bound to);
    # claim_reads: per such name, the literal claim keys read from it ("\0" for any other use)
    # posts / responses: per name, whether every binding is an outgoing POST / its .json(); back_channel: the
    # unverified decodes of such a response's id_token
    # helper_calls: (callee, the name its result is bound to or None); helper_reads: per such name, "log" when
    # only passed to a logging call, "\0" for any other use
    return {"unverified": [], "verified": False, "dicts": {}, "no_verify": [], "claim_reads": {}, "posts": {},
            "responses": {}, "back_channel": [], "helper_calls": [], "helper_reads": {}, "claims_off": []}


_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


def _logged(parents: list[ast.AST]) -> bool:
    """The name is an argument of `logger.warning(...)` (or inside one: an f-string, a `str()` of it)."""
    for p in reversed(parents):
        if isinstance(p, ast.Call):
            if isinstance(p.func, ast.Attribute) and p.func.attr in _LOG_METHODS:
                return True
            if not (isinstance(p.func, ast.Name) and p.func.id in ("str", "repr")):
                return False
        elif not isinstance(p, (ast.JoinedStr, ast.FormattedValue, ast.keyword, ast.Starred)):
            return False
    return False


def _assigned_name(call: ast.Call, parents: list[ast.AST]) -> str | None:
    """`claims = jwt.decode(...)`: the plain name the call's result is bound to."""
    parent = parents[-1] if parents else None
    if isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1 and \
            isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


# Claims that say who holds a token or what they may do (also as the last part of a namespaced claim URI:
# LTI's ".../claim/roles"): read unverified, a forged value grants that identity or right
_HOLDER_CLAIMS = frozenset({"sub", "email", "user", "user_id", "userid", "uid", "username", "preferred_username",
                            "upn", "oid", "name", "roles", "role", "groups", "scope", "scp", "permissions", "perms",
                            "admin", "is_admin", "is_staff", "is_superuser", "tenant", "tenant_id", "org_id",
                            "account", "account_id", "session", "sid", "custom"})


def _holder_claim(key: str) -> bool:
    return key.rstrip("/").rpartition("/")[2].lower() in _HOLDER_CLAIMS


def _fallback_of_request_value(parents: list[ast.AST]) -> bool:
    """`request.POST.get("login_hint") or claims.get("sub")`: the claim only stands in for a value the client
    sends anyway, so forging the token gives it nothing it could not send directly."""
    for depth, parent in enumerate(reversed(parents)):
        if depth > 3:
            return False
        if isinstance(parent, ast.BoolOp):
            return isinstance(parent.op, ast.Or) and "request" in (dotted(parent.values[0]) or
                                                                   _call_receiver(parent.values[0]))
    return False


def _call_receiver(node: ast.AST) -> str:
    """`request.POST.get(...)` -> "request.POST.get" (dotted() names no call)."""
    return (dotted(node.func) or "") if isinstance(node, ast.Call) else ""


# words of a claim-key constant naming who holds the token or what they may do (`USER_ID_CLAIM`, `ROLES_KEY`)
_HOLDER_WORDS = frozenset({"sub", "subject", "email", "user", "userid", "uid", "username", "upn", "oid", "role",
                           "roles", "group", "groups", "scope", "scopes", "perm", "perms", "permission",
                           "permissions", "admin", "staff", "superuser", "tenant", "org", "account", "session"})


def _named_key(name: ast.Name, parents: list[ast.AST]) -> str | None:
    """The claim key a constant names (`payload.get(JWT_OWNER_FIELD)`): read by name, "\0" (any use) when its
    words say who holds the token (`USER_ID_CLAIM`), so only a key naming something else narrows the use."""
    parent = parents[-1] if parents else None
    grand = parents[-2] if len(parents) > 1 else None
    key = parent.slice if isinstance(parent, ast.Subscript) and parent.value is name else \
        grand.args[0] if isinstance(parent, ast.Attribute) and parent.attr == "get" and \
        isinstance(grand, ast.Call) and grand.func is parent and grand.args else None
    text = dotted(key) if isinstance(key, (ast.Name, ast.Attribute)) else None
    if not text or not text.rpartition(".")[2].isupper():
        return None
    return None if set(text.rpartition(".")[2].lower().split("_")) & _HOLDER_WORDS else text


def _literal_key(name: ast.Name, parents: list[ast.AST]) -> object:
    """The claim key `name.get("iss")` or `name["iss"]` reads (None for any other use of the name)."""
    parent = parents[-1] if parents else None
    if isinstance(parent, ast.Subscript) and parent.value is name:
        return literal_value(parent.slice)
    grand = parents[-2] if len(parents) > 1 else None
    if isinstance(parent, ast.Attribute) and parent.attr == "get" and isinstance(grand, ast.Call) and \
            grand.func is parent and grand.args:
        return literal_value(grand.args[0])
    return None
