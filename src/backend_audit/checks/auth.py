"""Authentication checks: JWT verification (BA-AUTH-002), password hashing (BA-AUTH-003), assert as access
control (BA-AUTH-004)."""

from __future__ import annotations

import re

import libcst as cst

from .base import CstCheck, FileContext, dotted
from .recognise import (UNKNOWN, arg, in_test_branch, is_dev_settings, is_password_name, literal_value,
                        names_in, strings_in, target_name)

# PyJWT (module functions and the PyJWT/PyJWS classes' module aliases) and python-jose.
_JWT_DECODE = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode", "jwt.decode_complete",
                         "jwt.api_jwt.decode_complete"})
_JWT_ENCODE = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jose.jwt.encode"})
_JWT_UNVERIFIED = frozenset({"jose.jwt.get_unverified_claims"})
_CLAIM_FLAGS = ("verify_exp", "verify_aud", "verify_iss", "verify_iat", "verify_nbf")


class JwtVerificationOff(CstCheck):
    RULE_ID = "BA-AUTH-002"
    PREFILTER = ("jwt", "jose")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # per function: calls of get_unverified_claims, and whether a verifying decode follows
        self.frames: list[dict] = [{"unverified": [], "verified": False}]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.frames.append({"unverified": [], "verified": False})

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._flush(self.frames.pop())

    def leave_Module(self, original_node: cst.Module) -> None:
        self._flush(self.frames.pop())

    def _flush(self, frame: dict) -> None:
        if frame["verified"]:
            return  # reading claims to pick a key, then verifying: the documented pattern
        for call in frame["unverified"]:
            self.report(call, "jose get_unverified_claims() result used without a verifying jwt.decode in the same "
                              "function: anyone can forge these claims", properties={"sub": "unverified-claims"})

    def visit_Call(self, node: cst.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        if qn in _JWT_DECODE:
            self._decode(node, qn)
        elif qn in _JWT_ENCODE:
            self._encode(node)
        elif qn in _JWT_UNVERIFIED:
            self.frames[-1]["unverified"].append(node)

    def _decode(self, node: cst.Call, qn: str) -> None:
        options = arg(node, "options")
        opts = literal_value(options.value) if options is not None else {}
        verify = arg(node, "verify")
        if (isinstance(opts, dict) and opts.get("verify_signature") is False) or \
                (verify is not None and literal_value(verify.value) is False):
            self.report(node, f"{qn}() with signature verification turned off: any client can forge this token; "
                              "pass the key and algorithms=[...]", properties={"sub": "no-verify"})
            return
        algorithms = arg(node, "algorithms", 2)
        algs = literal_value(algorithms.value) if algorithms is not None else UNKNOWN
        if algorithms is None:
            self.report(node, f"{qn}() without algorithms=: PyJWT 1.x and python-jose trust the algorithm named in "
                              "the token header (alg confusion); pass algorithms=[\"RS256\"] or similar",
                        properties={"sub": "no-algorithms"})
            return
        if any(s.lower() == "none" for s in strings_in(algs)):
            self.report(node, f"{qn}() accepts the 'none' algorithm: unsigned tokens pass",
                        properties={"sub": "none-alg"})
            return
        self.frames[-1]["verified"] = True
        if isinstance(opts, dict):
            off = [k for k in _CLAIM_FLAGS if opts.get(k) is False]
            if off or opts.get("require") == []:
                what = ", ".join(off) or "require=[]"
                self.report(node, f"{qn}() with claim checks turned off ({what}): expired or foreign tokens are "
                                  "accepted", level="warning", properties={"sub": "claims-off"})

    def _encode(self, node: cst.Call) -> None:
        alg = arg(node, "algorithm", 2)
        if alg is not None and str(literal_value(alg.value)).lower() == "none":
            self.report(node, "jwt.encode(..., algorithm='none') issues unsigned tokens", properties={"sub": "none-alg"})
            return
        payload = arg(node, "payload", 0)
        if payload is not None and isinstance(payload.value, cst.Dict) and "exp" not in _dict_keys(payload.value):
            self.report(node, "jwt.encode() of a payload without an 'exp' claim: the token never expires",
                        level="note", properties={"sub": "no-exp"})


def _dict_keys(node: cst.Dict) -> set[str]:
    keys: set[str] = set()
    for el in node.elements:
        if isinstance(el, cst.StarredDictElement):
            keys.add("exp")  # `**claims` may carry exp: do not guess
        else:
            k = literal_value(el.key)
            keys.add(k if isinstance(k, str) else "exp")
    return keys


_HASHLIB_WEAK = re.compile(r"^hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_\w+|blake2[bs]|new)$")
_DJANGO_WEAK = frozenset({"md5", "unsalted_md5", "sha1", "unsalted_sha1", "crypt"})
_DJANGO_WEAK_HASHERS = re.compile(r"(MD5|SHA1|Crypt)PasswordHasher$")
_PASSLIB_WEAK = re.compile(r"^(md5_crypt|des_crypt|bsdi_crypt|bigcrypt|crypt16|hex_\w+|ldap_md5|ldap_sha1|"
                           r"ldap_plaintext|plaintext|ldap_salted_md5|ldap_salted_sha1|apr_md5_crypt|mysql\w*|"
                           r"postgres_md5|oracle\w*|msdcc\w*|lmhash|nthash)$")


class WeakPasswordHashing(CstCheck):
    RULE_ID = "BA-AUTH-003"
    PREFILTER = ("hashlib", "make_password", "CryptContext", "gensalt", "generate_password_hash",
                 "PASSWORD_HASHERS")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.weak_objects: list[set[str]] = [set()]  # local names bound to hashlib.<weak>() per function
        self.if_stack: list[cst.If] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.weak_objects.append(set())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.weak_objects.pop()

    def visit_If(self, node: cst.If) -> None:
        self.if_stack.append(node)

    def leave_If(self, original_node: cst.If) -> None:
        self.if_stack.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and _HASHLIB_WEAK.match(self.ctx.qualname(node.value.func) or ""):
            for t in node.targets:
                if isinstance(t.target, cst.Name):
                    self.weak_objects[-1].add(t.target.value)
        for t in node.targets:
            if target_name(t.target) == "PASSWORD_HASHERS":
                self._hashers(node)

    def _hashers(self, node: cst.Assign) -> None:
        if is_dev_settings(self.ctx.path) or in_test_branch(self.if_stack):
            return  # fast MD5 hashing in test settings is the documented speed-up
        value = literal_value(node.value)
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], str) and \
                _DJANGO_WEAK_HASHERS.search(value[0]):
            self.report(node, f"PASSWORD_HASHERS starts with {value[0].rpartition('.')[2]}: new passwords are "
                              "stored with a fast hash; put Argon2/PBKDF2PasswordHasher first")

    def visit_Call(self, node: cst.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        if _HASHLIB_WEAK.match(qn):
            self._hashlib(node, qn)
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "update" and \
                isinstance(node.func.value, cst.Name) and node.func.value.value in self.weak_objects[-1]:
            self._hashed_value(node, node.args[0].value if node.args else None, "hashlib")
        elif qn in ("django.contrib.auth.hashers.make_password",):
            hasher = arg(node, "hasher", 2)
            if hasher is not None and literal_value(hasher.value) in _DJANGO_WEAK:
                self.report(node, f"make_password(..., hasher={literal_value(hasher.value)!r}) stores a fast, "
                                  "crackable hash; use the default hasher")
        elif qn in ("passlib.context.CryptContext", "passlib.context.LazyCryptContext"):
            self._passlib(node)
        elif qn == "bcrypt.gensalt":
            rounds = arg(node, "rounds", 0)
            value = literal_value(rounds.value) if rounds is not None else UNKNOWN
            if isinstance(value, int) and value < 10:
                self.report(node, f"bcrypt.gensalt(rounds={value}) is too cheap to slow down cracking; use 12 or more")
        elif qn == "hashlib.pbkdf2_hmac":
            iters = arg(node, "iterations", 3)
            value = literal_value(iters.value) if iters is not None else UNKNOWN
            if isinstance(value, int) and value < 100_000:
                self.report(node, f"PBKDF2 with {value} iterations; OWASP recommends 600,000 for SHA-256")
        elif qn in ("werkzeug.security.generate_password_hash", "werkzeug.generate_password_hash"):
            method = arg(node, "method", 1)
            value = literal_value(method.value) if method is not None else UNKNOWN
            if isinstance(value, str) and not value.startswith(("pbkdf2", "scrypt")):
                self.report(node, f"generate_password_hash(method={value!r}) uses a plain hash; use the default "
                                  "(scrypt) or pbkdf2")

    def _hashlib(self, node: cst.Call, qn: str) -> None:
        flag = arg(node, "usedforsecurity")
        if flag is not None and literal_value(flag.value) is False:
            return
        data = arg(node, None, 1 if qn == "hashlib.new" else 0)
        self._hashed_value(node, data.value if data is not None else None, qn)

    def _hashed_value(self, node: cst.Call, value: cst.BaseExpression | None, qn: str) -> None:
        if value is None:
            return
        names = [n for n in names_in(value) if is_password_name(n)]
        if names:
            # warning, not error: the name is the only evidence, and on real code it also matches hashes of
            # already-hashed values (djangorestframework-simplejwt's md5 of Django's `user.password` hash)
            self.report(node, level="warning", message=f"password hashed with {qn} ({names[0]}): a fast hash "
                              "is cracked by GPUs at billions of guesses per second, salted or not; use argon2, "
                              "bcrypt, scrypt or PBKDF2")

    def _passlib(self, node: cst.Call) -> None:
        schemes = arg(node, "schemes", 0)
        value = literal_value(schemes.value) if schemes is not None else UNKNOWN
        if not isinstance(value, (list, tuple)) or not value:
            return
        default = arg(node, "default")
        chosen = literal_value(default.value) if default is not None else value[0]
        if isinstance(chosen, str) and _PASSLIB_WEAK.match(chosen):
            self.report(node, f"passlib CryptContext hashes new passwords with {chosen}; make bcrypt or argon2 "
                              "the default scheme")


_AUTHZ_WORDS = frozenset({"authenticated", "admin", "superuser", "staff", "perm", "perms", "permission",
                          "permissions", "role", "roles", "scopes", "owner", "tenant", "authorized", "authorised",
                          "privileges", "privilege", "acl"})
_AUTHZ_NAMES = frozenset({"current_user", "has_perm", "has_perms", "owner_id", "tenant_id"})


class AssertForAccessControl(CstCheck):
    RULE_ID = "BA-AUTH-004"
    PREFILTER = ("assert",)

    def visit_Assert(self, node: cst.Assert) -> None:
        test = node.test
        if _is_type_narrowing(test):
            return
        hit = self._authz_name(test)
        if hit:
            self.report(node, f"assert used for an access-control decision ({hit}): `python -O` strips it and the "
                              "check with it; raise PermissionDenied / HTTPException(403) instead")

    def _authz_name(self, test: cst.BaseExpression) -> str | None:
        for n in names_in(test):
            low = n.lower()
            if low in _AUTHZ_NAMES or any(w in _AUTHZ_WORDS for w in low.split("_")):
                return n
        for text in _word_strings(test):  # claims["roles"], "admin" in user.groups
            if any(w in _AUTHZ_WORDS for w in text.lower().split("_")):
                return repr(text)
        code = self.ctx.module.code_for_node(test) if self.ctx.module is not None else ""
        if "request.user" in code:
            return "request.user"
        return None


def _word_strings(node: cst.CSTNode) -> list[str]:
    """String literals inside an expression that are single identifiers (keys, role names), not prose."""
    out: list[str] = []

    class _Collect(cst.CSTVisitor):
        def visit_SimpleString(self, n: cst.SimpleString) -> None:
            value = literal_value(n)
            if isinstance(value, str) and value.isidentifier():
                out.append(value)

    node.visit(_Collect())
    return out


def _is_type_narrowing(test: cst.BaseExpression) -> bool:
    """`assert isinstance(x, T)`, `assert x is not None`: typing aids, not decisions."""
    if isinstance(test, cst.Call) and dotted(test.func) in ("isinstance", "issubclass", "callable", "hasattr"):
        return True
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        op = test.comparisons[0].operator
        right = test.comparisons[0].comparator
        return isinstance(op, (cst.IsNot, cst.Is)) and isinstance(right, cst.Name) and right.value == "None"
    return False
