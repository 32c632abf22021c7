"""BA-SEC-001 sub-checks on secrets the code itself fixes or derives, not literals under a secret name: a
signing key computed from a password, and an administrator created with a password written in the code."""

from __future__ import annotations

import ast

from .base import AstCheck, FileContext, dotted, iter_nodes
from .recognise import is_password_name, literal_value, names_in
from .secrets import _DEV_FUNCTION, _SIGNING_NAME, _seed_module

# how many module-level names deep a signing key's value is followed (`H = sha256(PW); KEY = H.hexdigest()`)
_HOPS = 3
_ADMIN_FLAGS = ("is_superuser", "is_staff", "is_admin")


class SigningKeyFromPassword(AstCheck):
    """`SECRET_KEY = sha256(ADMIN_PASSWORD).hexdigest()`: every signed value (a session cookie, a reset link)
    is an offline oracle for the password, and instances that share the password share the key."""

    RULE_ID = "BA-SEC-001"
    PREFILTER = ("SECRET", "secret_key", "SIGNING_KEY", "JWT_KEY", "TOKEN_KEY")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.module_values: dict[str, ast.AST] = {}

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.ctx.is_test:
            return
        at_module = not self.ctx.function_stack
        for target in node.targets:
            if at_module and isinstance(target, ast.Name):
                self.module_values[target.id] = node.value
            key = _signing_target(target)
            if key and not isinstance(node.value, ast.Constant):
                source = self._password_in(node.value)
                if source:
                    self.report(node, f"{key} is derived from {source}, a password: every value it signs (a "
                                      "session cookie, a reset link) lets anyone brute-force the password offline, "
                                      "and instances that share the password share the key; generate a random key "
                                      "(secrets.token_urlsafe) and keep it apart from passwords", level="warning",
                                properties={"sub": "derived-signing-key"})

    def _password_in(self, value: ast.AST) -> str | None:
        """The password-named value the expression reads, directly, through an environment key
        (`environ["ADMIN_PASSWORD"]`), or through module-level names bound before it."""
        seen: set[str] = set()
        frontier = [value]
        for _ in range(_HOPS):
            following: list[ast.AST] = []
            for expr in frontier:
                called = {n.func.id if isinstance(n.func, ast.Name) else n.func.attr for n in iter_nodes(expr)
                          if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))}
                for name in names_in(expr):
                    # `_random_password(24)`, `make_password()`: a function that produces a value
                    if is_password_name(name) and name not in called:
                        return name
                    if name not in seen and name in self.module_values:
                        seen.add(name)
                        following.append(self.module_values[name])
                for n in iter_nodes(expr):
                    if isinstance(n, ast.Constant) and isinstance(n.value, str) and is_password_name(n.value):
                        return n.value
            frontier = following
        return None


def _signing_target(target: ast.AST) -> str | None:
    """`SECRET_KEY`, `app.secret_key`, `app.config["SECRET_KEY"]`: the name a signing key is assigned to."""
    if isinstance(target, ast.Name) and _SIGNING_NAME.search(target.id):
        return target.id
    if isinstance(target, ast.Attribute) and target.attr == "secret_key":
        return dotted(target) or target.attr
    if isinstance(target, ast.Subscript):
        key = literal_value(target.slice)
        if isinstance(key, str) and _SIGNING_NAME.search(key):
            return key
    return None


class DefaultAdminPassword(AstCheck):
    """`create_superuser(..., password="password")`, `User(is_superuser=True).set_password("admin")` outside
    tests: every installation starts with an administrator whose password is in the source and the docs."""

    RULE_ID = "BA-SEC-001"
    PREFILTER = ("create_superuser", "is_superuser", "is_staff", "is_admin")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.sites: list[tuple[ast.AST, str, str]] = []

    def visit_Call(self, node: ast.Call) -> None:
        if self.ctx.is_test or not isinstance(node.func, ast.Attribute):
            return
        if node.func.attr == "create_superuser":
            password = next((k.value for k in node.keywords if k.arg == "password"),
                            node.args[2] if len(node.args) > 2 else None)
            if _chosen_literal(password):
                self.sites.append((password, "create_superuser()", self._demo()))
        elif node.func.attr == "set_password" and len(node.args) == 1 and _chosen_literal(node.args[0]):
            owner = dotted(node.func.value)
            fn = self.ctx.function_stack[-1] if self.ctx.function_stack else None
            if owner and fn is not None and _made_admin(owner, fn):
                self.sites.append((node.args[0], f"set_password() of the administrator {owner}", self._demo()))

    def _demo(self) -> str:
        """A seed module or a function named for a demo or development instance: its login is the fixture's."""
        if _seed_module(self.ctx.path):
            return "a seed module"
        fn = next((f for f in reversed(self.ctx.function_stack) if _DEV_FUNCTION.search(f.name)), None)
        return f"{fn.name}(), named for a development or demo instance" if fn is not None else ""

    def leave_Module(self, node: ast.Module) -> None:
        # the literal checks of this rule may already name the same line (`password="s3cret!"`): one finding
        reported = {f.line for f in self.ctx.findings if f.rule_id == self.RULE_ID}
        for literal, where, demo in self.sites:
            if literal.lineno not in reported:
                self.report(literal, f"administrator created with a fixed password by {where}: every installation "
                                     "that skips changing it has a known superuser login; take the password from "
                                     "the environment or a prompt, or generate one and print it once" +
                            (f" (in {demo}: a note, if that instance never faces users)" if demo else ""),
                            level="note" if demo else "warning", properties={"sub": "default-admin-password"})


def _chosen_literal(node: ast.AST | None) -> bool:
    value = literal_value(node)
    return isinstance(value, str) and bool(value.strip())


def _made_admin(owner: str, fn: ast.AST) -> bool:
    """`owner` is bound in fn to a user made an administrator: `User(..., is_superuser=True)`,
    `create_user(..., is_staff=True)`, or `owner.is_superuser = True`."""
    for n in iter_nodes(fn):
        if isinstance(n, ast.Assign) and any(dotted(t) == owner for t in n.targets) and \
                isinstance(n.value, ast.Call) and any(k.arg in _ADMIN_FLAGS and literal_value(k.value) is True
                                                      for k in n.value.keywords):
            return True
        if isinstance(n, ast.Assign) and literal_value(n.value) is True and any(
                isinstance(t, ast.Attribute) and t.attr in _ADMIN_FLAGS and dotted(t.value) == owner
                for t in n.targets):
            return True
    return False
