"""BA-AUTH-003: passwords stored with fast or weak hashes (hashlib, Django hashers, passlib, bcrypt, werkzeug)."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use

import ast

from .base import AstCheck, FileContext
from .config_classes import defer, enclosing_config_class
from .recognise import UNKNOWN, arg, in_test_branch, is_dev_settings, is_password_name, literal_value, names_in, \
    target_name

_HASHLIB_WEAK = re.compile(r"^hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_\w+|blake2[bs]|new)$")
_DJANGO_WEAK = frozenset({"md5", "unsalted_md5", "sha1", "unsalted_sha1", "crypt"})
_DJANGO_WEAK_HASHERS = re.compile(r"(MD5|SHA1|Crypt)PasswordHasher$")
_PASSLIB_WEAK = re.compile(r"^(md5_crypt|des_crypt|bsdi_crypt|bigcrypt|crypt16|hex_\w+|ldap_md5|ldap_sha1|"
                           r"ldap_plaintext|plaintext|ldap_salted_md5|ldap_salted_sha1|apr_md5_crypt|mysql\w*|"
                           r"postgres_md5|oracle\w*|msdcc\w*|lmhash|nthash)$")


_KDF_NAME = re.compile(r"(?i)pbkdf|kdf|key_?stretch|derive_?key")
_MACHINE_SECRET = re.compile(r"(?i)(secret|seed|entropy|privkey|private_key|master_key)")
_ITERATIONS = re.compile(r"(?i)iteration|rounds|work_?factor|cost")


class WeakPasswordHashing(AstCheck):
    RULE_ID = "BA-AUTH-003"
    PREFILTER = ("hashlib", "make_password", "CryptContext", "gensalt", "generate_password_hash",
                 "PASSWORD_HASHERS")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.weak_objects: list[set[str]] = [set()]  # local names bound to hashlib.<weak>() per function
        self.if_stack: list[ast.If] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.weak_objects.append(set())

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.weak_objects.pop()

    def visit_If(self, node: ast.If) -> None:
        self.if_stack.append(node)

    def leave_If(self, node: ast.If) -> None:
        self.if_stack.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        if isinstance(node.value, ast.Call) and _HASHLIB_WEAK.match(self.ctx.qualname(node.value.func) or ""):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    self.weak_objects[-1].add(t.id)
        for t in node.targets:
            if target_name(t) == "PASSWORD_HASHERS":
                self._hashers(node)

    def _hashers(self, node: ast.Assign) -> None:
        if is_dev_settings(self.ctx.path) or in_test_branch(self.if_stack, self.ctx):
            return  # fast MD5 hashing in test settings is the documented speed-up
        value = literal_value(node.value)
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], str) and \
                _DJANGO_WEAK_HASHERS.search(value[0]):
            self.report(node, f"PASSWORD_HASHERS starts with {value[0].rpartition('.')[2]}: new passwords are "
                              "stored with a fast hash; put Argon2/PBKDF2PasswordHasher first")
            found = enclosing_config_class(self.ctx)
            if found:
                # django-configurations' `class Test(Base)`: the suite's speed-up, like settings/test.py; a
                # development class stores only a developer's passwords (blind set T)
                defer(self.ctx, found, None if found[0] == "test" else "note",
                      f" (on the {found[1]} configuration class, which no deployment file was seen selecting: "
                      "only a developer's passwords are stored so)")

    def visit_Call(self, node: ast.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        if _HASHLIB_WEAK.match(qn):
            self._hashlib(node, qn)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "update" and \
                isinstance(node.func.value, ast.Name) and node.func.value.id in self.weak_objects[-1]:
            self._hashed_value(node, _first_argument(node), "hashlib")
        elif qn in ("django.contrib.auth.hashers.make_password",):
            hasher = arg(node, "hasher", 2)
            if hasher is not None and literal_value(hasher) in _DJANGO_WEAK:
                self.report(node, f"make_password(..., hasher={literal_value(hasher)!r}) stores a fast, "
                                  "crackable hash; use the default hasher")
        elif qn in ("passlib.context.CryptContext", "passlib.context.LazyCryptContext"):
            self._passlib(node)
        elif qn == "bcrypt.gensalt":
            rounds = arg(node, "rounds", 0)
            value = literal_value(rounds) if rounds is not None else UNKNOWN
            if isinstance(value, int) and value < 10:
                self.report(node, f"bcrypt.gensalt(rounds={value}) is too cheap to slow down cracking; use 12 or more")
        elif qn == "hashlib.pbkdf2_hmac":
            iters = arg(node, "iterations", 3)
            value = literal_value(iters) if iters is not None else UNKNOWN
            if isinstance(value, int) and value < 100_000:
                self._pbkdf2(node, value)
        elif qn in ("werkzeug.security.generate_password_hash", "werkzeug.generate_password_hash"):
            method = arg(node, "method", 1)
            value = literal_value(method) if method is not None else UNKNOWN
            if isinstance(value, str) and not value.startswith(("pbkdf2", "scrypt")):
                self.report(node, f"generate_password_hash(method={value!r}) uses a plain hash; use the default "
                                  "(scrypt) or pbkdf2")

    def _pbkdf2(self, node: ast.Call, iterations: int) -> None:
        """Iterations slow down guessing a password; a key stretched from a random machine secret (`secret`,
        `seed`, `key`: nothing to guess) gains nothing from them, and an input the names do not place is
        reported less."""
        names = names_in(arg(node, "password", 1) or node)
        message = f"PBKDF2 with {iterations} iterations; OWASP recommends 600,000 for SHA-256"
        if any(is_password_name(n) for n in names) and self._remote_client():
            self.report(node, message + self._SENT, level="note", properties={"sub": "remote-login"})
        elif any(is_password_name(n) for n in names):
            self.report(node, message)
        elif not any(_MACHINE_SECRET.search(n) for n in names):
            self.report(node, message + " (origin not traced: the input is not named a password)", level="warning")

    def _hashlib(self, node: ast.Call, qn: str) -> None:
        flag = arg(node, "usedforsecurity")
        if flag is not None and literal_value(flag) is False:
            return
        data = arg(node, None, 1 if qn == "hashlib.new" else 0)
        self._hashed_value(node, data, qn)

    def _hashed_value(self, node: ast.Call, value: ast.AST | None, qn: str) -> None:
        if value is None or self._key_stretching():
            return
        names = [n for n in names_in(value) if is_password_name(n)]
        if names and self._remote_client():
            self.report(node, level="note", properties={"sub": "remote-login"},
                        message=f"password hashed with {qn} ({names[0]}){self._SENT}")
        elif names:
            # warning, not error: the name is the only evidence, and on real code it also matches hashes of
            # already-hashed values (djangorestframework-simplejwt's md5 of Django's `user.password` hash)
            self.report(node, level="warning", message=f"password hashed with {qn} ({names[0]}): a fast hash "
                              "is cracked by GPUs at billions of guesses per second, salted or not; use argon2, "
                              "bcrypt, scrypt or PBKDF2")

    _SENT = (" in a client of a remote API (the module holds its https URL) where the function stores nothing: "
             "most likely the digest the remote login protocol asks for, which it dictates; if this is stored "
             "to check logins here, use argon2, bcrypt, scrypt or PBKDF2")

    def _remote_client(self) -> bool:
        """The module calls a remote service (an http(s) URL of another host is written in it) and the function
        doing the hashing persists nothing (no save/add/commit/insert/execute/create call, no assignment to an
        object's attribute, no comparison of two computed values): a client building the login its remote API defines
        (`{"login": user, "md5Pass": md5(password)}`), not password storage."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return False
        if not hasattr(self, "_module_remote"):  # one walk of the module per file, not one per hashing site
            self._module_remote = _remote_url(self.ctx.tree)
        if not self._module_remote:
            return False
        for n in ast.walk(func):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and _PERSISTS.match(n.func.attr) or \
                    isinstance(n, (ast.Assign, ast.AugAssign)) and any(
                        isinstance(t, ast.Attribute) for t in (n.targets if isinstance(n, ast.Assign) else [n.target])) \
                    or isinstance(n, ast.Compare) and any(isinstance(o, (ast.Eq, ast.NotEq)) for o in n.ops) and \
                    not any(isinstance(c, ast.Constant) for c in (n.left, *n.comparators)):
                return False
        return True

    def _key_stretching(self) -> bool:
        """A fast hash used as one step of a slow one: inside a PBKDF/KDF function, a loop over an
        iteration count, or a password-hasher class that declares its iterations (Django's hasher API)."""
        ctx = self.ctx
        if any(_KDF_NAME.search(f.name) for f in ctx.function_stack):
            return True
        for parent in reversed(ctx.parents):
            if isinstance(parent, (ast.For, ast.While)):
                bound = parent.iter if isinstance(parent, ast.For) else parent.test
                if any(_ITERATIONS.search(n) for n in names_in(bound)):
                    return True
            if isinstance(parent, ast.ClassDef):
                declared = {target_name(t) for st in parent.body if isinstance(st, (ast.Assign, ast.AnnAssign))
                            for t in (st.targets if isinstance(st, ast.Assign) else [st.target])}
                bases = " ".join(ctx.segment(b) for b in parent.bases)
                return bool({"iterations", "rounds", "work_factor"} & declared) and ("Hasher" in bases or
                                                                                     "Hasher" in parent.name)
        return False

    def _passlib(self, node: ast.Call) -> None:
        schemes = arg(node, "schemes", 0)
        value = literal_value(schemes) if schemes is not None else UNKNOWN
        if not isinstance(value, (list, tuple)) or not value:
            return
        default = arg(node, "default")
        chosen = literal_value(default) if default is not None else value[0]
        if isinstance(chosen, str) and _PASSLIB_WEAK.match(chosen):
            self.report(node, f"passlib CryptContext hashes new passwords with {chosen}; make bcrypt or argon2 "
                              "the default scheme")


# calls that write somewhere lasting: an ORM save, a session add or commit, an insert, raw SQL, a model create
_PERSISTS = re.compile(r"^(save|add|add_all|commit|insert\w*|execute\w*|create\w*|update_or_create|"
                       r"get_or_create|bulk_\w+|set_password|put_item|hset|set)$")
_EXTERNAL_URL = re.compile(r"^https?://(?!(localhost|127\.|0\.0\.0\.0|\[::1\]))[\w-]+(\.[\w-]+)+")


def _remote_url(tree: ast.AST | None) -> bool:
    """An http(s) URL of another host written in the module: it is a client of that service."""
    return tree is not None and any(isinstance(n, ast.Constant) and isinstance(n.value, str) and
                                    _EXTERNAL_URL.match(n.value) is not None for n in ast.walk(tree))


def _first_argument(call: ast.Call) -> ast.AST | None:
    """The first argument as written, positional or not (`h.update(data=pw)` names no position)."""
    first = [a for a in (*call.args, *call.keywords) if a is not None]
    if not first:
        return None
    first.sort(key=lambda a: (a.lineno, a.col_offset))
    return first[0].value if isinstance(first[0], (ast.keyword, ast.Starred)) else first[0]
