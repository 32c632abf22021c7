"""Endpoints that are public by design: the account flows an anonymous visitor must reach.

Logging in, signing up, recovering a password, confirming an e-mail address or accepting an invitation
cannot require a login: flagging them as "missing authentication" is wrong by construction. They are told
by what the endpoint is named (handler or last path segment) and, for the words that also name other
things (`reset`, `verify`, `confirm`), by a token in the URL or an auth/account module around them.
"""

from __future__ import annotations

import ast
import re

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Words that say "this is the account flow" on their own.
_STRONG = {"login": "login", "logout": "logout", "signin": "login", "signout": "logout", "logon": "login",
           "logoff": "logout", "signup": "sign-up", "register": "sign-up", "registration": "sign-up",
           "forgot": "password recovery", "forgotten": "password recovery", "oauth": "login (OAuth)",
           "authenticate": "login", "sso": "login (single sign-on)"}
# Words that name an account flow only with corroboration (a token in the URL, a password / e-mail word,
# an auth or account module): `reset` alone may be an admin action.
_WEAK = {"reset": "password recovery", "recover": "password recovery", "recovery": "password recovery",
         "remind": "password recovery", "reminder": "password recovery",
         "verify": "e-mail verification", "verification": "e-mail verification", "confirm": "e-mail confirmation",
         "confirmation": "e-mail confirmation", "activate": "account activation",
         "activation": "account activation", "invitation": "invitation", "invite": "invitation"}
# Words that may stand next to a flow word in its name without changing what it is.
_FILLER = frozenset({"view", "views", "api", "do", "handle", "handler", "page", "form", "user", "users", "account",
                     "accounts", "password", "passwd", "email", "mail", "e", "new", "key", "token", "done",
                     "complete", "sent", "link", "success", "start", "request", "get", "post", "with", "by",
                     "in", "out", "up", "sign", "log", "on", "off", "the", "my", "auth", "submit", "callback",
                     "redirect", "code", "accept", "resource", "endpoint", "controller", "route",
                     # the second factor of a login, and asking for a flow's mail again (`LoginWith2FA`,
                     # `ResendConfirmEmail`) are still that flow
                     "2", "fa", "2fa", "mfa", "otp", "totp", "resend"})
_CONTEXT = frozenset({"password", "passwd", "email", "mail", "auth", "account", "accounts", "registration",
                      "authentication"})
# The first-run wizard that creates the first admin: public until the site is installed.
_SETUP = frozenset({"setup", "install", "installation", "installer", "onboarding", "wizard"})
# First words that make `<word>_login` something about logins rather than one (`last_login`, `failed_login`).
_NOT_PROVIDER = frozenset({"last", "recent", "failed", "require", "required", "force", "check", "count", "history",
                           "list", "audit", "track", "is", "has", "allow", "disable", "enable"})
# Path parameters that carry a secret from an e-mail: the link itself is the credential.
_TOKEN_PARAM = re.compile(r"(?i)(token|key|code|signed|signature|uidb64|uid|hash|payload|nonce|secret)")
_PARAM = re.compile(r"[<{(]([^>})]*)[>})]")


def words(text: str) -> list[str]:
    """`ConfirmEmailView` -> [confirm, email, view]; `password-recovery` -> [password, recovery]."""
    return [w.lower() for w in _WORD.findall(text.replace("SignUp", "Signup").replace("LogIn", "Login"))]


def _joined(ws: list[str]) -> list[str]:
    """sign + up -> signup, log + in -> login: the two-word spellings of the strong words."""
    out = list(ws)
    for a, b in zip(ws, ws[1:]):
        if a + b in _STRONG:
            out.append(a + b)
    return out


def _flow(ws: list[str]) -> tuple[str | None, bool]:
    """(what flow the words name, whether the name needs corroboration), or (None, False)."""
    named = [w for w in ws if w not in _FILLER]
    if len(named) == 2 and named[1] in ("login", "signin", "signup", "register", "sso") and named[0] not in _NOT_PROVIDER:
        return _STRONG[named[1]], False  # `org_login`, `saml_login`: a login started for one provider or org
    ws = _joined(ws)
    meaningful = [w for w in ws if w not in _FILLER]
    if not meaningful or not all(w in _STRONG or w in _WEAK or w in ("sign", "log") for w in meaningful):
        return None, False
    strong = [w for w in meaningful if w in _STRONG]
    if strong:
        return _STRONG[strong[0]], False
    weak = [w for w in meaningful if w in _WEAK]
    if not weak:
        return None, False
    corroborated = any(w in ("password", "passwd") for w in ws) and weak[0] in ("reset", "recover", "recovery",
                                                                                 "remind", "reminder") \
        or any(w in ("email", "mail") for w in ws) and weak[0] in ("verify", "verification", "confirm",
                                                                   "confirmation", "activate", "activation")
    return _WEAK[weak[0]], not corroborated


