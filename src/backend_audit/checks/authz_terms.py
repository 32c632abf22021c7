"""What an `assert` about access control looks like (BA-AUTH-004): shared by the per-file fact collector
(model/frameworks/functions.py records such asserts) and the rule that judges them."""

from __future__ import annotations

import ast

from .base import dotted, iter_nodes
from .recognise import names_in

_AUTHZ_WORDS = frozenset({"authenticated", "admin", "superuser", "staff", "perm", "perms", "permission",
                          "permissions", "role", "roles", "scopes", "owner", "tenant", "authorized", "authorised",
                          "privileges", "privilege", "acl", "anonymous"})
_AUTHZ_NAMES = frozenset({"current_user", "has_perm", "has_perms", "owner_id", "tenant_id"})
# Terms that only say "someone is logged in": in code already behind a login guard, an assert of them
# narrows the user's type for mypy (`AnonymousUser | User` -> `User`); it decides nothing.
AUTHN_TERMS = frozenset({"is_authenticated", "is_anonymous", "current_user", "request.user"})


def authz_term(test: ast.AST, segment: str) -> str | None:
    """The first access-control term an assert's test mentions (a name, a key like "roles"), else None.
    `segment` is the test's source text."""
    if is_type_narrowing(test):
        return None
    for n in names_in(test):
        low = n.lower()
        if low in _AUTHZ_NAMES or any(w in _AUTHZ_WORDS for w in low.split("_")):
            return n
    for text in _word_strings(test):  # claims["roles"], "admin" in user.groups
        if any(w in _AUTHZ_WORDS for w in text.lower().split("_")):
            return repr(text)
    if "request.user" in segment:
        return "request.user"
    return None


# Whose access an assert decides: a name with one of these words says the test is about a caller
_SUBJECT_WORDS = frozenset({"user", "users", "request", "req", "principal", "identity", "account", "member",
                            "actor", "caller", "viewer", "owner", "session", "token", "claims", "current",
                            "subject", "requester", "login", "authenticated", "authorized", "authorised",
                            "superuser", "staff", "anonymous"})
_PREDICATE_PREFIXES = ("is_", "has_", "can_", "check_", "require_", "may_", "allowed")


def names_a_subject(test: ast.AST) -> bool:
    """Does the assert test someone's rights (`user.is_superuser`, `has_permission_for_form(user, form)`,
    `self.is_user_authorized()`, `"admin" in roles`), or only the shape of role or permission data the code
    defines (`all(key.startswith(role_prefix) for key in desired_roles)`, a developer invariant)? A bare
    authz word as a whole name (`roles`, `permissions`) or a predicate (`is_admin`, `has_perm`) counts."""
    for n in names_in(test):
        low = n.lower()
        words = low.split("_")
        if low in _AUTHZ_NAMES or low in _AUTHZ_WORDS or any(w in _SUBJECT_WORDS for w in words):
            return True
        if low.startswith(_PREDICATE_PREFIXES) and any(w in _AUTHZ_WORDS for w in words):
            return True
    return any(t.lower() in _SUBJECT_WORDS or t.lower() in _AUTHZ_WORDS for t in _word_strings(test))


def only_authentication(test: ast.AST, segment: str) -> bool:
    """`assert request.user.is_authenticated`: the test names who is logged in and nothing about rights."""
    terms = {n for n in names_in(test) if n.lower() in _AUTHZ_NAMES or any(
        w in _AUTHZ_WORDS for w in n.lower().split("_"))}
    return not _word_strings_authz(test) and terms <= AUTHN_TERMS and (bool(terms) or "request.user" in segment)


def _word_strings_authz(test: ast.AST) -> list[str]:
    return [t for t in _word_strings(test) if any(w in _AUTHZ_WORDS for w in t.lower().split("_"))]


def _word_strings(node: ast.AST) -> list[str]:
    """String literals inside an expression that are single identifiers (keys, role names), not prose.
    The literal text of an f-string is not one (`f"admin {x}"`)."""
    found: list[tuple[int, int, str]] = []
    skip: set[int] = set()
    for n in iter_nodes(node, skip=()):
        if isinstance(n, ast.JoinedStr):
            skip.update(id(v) for v in n.values)
        elif isinstance(n, ast.Constant) and id(n) not in skip and isinstance(n.value, str) and n.value.isidentifier():
            found.append((n.lineno, n.col_offset, n.value))
    return [text for _, _, text in sorted(found, key=lambda t: t[:2])]  # source order: the first one is reported


def is_type_narrowing(test: ast.AST) -> bool:
    """`assert isinstance(x, T)`, `assert x is not None`: typing aids, not decisions."""
    if isinstance(test, ast.Call) and dotted(test.func) in ("isinstance", "issubclass", "callable", "hasattr"):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        right = test.comparators[0]
        return isinstance(test.ops[0], (ast.IsNot, ast.Is)) and isinstance(right, ast.Constant) and right.value is None
    return False
