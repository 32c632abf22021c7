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
    """`assert isinstance(x, T)`, `assert x is not None`: typing aids, not decisions. So is an `or` of such
    tests and anonymity tests ending in a type test (`user is None or is_anonymous(user) or isinstance(user,
    User)`): it says what kind of value came in, it refuses nobody a caller could be."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(isinstance(v, ast.Call) and dotted(v.func) in ("isinstance", "issubclass") for v in test.values) \
            and all(is_type_narrowing(v) or _anonymity_test(v) for v in test.values)
    if isinstance(test, ast.Call) and dotted(test.func) in ("isinstance", "issubclass", "callable", "hasattr"):
        return True
    if _each_element_narrowed(test):
        return True
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        right = test.comparators[0]
        return isinstance(test.ops[0], (ast.IsNot, ast.Is)) and isinstance(right, ast.Constant) and right.value is None
    return False


def _each_element_narrowed(test: ast.AST) -> bool:
    """`assert all(isinstance(p, Permission) for p in permissions)`: the element type of a collection, checked
    after the code converted it itself. A permission class in the type test says what the values are, not
    whom they are granted to: a programming-error check, no caller is refused by it."""
    if not (isinstance(test, ast.Call) and dotted(test.func) in ("all", "any") and len(test.args) == 1
            and not test.keywords):
        return False
    comp = test.args[0]
    return isinstance(comp, (ast.GeneratorExp, ast.ListComp, ast.SetComp)) and \
        all(not gen.ifs for gen in comp.generators) and is_type_narrowing(comp.elt)


def _anonymity_test(node: ast.AST) -> bool:
    """`is_anonymous(user)`, `user.is_anonymous`: which kind of user object, not what it may do."""
    target = node.func if isinstance(node, ast.Call) else node
    return (dotted(target) or "").rpartition(".")[2] in ("is_anonymous", "is_authenticated")


# --- role words that name the code's own data ---------------------------------------------------------
_ROLE_WORDS = frozenset({"role", "roles"})


def role_of_data(test: ast.AST, local_values: dict[str, ast.expr]) -> bool:
    """Is every access-control word of the assert a role read off something that is not a caller: the
    `role` key of a chat message (`message["role"] in ["user", "assistant"]`), a provider response's
    `.role`, a local bound to one, a role list the code spells out? Such an assert checks the shape of
    data (an LLM conversation's user/assistant/system/tool roles); only a role of the user, member or
    account (`user.role`, `member["role"]`) says what a caller may do. `local_values`: the enclosing
    function's locals (name -> the expression last bound to it)."""
    bound = {n.id: gen.iter for c in iter_nodes(test, skip=()) if isinstance(c, (ast.ListComp, ast.SetComp,
             ast.GeneratorExp, ast.DictComp)) for gen in c.generators for n in ast.walk(gen.target)
             if isinstance(n, ast.Name)}
    seen_role = False
    for node in iter_nodes(test, skip=()):
        owner = _role_owner(node)
        if owner is None:
            if _authz_word_outside_roles(node):
                return False
            continue
        seen_role = True
        if owner is _UNKNOWN_OWNER or _names_subject(owner, local_values, bound, depth=0):
            return False
    return seen_role


_UNKNOWN_OWNER = ast.Constant(value=None)


def _role_owner(node: ast.AST) -> ast.AST | None:
    """What a role word in `node` is read off: `X` of `X.role`, `X["role"]`, `"role" in X`; the Name itself
    for a bare `role`; None where the node holds no role word."""
    if isinstance(node, ast.Attribute) and _role_word(node.attr):
        return node.value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and _role_word(node.slice.value):
        return node.value
    if isinstance(node, ast.Name) and _role_word(node.id):
        return node
    if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and _role_word(node.left.value) and \
            all(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
        return node.comparators[0]
    return None


def _role_word(text: object) -> bool:
    return isinstance(text, str) and any(w in _ROLE_WORDS for w in text.lower().split("_"))


def _authz_word_outside_roles(node: ast.AST) -> bool:
    """An access-control word other than a role: a name (`is_staff`, `has_perm`) or a role name (`"admin"`)."""
    if isinstance(node, ast.Name):
        text = node.id
    elif isinstance(node, ast.Attribute):
        text = node.attr
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
        text = node.value
    else:
        return False
    low = text.lower()
    if _role_word(low):
        return False
    return low in _AUTHZ_NAMES or any(w in _AUTHZ_WORDS for w in low.split("_"))


def _names_subject(owner: ast.AST, local_values: dict[str, ast.expr], bound: dict[str, ast.expr],
                   depth: int) -> bool:
    """Could `owner` be a caller (a user, member, request, token...)? A bare role name is followed to what
    it was bound to: a literal list of role names is the code's own; a parameter is not known (a caller)."""
    if depth > 3:
        return True
    if isinstance(owner, ast.Name) and _role_word(owner.id):
        value = bound.get(owner.id) or local_values.get(owner.id)
        if value is None:
            return True
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and all(isinstance(e, ast.Constant) for e in value.elts):
            return False
        inner = _role_owner(value)
        return _names_subject(inner if inner is not None else value, local_values, bound, depth + 1)
    for n in names_in(owner):
        words = n.lower().split("_")
        if any(w in _SUBJECT_WORDS for w in words) or n.lower() in _AUTHZ_NAMES:
            return True
    return any(t.lower() in _SUBJECT_WORDS for t in _word_strings(owner))