def first_run_setup(handler: str) -> bool:
    """`setup`, `install_view`: a handler named for the first-run wizard (the caller checks that its first
    test sends visitors away once the site is set up)."""
    name = handler.split(".")[0] if handler.split(".")[0][:1].isupper() else handler.rsplit(".", 1)[-1]
    ws = [w for w in words(name) if w not in _FILLER]
    return bool(ws) and all(w in _SETUP for w in ws)


def link_token(path: str, params: list[str] | None = None) -> bool:
    """A secret from an e-mail in the URL (`/verify/<token>`; the handler's `token` parameter when a helper
    builds the path): the link itself is the credential."""
    segments = [s for s in path.strip("/").split("/") if s]
    return any(_TOKEN_PARAM.search(m) for s in segments for m in _PARAM.findall(s)) or (
        "<expr>" in path and any(_TOKEN_PARAM.fullmatch(p) for p in params or ()))


def account_flow(path: str, handler: str, file: str, params: list[str] | None = None) -> str | None:
    """The account flow an endpoint serves ("password recovery", "login", ...), or None. `params`, the
    handler's parameters, stand for the URL's when a helper builds the path (`org_scoped_rule("/invite/<token>")`
    reads as `<expr>`): Flask passes each URL parameter as one."""
    segments = [s for s in path.strip("/").split("/") if s]
    static = [s for s in segments if not _PARAM.search(s)]
    name = handler.split(".")[0] if "." in handler and handler.split(".")[0][:1].isupper() else handler
    name = name.rsplit(".", 1)[-1]
    found, weak = _flow(words(name))
    if found is None and static:
        found, weak = _flow(words(static[-1].replace(".", " ")))
    if found is None:
        return None
    if not weak:
        return found
    if found == "invitation" and "request" in words(name) + [w for s in static for w in words(s)]:
        # `InviteRequest`, `/request-invitation`: a visitor asks to be invited, the sign-up of an invite-only site
        return "sign-up (invitation request)"
    token = link_token(path, params)
    module = words(file.rsplit("/", 1)[-1].removesuffix(".py"))
    around = {w for s in static for w in words(s)} | set(module)
    if found in ("account activation", "invitation"):
        # `/accounts/{id}/activate/` is an admin action; `/activate/<token>` is not, nor is `/auth/activate`
        # (no object in the URL, under auth or accounts: the visitor enters the code or asks for a new one)
        return found if token or found == "account activation" and not _PARAM.search(path) and \
            around & _CONTEXT else None
    return found if token or around & _CONTEXT else None


def declared_public(handler: str, file: str) -> bool:
    """`PublicRecipesController`, `public_feed`, a module `controller_public_recipes.py`: the author named the
    code public, which says the same as a `# backend-audit: public` mark."""
    owner = handler.split(".")[0]
    stem = file.rsplit("/", 1)[-1].removesuffix(".py")
    return words(owner)[:1] == ["public"] or "public" in words(stem)


# A docstring in which the author says the endpoint takes no login: "This endpoint doesn't require
# authentication", "This endpoint is anonymous", "Authentication is not enforced by the dispatcher".
_DOC_PUBLIC = re.compile(
    r"(?i)\b(do(es)?\s*n[o']t\s+require\s+(any\s+)?(auth\w*|login|a\s+token|credentials)"
    r"|no\s+(auth\w*|login)(\s+header)?\s+(is\s+|are\s+)?(required|needed)"
    r"|auth\w*\s+is\s+\**not\**\s+(required|enforced|needed)"
    r"|(endpoint|route|view|api|call)\s+is\s+(anonymous|public|unauthenticated)\b"
    r"|(public|anonymous|unauthenticated)\s+(endpoint|route|view)\b)")


def documented_public(doc: str | None) -> str | None:
    """The phrase of a handler's docstring that declares it public, or None."""
    found = _DOC_PUBLIC.search(doc or "")
    return " ".join(found.group(0).replace("*", "").split()) if found else None


# A setting that opens a feature to anonymous visitors: `ALLOW_PUBLIC_PROJECT_CREATION`, `ENABLE_SIGNUP`,
# `allow_new_accounts`, `ANONYMOUS_ACCESS`.
_PUBLIC_SWITCH = re.compile(r"(?i)^\w*((allow|enable|open)\w*(public|anonymous|sign_?up|registration|register|new_"
                            r"(accounts?|users?))|public_\w*(creation|sign_?up|registration|access)"
                            r"|anonymous_\w*(access|users?|creation))\w*$")


def public_switch(test: ast.expr) -> str | None:
    """The setting an `if` test of a handler reads that opens the feature to anonymous visitors
    (`if form.validate() and current_app.config.get("ALLOW_PUBLIC_PROJECT_CREATION"):`), or None: its author
    made the endpoint public behind an operator's switch. Asked per `if` by the function-facts walk."""
    for n in ast.walk(test):
        key = n.value if isinstance(n, ast.Constant) and isinstance(n.value, str) else \
            n.attr if isinstance(n, ast.Attribute) else None
        if key and len(key) < 80 and _PUBLIC_SWITCH.match(key):
            return key
    return None
