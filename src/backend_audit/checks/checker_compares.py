"""BA-AUTH-005: the comparison that decides a credential check, whatever its sides are called. A function named
for checking a password, secret, token or signature (`_check_password(hashed, clear)`, `verify_signature`)
that returns `stored == computed`, or refuses on `!=`, compares the stored credential with the caller's
guess even when neither name says so (`hashed == to_compare`: blind set W). The file check asks this only
when neither side names a secret; its other filters and levels then apply as to any secret compare."""

from __future__ import annotations

import ast

from .lazy_re import re  # compiled on first use
from .recognise import snake

# a function named for checking a presented credential (not `key`: cache and dict keys are checked too)
_CHECKS_CREDENTIAL = re.compile(
    r"(?i)(check|verif|valid|compare|match)\w*(password|passwd|secret|signature|token|hmac|digest|otp)|"
    r"(password|passwd|secret|signature|token|hmac|digest|otp)\w*(check|verif|valid|match)")

# what else such a function compares: the token's algorithm, kind, version or issuer, its expiry, the user or
# claim it names, the salt a cache keeps (`if header_alg != expected_alg: raise`, `payload.get("sub") !=
# expected`, `str(value) != str(user.id)`): properties of the credential, not the credential
_PROPERTY_WORDS = frozenset({"alg", "algorithm", "algorithms", "type", "kind", "version", "issuer", "iss", "aud",
                             "audience", "scheme", "prefix", "method", "format", "status", "scope", "name", "id",
                             "user", "username", "email", "owner", "expires", "expiry", "exp", "length", "len",
                             "count", "size", "purpose", "mode", "state", "action", "header", "headers", "salt",
                             "sub", "subject", "jti", "iat", "nbf", "field", "fields", "strategy", "policy"})
# a CamelCase name on either side is a class or a library's constant (`res == AccessAccept`, a RADIUS reply
# code; `SecretStrategy.custom`): a kind of answer, not a secret
_CAMEL = re.compile(r"^_?[A-Z][a-z0-9]+[A-Z]\w*$")


def _words(side: ast.AST) -> set[str]:
    """Every name, attribute and string key a side spells (`payload.get("sub")` -> payload, get, sub)."""
    out: set[str] = set()
    for n in ast.walk(side):
        name = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else \
            n.value if isinstance(n, ast.Constant) and isinstance(n.value, str) else None
        if name and _CAMEL.match(name):
            return {"type"}
        if name:
            out.update(snake(name).split("_"))
    return out


def credential_check(fn: ast.AST | None, parents: list[ast.AST], node: ast.Compare) -> str | None:
    """`hashed (checked by _check_password())` when `node` is what a credential-checking function returns
    (`return hashed == to_compare`) or the test of a branch that only returns or raises (`if digest !=
    expected: return False`); else None."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _CHECKS_CREDENTIAL.search(fn.name):
        return None
    if any(_PROPERTY_WORDS & _words(side) for side in (node.left, *node.comparators)):
        return None
    inner, holder = node, parents[-1] if parents else None
    if isinstance(holder, ast.UnaryOp) and isinstance(holder.op, ast.Not) and len(parents) > 1:
        inner, holder = holder, parents[-2]  # `return not (a != b)`
    decides = isinstance(holder, ast.Return) and holder.value is inner or \
        isinstance(holder, ast.If) and holder.test is inner and len(holder.body) == 1 and \
        isinstance(holder.body[0], (ast.Return, ast.Raise))
    return f"{ast.unparse(node.left)[:40]} (checked by {fn.name}())" if decides else None
