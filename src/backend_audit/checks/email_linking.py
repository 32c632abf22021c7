"""BA-AUTH-011: a sign-in that finds the account by the identity provider's e-mail claim without checking that
the provider verified it.

A function that reads a token's or userinfo's `sub` claim (an OpenID Connect / OAuth sign-in) and looks the
local account up by e-mail (`User.query.filter(User.email == info["email"])`, `User.objects.get(email=...)`),
with no `email_verified` (or `verified_email`, `is_verified`) anywhere in it: whoever registers that address at
the provider, or at a second trusted issuer that does not verify addresses, signs in as the existing account
(and, when the function then stores its `sub`, keeps it). The `sub` read is the evidence the function turns a
provider's identity into a local one; a lookup by e-mail elsewhere (a password reset, an admin search) is not
flagged.
"""

from __future__ import annotations

import ast

from .base import AstCheck

_LOOKUPS = frozenset({"filter", "filter_by", "get", "get_or_none", "first", "where", "find_one", "get_or_create"})
_EMAIL_KEYWORDS = frozenset({"email", "email__iexact", "email__exact", "email_address"})


def _claim_key(node: ast.AST, key: str) -> bool:
    """`x["sub"]` or `x.get("sub")`."""
    if isinstance(node, ast.Subscript):
        s = node.slice
        return isinstance(s, ast.Constant) and s.value == key
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
        bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == key


def _email_lookup(node: ast.AST) -> bool:
    """`.filter(User.email == v)`, `.where(User.email == v)`, `.filter_by(email=v)`, `.objects.get(email=v)`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _LOOKUPS):
        return False
    if any(k.arg in _EMAIL_KEYWORDS for k in node.keywords):
        return True
    return any(isinstance(a, ast.Compare) and isinstance(a.left, ast.Attribute) and a.left.attr in _EMAIL_KEYWORDS
               and len(a.ops) == 1 and isinstance(a.ops[0], ast.Eq) for a in node.args)


def _mentions_verified(node: ast.AST) -> bool:
    for n in ast.walk(node):
        text = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else \
            n.value if isinstance(n, ast.Constant) and isinstance(n.value, str) else n.arg \
            if isinstance(n, ast.keyword) and n.arg else ""
        if "verified" in text.lower():
            return True
    return False


class EmailLinkedSignIn(AstCheck):
    RULE_ID = "BA-AUTH-011"
    PREFILTER = ('"sub"', "'sub'")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.ctx.function_stack[:-1]:  # the outermost function holds the whole sign-in; walk it once
            return
        lookups, reads_sub = [], False
        for n in ast.walk(node):
            if not reads_sub and _claim_key(n, "sub"):
                reads_sub = True
            elif _email_lookup(n):
                lookups.append(n)
        if not reads_sub or not lookups or _mentions_verified(node):
            return
        first = min(lookups, key=lambda c: (c.lineno, c.col_offset))
        self.report(first, "the sign-in reads the provider's `sub` claim but finds the local account by e-mail "
                           "without checking that the provider verified that address (no email_verified): whoever "
                           "holds the address at the provider, or at another trusted issuer that does not verify "
                           "e-mails, signs in as the existing account; require the email_verified claim before "
                           "matching by e-mail, or match by (issuer, sub) only", level="warning")

    visit_AsyncFunctionDef = visit_FunctionDef
