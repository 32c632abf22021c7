"""Secrets and transport: hard-coded credentials (BA-SEC-001) and disabled TLS verification (BA-SEC-002).

BA-SEC-001 is decided by our own check alone: bandit's B105/B106/B107 flag any string bound to a name
containing "token" or "pass" (`token_type = "bearer"`, `password_field = "pwd"`), which is mostly noise on
backends. Findings carry the *name* as their snippet, never the secret itself, so reports do not re-leak it.
"""

from __future__ import annotations

import ast
import base64
import fnmatch
import io
from .lazy_re import re  # compiled on first use
import subprocess
import tokenize
from pathlib import Path, PurePosixPath

from ..findings import Finding
from ..model.django_settings import TRACKED
from ..model.facts import config_key, is_test_support
from ..pipeline import git as gitexec
from ..pipeline.discovery import repository_files
from ..untrusted.files import read_small_text
from .base import AstCheck, BanditCheck, FileContext, ProjectCheck, dotted, iter_nodes
from .bound_literal import bound_literal
from .compose_values import compose_credentials, is_dev_compose_path, value_digest
from .placeholder_keys import instantiated_here, placeholder_word
from .recognise import (TOKEN_SHAPES, arg, in_test_branch, is_credential_name, is_dev_settings, names_in,
                        is_password_kind, is_placeholder, is_placeholder_template, literal_value, looks_random,
                        receiver_name, snake, target_name, url_password)
from .util import defines_cli, developer_folder, in_tool_dir, is_main_guard

_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config",
                          "environ.Env", "starlette.config.Config"})
_JWT_KEYED = frozenset({"jwt.encode", "jwt.decode", "jose.jwt.encode", "jose.jwt.decode"})
_FERNET = frozenset({"cryptography.fernet.Fernet"})
_DOC_KEYS = frozenset({"example", "examples", "openapi_examples", "json_schema_extra"})
# A dict of defaults (`defaults`, `DEFAULT_SETTINGS`, `default_config`)
_DEFAULTS_TABLE = re.compile(r"(?i)(^|_)defaults?(_|$)")
# Every literal text TOKEN_SHAPES or url_password can match contains one of these: the cheap gate that keeps
# the per-string work off the docstrings and messages of every file (this rule has no prefilter).
_SHAPE_HINT = re.compile(r"AKIA|ASIA|gh[pousr]_|xox[bapr]-|[sr]k_live_|-----BEGIN|://")


def _could_be_text(node: ast.AST | None) -> bool:
    """Whether literal_value(node) may be a string: the cheap test that spares the name analysis (a few
    regexes) for the many names bound to calls, numbers and other names."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or \
        isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def _spanning(first: ast.AST, last: ast.AST) -> ast.AST:
    """A positioned stand-in from the start of `first` to the end of `last` (a `name=value` pair)."""
    return ast.Pass(lineno=first.lineno, col_offset=first.col_offset, end_lineno=last.end_lineno,
                    end_col_offset=last.end_col_offset)


def _name_at(node: ast.AST, name: str) -> ast.AST:
    """The bare name that starts `node` (a parameter without its annotation, a keyword without its value)."""
    return ast.Name(id=name, lineno=node.lineno, col_offset=node.col_offset, end_lineno=node.lineno,
                    end_col_offset=node.col_offset + len(name.encode("utf-8")))


def _arg_node(call: ast.Call, keyword: str, position: int) -> ast.AST | None:
    """The whole argument as written (`key=value` or the positional value), for reporting."""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw
    return arg(call, None, position)



# A class whose name marks it as fake: a development or test backend (`MockStripeBillingService`, `FakeMailer`)
_STAND_IN = re.compile(r"^(Mock|Fake|Dummy|Stub)[A-Z_]|(Mock|Fake|Dummy|Stub)$")
# Words that make a credential-named variable a setting about the credential rather than the credential:
# `password_strategy`, `secret_type`, `update_password` (Ansible's "always"/"on_create")
_OPTION_WORDS = frozenset({"strategy", "mode", "policy", "type", "kind", "method", "source", "option", "options",
                           "setting", "action", "style", "scheme", "format", "choice", "behavior", "behaviour"})
_ACTION_WORDS = frozenset({"update", "change", "reset", "set", "generate", "rotate", "send", "require", "force",
                           "sync", "store", "save", "use", "enable", "disable", "prompt", "ask"})
_MODE_VALUE = re.compile(r"^[a-z][a-z_]{1,23}$")


def _mode_name(name: str, value: ast.AST) -> bool:
    """`password_strategy == "email"`, `module.params["update_password"] == "always"`: a lowercase word compared
    with a setting about a credential (its name has an option word, or starts with what is done to it) is the
    name of a mode, not a password; `password == "admin"` keeps its finding."""
    literal = literal_value(value)
    words = [w for w in snake(name).split("_") if w]
    return isinstance(literal, str) and bool(_MODE_VALUE.match(literal)) and bool(words) and (
        any(w in _OPTION_WORDS for w in words) or words[0] in _ACTION_WORDS and len(words) > 1)


class HardcodedSecret(AstCheck):
    RULE_ID = "BA-SEC-001"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # development settings, and test support code outside the test paths (its passwords are fixtures)
        self.skip = is_dev_settings(ctx.path) or is_test_support(ctx.tree, ctx.path)
        self._operator: str | None = None  # _operator_command(), asked only when a fallback is found
        self.seed = _seed_module(ctx.path)
        self.if_stack: list[ast.If] = []
        self.seen: set[int] = set()  # ids of string nodes already reported (one problem, one finding)
        # OpenAPI / pydantic documentation values: `"example": {"access_token": "eyJ..."}`, Field(examples=[...])
        self.doc_values: set[int] = set()
        # per scope (module first): local name -> the string literal it is bound to, None when bound to
        # several things; lets `key = "..."; boto3.client(aws_secret_access_key=key)` and
        # `jwt.encode(p, SIGNING_KEY)` see the literal behind the name
        self.bound: list[dict[str, ast.AST | None]] = [{}]
        # fallbacks bound to a name (name, literal, deferred finding), and the (name, literal) pairs an
        # `if name == literal: raise` refuses
        self.refusable: list[tuple[str, str, dict]] = []
        self.refused: set[tuple[str, str]] = set()
        # `$DATABASE_PASSWORD` fallbacks (variable, deferred finding), and the prefixes (`DATABASE_`) whose host
        # variable falls back to this machine anywhere in the module (`os.environ.get("DATABASE_HOST", "127.0.0.1")`)
        self.service_fallbacks: list[tuple[str, dict]] = []
        self.local_prefixes: set[str] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.append({})

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.pop()

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            scope = self.bound[-1]
            scope[target.id] = value if target.id not in scope and _could_be_text(value) else None

    def _literal_behind(self, node: ast.AST | None) -> ast.AST | None:
        """The string literal a plain name stands for (this function's binding, else the module's)."""
        if isinstance(node, ast.Name):
            for scope in (self.bound[-1], self.bound[0]):
                if node.id in scope:
                    return scope[node.id]
            return None
        return node if _could_be_text(node) else None

    def visit_If(self, node: ast.If) -> None:
        self.if_stack.append(node)
        if isinstance(node.test, (ast.Compare, ast.BoolOp)) and _stops(node.body):
            self.refused.update(_compared_literals(node.test))

    def _bound_to(self) -> str | None:
        """`SECRET_KEY = os.getenv("SECRET_KEY", "dev")`: the name the fallback's lookup is bound to."""
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, (ast.Assign, ast.AnnAssign)):
                target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
                return target.id if isinstance(target, ast.Name) else None
            if isinstance(parent, ast.stmt):
                return None
        return None

    def leave_Module(self, node: ast.Module) -> None:
        refused_keys = sorted([n, v] for n, v in self.refused if _SIGNING_NAME.search(n))
        if refused_keys:  # `if app.config["SECRET_KEY"] == "changeme": raise`, for default_secrets.py
            self.ctx.facts[REFUSED_SECRETS] = refused_keys
        # `if SECRET_KEY == "dev" and not DEBUG: raise RuntimeError(...)`: the code refuses to start with
        # its own fallback, so the literal never runs where the refusal applies
        for name, literal, entry in self.refusable:
            if (name, literal) in self.refused:
                finding = entry["finding"]
                finding["level"] = "note"
                finding["message"] = (f"{finding['message'].split(':')[0]}: the module refuses to start with this "
                                      f"value ({name} compared with it, then raise or exit); where the refusal "
                                      "does not apply (its other conditions) was not traced")
                finding["properties"] = {**(finding.get("properties") or {}), "sub": "refused-fallback"}
        # blind, a database or cache password falling back beside a host that falls back to this machine was a
        # development default each time: the pair opens only a local service (a deployment that moves the host
        # sets its own account)
        for var, entry in self.service_fallbacks:
            match = _CREDENTIAL_TAIL.match(var)
            finding = entry["finding"]
            if match and match.group(1).upper() in self.local_prefixes and \
                    (finding.get("properties") or {}).get("sub") == "fallback":
                finding["level"] = "note"
                finding["message"] = (f"fallback value for ${var}, for a service on localhost (the module's "
                                      f"${match.group(1).upper()}HOST falls back to this machine): used only where "
                                      "the environment does not set it, and it opens nothing beyond this machine; "
                                      "fail at start-up instead")
                finding["properties"] = {**(finding.get("properties") or {}), "sub": "local-fallback"}

    def leave_If(self, node: ast.If) -> None:
        self.if_stack.pop()

    def _operator_command(self) -> str:
        """A Django management command, a module that declares a command-line interface (click, typer,
        argparse), or a script in a tooling folder (`scripts/`) that runs as a program (a `__main__` guard or a
        top-level call such as `asyncio.run(main())`): code an operator starts from a terminal, not the server a
        visitor reaches."""
        if self._operator is None:
            tools = in_tool_dir(self.ctx.path) or developer_folder(self.ctx.path)
            self._operator = "a Django management command" if "management/commands/" in self.ctx.path else \
                "a command-line program" if defines_cli(self.ctx) else \
                f"a script in {tools}/" if tools and self.ctx.tree is not None and any(
                    isinstance(s, ast.If) and is_main_guard(s) or isinstance(s, ast.Expr) and
                    isinstance(s.value, ast.Call) for s in self.ctx.tree.body) else ""
        return self._operator

    def _in_doc(self, node: ast.AST) -> bool:
        doc = self.doc_values
        return bool(doc) and (id(node) in doc or any(id(p) in doc for p in self.ctx.parents))

    def _flag(self, at: ast.AST, name_node: ast.AST, value_node: ast.AST, what: str, anchor: ast.AST,
              fallback: bool = False, local: bool = False, by_format: bool = False, default: bool = False,
              live: bool = False, table: int = 0) -> None:
        """`at` is the node being visited: inside documentation examples nothing is a secret. A fallback
        (an env lookup's default, a settings-class field default) is used only when the environment does
        not set the value: a warning about the fallback, not a committed production secret."""
        if self.skip or id(value_node) in self.seen or self._in_doc(at) or in_test_branch(self.if_stack, self.ctx) \
                or self._library_self_test():
            return
        self.seen.add(id(value_node))
        if not by_format and not live and _names_a_label(what, literal_value(value_node)):
            return
        public = _PUBLIC_NAME.search(what)
        shown = literal_value(value_node)
        if isinstance(shown, str) and _PUBLIC_SHAPE.match(shown):
            # `phc_...` (a PostHog project key), `pk_live_...` (a Stripe publishable key): the vendor's format for
            # a key made to ship in clients (ingest or tokenise only); the shape says so whatever the name
            self.report(anchor, f"{what}: its format is a public client key (ingest-only or publishable), made to "
                                "ship in every client; check that the matching secret key is not committed",
                        key_node=name_node, level="note", properties={"sub": "public-key"})
            return
        if public and not fallback and not by_format:
            # `INNERTUBE_PUBLIC_API_KEY`, `STRIPE_PUBLISHABLE_KEY`: a client key the service hands to every
            # browser (it is in its web pages), named so by whoever put it here; nothing to rotate unless the
            # name is wrong
            self.report(anchor, f"{what}: its name says it is a {public.group(1).lower()} client key, which the "
                                "service ships to every browser; check that it is not a server credential",
                        key_node=name_node, level="note", properties={"sub": "public-key"})
            return
        if self.seed:
            self.report(anchor, f"{what} in seed data ({self.seed}): it fills a local or test database; check "
                                "this module never runs against production", key_node=name_node, level="note",
                        properties={"sub": "seed-data"})
            return
        stand_in = self._stand_in_class()
        if stand_in and not live and not (isinstance(shown, str) and _live_shape(shown)):
            self.report(anchor, f"{what}, in {stand_in}, a stand-in its name marks as fake (a mock or dummy backend "
                                "for development and tests): check that no production configuration selects it",
                        key_node=name_node, level="note", properties={"sub": "stand-in"})
            return
        if table:
            self.report(anchor, f"{what}, in a literal table of {table} string samples (a parser's test vectors or "
                                "example inputs): whether any of them is a live credential was not traced",
                        key_node=name_node, level="note", properties={"sub": "sample-table"})
            return
        if fallback and _DEV_LOGIN.search(what):
            self.report(anchor, f"{what}: the fallback of a development or test login (the variable's name says "
                                "so); fail at start-up all the same", key_node=name_node, level="note",
                        properties={"sub": "dev-login-fallback"})
            return
        if fallback and local:
            self.report(anchor, f"{what}, for a service on localhost (its host field defaults to this machine): "
                                "used only where the environment does not set it, and it opens nothing beyond this "
                                "machine; fail at start-up instead", key_node=name_node, level="note",
                        properties={"sub": "local-fallback"})
            return
        if (fallback or local) and self._operator_command():
            self.report(anchor, f"{what}, in a command the operator runs by hand ({self._operator_command()}): "
                                "what that one run uses where nothing configures it, not a value of the running "
                                "app; read it from the environment or a prompt", key_node=name_node,
                        level="note", properties={"sub": "operator-command"})
            return
        if fallback:
            self.report(anchor, f"{what}: the app runs with this value wherever the environment does not set "
                                "it; fail at start-up instead of falling back to a literal", key_node=name_node,
                        level="warning", properties={"sub": "fallback"})
            # the project pass lowers it when the value is a local compose service's password; only a digest
            # of the literal is kept, so the facts never hold the secret itself
            literal = literal_value(value_node)
            if isinstance(literal, str):
                entry = {"finding": self.ctx.findings.pop().to_dict(), "digest": value_digest(literal)}
                self.ctx.facts.setdefault("secret_fallbacks", []).append(entry)
                bound = self._bound_to()
                if bound:
                    self.refusable.append((bound, literal, entry))
                if what.startswith("fallback value for $"):
                    self.service_fallbacks.append((what[len("fallback value for $"):], entry))
            return
        if local and self._lookup_default(value_node):
            self.report(anchor, f"{what} for a service on localhost, as the default of a configuration lookup: used "
                                "only where neither the environment nor the configuration sets it, and it opens "
                                "nothing beyond this machine; fail at start-up instead", key_node=name_node,
                        level="note", properties={"sub": "local-fallback"})
            return
        if local and self._star_import_after(anchor):
            self.report(anchor, f"{what} for a service on localhost, in a module that star-imports "
                                f"{self._star_import_after(anchor)} further down: a development default the "
                                "deployment's settings module overrides (what it sets was not traced)",
                        key_node=name_node, level="note", properties={"sub": "local-overridden"})
            return
        if local:
            self.report(anchor, f"{what} for a service on localhost: a development default (it opens nothing "
                                "beyond this machine) that ships wherever the settings are not overridden; read "
                                "it from the environment", key_node=name_node, level="warning",
                        properties={"sub": "local-service"})
            return
        literal = literal_value(value_node)
        if isinstance(literal, bytes):
            literal = literal.decode("latin-1")
        if not by_format and not (isinstance(literal, str) and _generated(literal)):
            # only the name says credential: a word a person chose ("admin", "password1234") or a label
            if default or _DEFAULT_NAME.search(what):
                self.report(anchor, f"{what}: a default that does not look like a generated secret, used where "
                                    "nothing configures one (who overrides it was not traced)", key_node=name_node,
                            level="note", properties={"sub": "plain-default"})
                return
            if self._operator_command():
                # a word a person chose, in a program run by hand (a local container's documented default): what
                # that run logs in with, not a credential of the running service
                self.report(anchor, f"hard-coded {what}, in a program an operator or developer runs by hand "
                                    f"({self._operator_command()}): only the name says it is a credential, the "
                                    "value is no generated secret; read it from the environment or a prompt",
                            key_node=name_node, level="note", properties={"sub": "operator-command"})
                return
            self.report(anchor, f"hard-coded {what}: only the name says it is a credential, the value is no "
                                "generated secret; if it is a real password, read it from the environment",
                        key_node=name_node, level="warning", properties={"sub": "name-only"})
            return
        if (default or _DEFAULT_NAME.search(what)) and not by_format:
            # `DEFAULT_API_KEY = "..."`: what runs where nothing is configured, like an environment fallback
            self.report(anchor, f"{what}: a default secret used wherever nothing configures one; every such "
                                "install shares it: require it from the configuration", key_node=name_node,
                        level="warning", properties={"sub": "default-constant"})
        elif live or (isinstance(literal, str) and _live_shape(literal)):
            self.report(anchor, f"hard-coded {what}: anyone with the source has it, and rotating it needs a deploy; "
                                "read it from the environment or a secret store", key_node=name_node)
        elif isinstance(name_node, ast.Name) and not self.ctx.function_stack and \
                _read_only_after_failure(self.ctx.tree, name_node.id):
            # `api_key = "..."` read only in the `except` of a `try` that fetches the key at run time: a cached
            # copy of a key the module obtains without any credential (a vendor's public web key)
            self.report(anchor, f"hard-coded {what}, read only where fetching the key at run time failed (in an "
                                "`except` handler): a copy of a value the module obtains without credentials; "
                                "whether it is a private key was not traced", key_node=name_node, level="note",
                        properties={"sub": "fetched-fallback"})
        else:
            # blind, most error-level literals of this kind were a demo project's, a test runner's or a label's:
            # only a live token format says by itself that a service accepts it
            self.report(anchor, f"hard-coded {what}: anyone with the source has it, and rotating it needs a deploy; "
                                "read it from the environment or a secret store (no live token format: whether "
                                "a production deployment runs with this value was not traced)", key_node=name_node,
                        level="warning", properties={"sub": "generated-value"})
        if isinstance(literal, str):
            # one committed secret, one finding at its level: a dict entry (a table of defaults too) repeating a
            # value a named setting holds is the project pass's to lower (repeated_secrets.py); only a digest of
            # the value is kept
            digest = value_digest(literal)
            if what.startswith("secret under key"):
                self.ctx.facts.setdefault(REPEATED_SECRET_ENTRIES, []).append(
                    {"finding": self.ctx.findings.pop().to_dict(), "digest": digest})
            elif what.startswith("secret in "):
                self.ctx.facts.setdefault(NAMED_SECRET_SITES, []).append(
                    [digest, self.ctx.path, getattr(anchor, "lineno", 0), what[len("secret in "):]])

    def _sample_table(self) -> int:
        """`[("http://us:pa@ex.co/", [...]), ("http://../", []), ...]`: the string sits in a literal collection of
        many string samples (nested at most two deep), a parser's test vectors or a list of example inputs; the
        table's size, else 0."""
        for parent in reversed(self.ctx.parents[-3:]):
            if not isinstance(parent, (ast.List, ast.Tuple, ast.Set)):
                return 0
            if len(parent.elts) >= 5 and all(_could_be_text(e) or isinstance(e, (ast.Tuple, ast.List))
                                             for e in parent.elts):
                return len(parent.elts)
        return 0

    def _star_import_after(self, node: ast.AST) -> str | None:
        """`try: from .local_settings import *`, below the value at module level: the module a deployment
        fills in to override these defaults (the Django local-settings idiom)."""
        later = [st for st in self.ctx.tree.body if st.lineno > node.lineno]
        for st in [*later, *(s for t in later if isinstance(t, ast.Try) for s in t.body)]:
            if isinstance(st, ast.ImportFrom) and any(a.name == "*" for a in st.names):
                return "." * st.level + (st.module or "")
        return None

    def _library_self_test(self) -> bool:
        """Under `if __name__ == "__main__":` of a module that defines classes: a library's self-test, run by
        hand against a test device or slot (`python -m pkg.hsm`); the server imports the module and never
        runs the block. A script's main block (no classes) is the program, and stays flagged."""
        if not any(is_main_guard(n) for n in self.if_stack):
            return False
        return any(isinstance(n, ast.ClassDef) for n in self.ctx.tree.body)

    def _dev_function(self, args: ast.arguments) -> bool:
        """A parameter default of a function named for development (`create_dev_user`, `seed_demo_data`): the
        seeded login of a local instance, which a CLI command (`typer.Option(envvar=...)`) or its caller
        overrides; the function says what it is for."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        return func is not None and func.args is args and _DEV_FUNCTION.search(func.name) is not None

    def _secret_literal(self, node: ast.AST, name: str = "") -> bool:
        """A real-looking secret for this name: people's passwords may be words, machine keys look random."""
        value = literal_value(node)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str) or is_placeholder(value) or _NOT_A_SECRET.search(value.strip()):
            return False
        return is_password_kind(name) or looks_random(value)

    # name = "literal", obj.name = "literal", d["name"] = "literal"
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._named_value(node, target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._named_value(node, node.target, node.value)

    def _named_value(self, node: ast.AST, target: ast.AST, value: ast.AST) -> None:
        self._bind(target, value)
        if isinstance(target, ast.Name) and target.id in TRACKED and not self.ctx.function_stack and \
                any(isinstance(n, ast.Name) and n.id == target.id for n in ast.walk(value)):
            # `SECRET_KEY = os.environ.get("SECRET_KEY", SECRET_KEY)`: keeps what a star import gave as its
            # fallback, so it does not replace the base module's value (default_secrets.OverriddenSettingsSecret)
            self.ctx.facts.setdefault(SETTINGS_SELF_READS, []).append([target.id, node.lineno])
        name = _could_be_text(value) and target_name(target)
        if name and isinstance(target, ast.Name) and _SIGNING_NAME.search(name) and not self.ctx.function_stack:
            self._well_known_default(node, target, value, name)
        if name and is_credential_name(name) and self._secret_literal(value, name):
            if isinstance(target, ast.Subscript) and self._shared_with_plain_keys(target, value):
                return
            if self._enum_member() or _label_for(name, literal_value(value)):
                return  # `oauth2_leaked_token = "oauth2_leaked_token"`: a label naming a kind of thing
            if self._in_settings_class():
                self._flag(node, target, value, f"default for settings field {name}", node, fallback=True,
                           local=self._local_sibling(name))
            else:
                before = len(self.ctx.findings)
                self._flag(node, target, value, f"secret in {name}", node)
                if len(self.ctx.findings) > before and isinstance(target, ast.Name) and name in TRACKED and \
                        not self.ctx.symbol_stack:
                    # a Django setting at module level: whether a production settings module replaces it is
                    # the project pass's to say (default_secrets.OverriddenSettingsSecret)
                    self.ctx.facts.setdefault(DEFERRED_SETTINGS_SECRETS, []).append(
                        {"finding": self.ctx.findings.pop().to_dict(), "name": name})

    def _well_known_default(self, node: ast.AST, target: ast.Name, value: ast.AST, name: str) -> None:
        """`SECRET_KEY = "changeme"` in a config module: no secret by its value, but every install that does not
        set one from the environment signs its sessions and tokens with a key anyone can look up. Whether the
        app loads the module is the project pass's to say (default_secrets.WellKnownDefaultSecret)."""
        literal = literal_value(value)
        if not isinstance(literal, str) or not (_WELL_KNOWN_DEFAULT.match(literal.strip()) or
                                                placeholder_word(literal)) or self.skip or \
                self.ctx.is_test or _EXAMPLE_PATH.search(self.ctx.path) or in_test_branch(self.if_stack, self.ctx):
            return
        self.report(node, f"well-known default secret in {name} ({literal!r}): every install that does not set it "
                          "signs its sessions and tokens with a key anyone can look up; set it from the environment "
                          "and refuse to start without it", key_node=target, level="warning",
                    properties={"sub": "well-known-default"})
        self.ctx.facts.setdefault(DEFAULT_SECRETS, []).append(
            {"finding": self.ctx.findings.pop().to_dict(), "class": self.ctx.symbol or None, "name": name,
             "literal": literal, "built": self._in_settings_class() and
             instantiated_here(self.ctx.tree, self.ctx.parents[-1].name)})

    def _shared_with_plain_keys(self, target: ast.Subscript, value: ast.AST) -> bool:
        """`css["text"] = "input"; css["password"] = "input"`: the mapping holds the same literal under keys that
        name no secret, so it maps kinds of things (widget CSS classes, labels), not credentials."""
        scope = self.ctx.function_stack[-1] if self.ctx.function_stack else self.ctx.tree
        container, literal = dotted(target.value), literal_value(value)
        if not container or scope is None:
            return False
        for n in ast.walk(scope):
            if isinstance(n, ast.Assign) and literal_value(n.value) == literal:
                for t in n.targets:
                    key = target_name(t) if isinstance(t, ast.Subscript) and dotted(t.value) == container else None
                    if isinstance(key, str) and not is_credential_name(key):
                        return True
        return False

    def _lookup_default(self, value: ast.AST) -> bool:
        """`os.environ.get("DATABASE_URL", "<literal>")`, `app.config.get("DB_URI", "<literal>")`,
        `getenv(..., default="<literal>")`: the literal is the lookup's fallback."""
        call = self.ctx.parents[-1] if self.ctx.parents else None
        if isinstance(call, ast.keyword) and call.arg == "default" and len(self.ctx.parents) > 1:
            call = self.ctx.parents[-2]
        elif not (isinstance(call, ast.Call) and len(call.args) > 1 and call.args[1] is value):
            return False
        return isinstance(call, ast.Call) and isinstance(call.func, (ast.Attribute, ast.Name)) and \
            (call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id) in ("get", "getenv", "env")

    def _enum_member(self) -> bool:
        """A member of an `Enum`/`StrEnum`/`IntFlag` or Django `TextChoices` class: its value is a label that
        code compares against, never a credential presented to anyone."""
        cls = self.ctx.parents[-1] if self.ctx.parents else None
        return isinstance(cls, ast.ClassDef) and any(
            re.search(r"(Enum|Flag|Choices)$", (dotted(b) or "").rpartition(".")[2]) for b in cls.bases)

    def _local_sibling(self, name: str) -> bool:
        """`POSTGRES_PWD: str = "polar"` next to `POSTGRES_HOST: str = "127.0.0.1"` in the same settings class:
        the default password is for a service on this machine (same prefix, a host field defaulting to it)."""
        prefix = name.rsplit("_", 1)[0] if "_" in name else ""
        cls = self.ctx.parents[-1] if self.ctx.parents else None
        if not prefix or not isinstance(cls, ast.ClassDef):
            return False
        for st in cls.body:
            field = target_name(st.target) if isinstance(st, ast.AnnAssign) else \
                target_name(st.targets[0]) if isinstance(st, ast.Assign) and len(st.targets) == 1 else None
            if isinstance(field, str) and field.lower() in (f"{prefix}_host".lower(), f"{prefix}_server".lower(),
                                                            f"{prefix}_hostname".lower()):
                host = literal_value(st.value)
                return isinstance(host, str) and _LOCAL_HOSTS.match(host) is not None
        return False

    def _in_settings_class(self) -> bool:
        """A field of a pydantic BaseSettings class: its default is what the environment overrides."""
        parents = self.ctx.parents
        cls = parents[-1] if parents else None
        return isinstance(cls, ast.ClassDef) and any(
            (self.ctx.qualname(b) or dotted(b) or "").endswith("Settings") for b in cls.bases)

    # parameter defaults, of functions and lambdas
    def visit_arguments(self, node: ast.arguments) -> None:
        if self._dev_function(node):
            return
        positional = [*node.posonlyargs, *node.args]
        pairs = [*zip(positional[len(positional) - len(node.defaults):], node.defaults),
                 *zip(node.kwonlyargs, node.kw_defaults)]
        for param, default in pairs:
            if _could_be_text(default) and is_credential_name(param.arg) and self._secret_literal(default, param.arg):
                name = _name_at(param, param.arg)  # libcst placed a parameter at its name: kept
                self._flag(node, name, default, f"default for {param.arg}", name)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key_node, value in zip(node.keys, node.values):
            key = literal_value(key_node)
            if key in _DOC_KEYS:
                self.doc_values.add(id(value))
            elif isinstance(key, str) and _could_be_text(value) and is_credential_name(key) and \
                    self._secret_literal(value, key) and not _label_for(key, literal_value(value)) and \
                    not _same_under_plain_key(node, key, value) and not _form_control(node, value):
                holder = self._dict_holder(node)
                # `defaults = {"secret_key": "..."}`: a table of defaults, like a DEFAULT_* constant; whether
                # the entry becomes the key the app signs with is not traced
                table = bool(_DEFAULTS_TABLE.search(holder))
                what = f"secret under key {key!r}" + (f" in {holder} (a table of defaults)" if table else "")
                self._flag(node, key_node, value, what, _spanning(key_node, value),
                           local=is_password_kind(key) and _local_host_entry(node), default=table)

    def _dict_holder(self, node: ast.Dict) -> str:
        """The name a dict literal is bound to directly (`defaults = {...}`, `self.DEFAULTS = {...}`)."""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
            return target_name(target) or ""
        return ""

    def _stand_in_class(self) -> str:
        """The enclosing class, when its name says it is fake (`MockStripeBillingService`, `DummyMailer`)."""
        cls = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
        return cls.name if cls is not None and _STAND_IN.search(cls.name) else ""

    def visit_Compare(self, node: ast.Compare) -> None:
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return
        left, right = node.left, node.comparators[0]
        for name_node, value in ((left, right), (right, left)):
            name = _could_be_text(value) and (target_name(name_node) or _get_key(name_node))
            if name and is_credential_name(name) and not _mode_name(name, value) and \
                    self._secret_literal(value, name):
                self._flag(node, name_node, value, f"credential compared with {name}", node)

    def visit_Call(self, node: ast.Call) -> None:
        for kw in node.keywords:
            if kw.arg is None:
                continue
            if kw.arg in _DOC_KEYS:
                self.doc_values.add(id(kw.value))
            elif _could_be_text(kw.value) and is_credential_name(kw.arg) and self._secret_literal(kw.value, kw.arg):
                self._flag(node, _name_at(kw, kw.arg), kw.value, f"secret passed as {kw.arg}=", kw)
            elif isinstance(kw.value, ast.Name) and is_credential_name(kw.arg):
                literal = self._literal_behind(kw.value)
                if literal is not None and self._secret_literal(literal, kw.arg):
                    self._flag(node, _name_at(kw, kw.arg), literal,
                               f"secret passed as {kw.arg}= through {kw.value.id}", kw)
        qn = self.ctx.qualname(node.func) or ""
        if qn in _ENV_GETTERS or (isinstance(node.func, ast.Attribute) and node.func.attr in
                                  ("getenv", "get", "str", "bytes") and qn.startswith(("os.", "environ"))) \
                or _is_env_reader(node):
            self._env_fallback(node)
        elif qn in _JWT_KEYED:
            key = arg(node, "key", 1)
            literal = self._literal_behind(key)
            if literal is not None and self._jwt_key(literal):
                via = f" (through {key.id})" if isinstance(key, ast.Name) else ""
                self._flag(node, key, literal, f"JWT signing key in {qn}(){via}", _arg_node(node, "key", 1),
                           by_format=True)
        elif qn in _FERNET:
            key = arg(node, "key", 0)
            if key is not None and self._secret_literal(key):
                self._flag(node, node.func, key, "Fernet key", node, by_format=True, live=_fernet_key(key))

    @staticmethod
    def _jwt_key(node: ast.AST) -> bool:
        """Any literal HMAC key signs tokens that every reader of the source can forge, however plain it
        looks ("secret" is the most common one); only empty values and `${VAR}` templates are not keys."""
        value = literal_value(node)
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return isinstance(value, str) and bool(value.strip()) and not is_placeholder_template(value) and \
            "PUBLIC KEY" not in value and "CERTIFICATE" not in value  # verifying with a public key is fine

    def _env_fallback(self, node: ast.Call) -> None:
        """os.getenv("SECRET_KEY", "dev"), env("DB_PASSWORD", default="postgres"): a secret that ships."""
        var = arg(node, None, 0)
        name = literal_value(var)
        host = _HOST_VARIABLE.match(name) if isinstance(name, str) else None
        if host and _local_host(arg(node, "default", 1) or ast.Constant(value=None)):
            self.local_prefixes.add(host.group(1).upper())
        if not isinstance(name, str) or not is_credential_name(name) or _SALT_NAME.search(name):
            return  # `$APP_API_KEY_HASH_SALT`: a salt varies a digest, knowing it opens nothing
        default = arg(node, "default", 1)
        value = literal_value(default)
        # Any real fallback ships: when the variable is missing in production the app runs with this value.
        # Framework signing keys: any fallback at all is the vulnerability (`os.getenv("SECRET_KEY", "dev")`);
        # other credentials: a real-looking value, not a local dummy such as "ollama".
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        signing_key = name.lower().endswith("secret_key")
        if isinstance(value, str) and value.strip() and " " not in value.strip() and \
                not is_placeholder_template(value) and (signing_key or is_password_kind(name) or
                                                        (not is_placeholder(value) and looks_random(value))):
            self._flag(node, var, default, f"fallback value for ${name}", node, fallback=True,
                       local=is_password_kind(name) and self._beside_local_host(node))

    def _beside_local_host(self, lookup: ast.Call) -> bool:
        """`{"host": os.getenv("DB_HOST", "localhost"), "password": os.getenv("DB_PASSWORD", "pw")}` and
        `URL.create(host=..., password=...)`: the fallback password goes with a host that falls back to this
        machine, so the pair only ever opens a local service."""
        parents = self.ctx.parents
        # `os.environ.get("DB_PASSWORD", "pw") or None`: the lookup's holder is the one around the `or`
        depth = 2 if len(parents) > 1 and isinstance(parents[-1], (ast.BoolOp, ast.IfExp)) else 1
        parents = parents[:len(parents) - depth + 1]
        holder = parents[-1] if parents else None
        if isinstance(holder, ast.keyword) and len(parents) > 1:
            call = parents[-2]
            return isinstance(call, ast.Call) and any(
                kw.arg in ("host", "hostname", "server") and _local_host(kw.value) for kw in call.keywords)
        if isinstance(holder, ast.Assign) and len(parents) > 1:
            return _sibling_local_host(holder, parents[-2])
        return isinstance(holder, ast.Dict) and _local_host_entry(holder)

    # Credential shapes in any string literal, one finding per string token as written
    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if not isinstance(value, (str, bytes)) or len(value) < 12 or self.skip:
            return
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if _SHAPE_HINT.search(text) and not isinstance(self.ctx.parents[-1], ast.JoinedStr):
            self._shapes(node)  # (the text parts of an f-string are looked at through visit_JoinedStr)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # `"postgres://u:pw@" f"{host}"` is one JoinedStr: its plain string tokens count on their own
        if self.skip or isinstance(self.ctx.parents[-1], ast.FormattedValue):
            return
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if len(text) >= 12 and _SHAPE_HINT.search(text):
            self._shapes(node)

    def _shapes(self, node: ast.AST) -> None:
        for text, token in _string_tokens(self.ctx, node):
            if len(text) < 12 or id(token) in self.seen:
                continue
            for label, pattern in TOKEN_SHAPES:
                if pattern.search(text):
                    if label == "private key" and not _key_material(text):
                        break  # `"-----BEGIN RSA PRIVATE KEY-----..."`: an elided example in docs or help text
                    self._flag(node, token, token, label, token, by_format=True, live=True)
                    break
            else:
                if url_password(text):
                    local = _LOCAL_HOSTS.match(_url_host(text)) is not None
                    self._flag(node, token, token, "password inside a connection URL", token, local=local,
                               fallback=not local and token is node and self._lookup_default(node), by_format=True,
                               table=self._sample_table())


def _read_only_after_failure(tree: ast.AST | None, name: str) -> bool:
    """Every read of the module-level `name` sits in the `except` handler of a `try` whose body calls something
    (the fetch that normally supplies the value). Walked only for a module-level secret about to be reported."""
    if tree is None:
        return False
    in_handlers: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(isinstance(n, ast.Call) for st in node.body for n in ast.walk(st)):
            in_handlers.update(id(n) for h in node.handlers for n in ast.walk(h)
                               if isinstance(n, ast.Name) and n.id == name)
    reads = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)]
    return bool(reads) and all(id(n) in in_handlers for n in reads)


def _live_shape(text: str) -> bool:
    """A known token format (with key material, for a private key block): live as it stands."""
    for label, pattern in TOKEN_SHAPES:
        if pattern.search(text):
            return label != "private key" or _key_material(text)
    return False


def _fernet_key(node: ast.AST) -> bool:
    """A literal in Fernet's own key format (32 bytes, URL-safe base64): a key that decrypts as it stands."""
    value = literal_value(node)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str) or len(value) != 44 or not value.endswith("="):
        return False
    try:
        return len(base64.urlsafe_b64decode(value)) == 32
    except ValueError:
        return False


def _stops(body: list[ast.stmt]) -> bool:
    """A block that refuses to go on: it raises, or calls sys.exit()/exit()."""
    for st in body:
        if isinstance(st, ast.Raise):
            return True
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and \
                (dotted(st.value.func) or "") in ("sys.exit", "exit", "os._exit"):
            return True
    return False


def _compared_literals(test: ast.AST) -> set[tuple[str, str]]:
    """(name, literal) pairs a condition tests for equality or membership: `KEY == "dev"`,
    `KEY in ("dev", "changeme")`, also as one operand of `and`."""
    found: set[tuple[str, str]] = set()
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    for part in parts:
        if not (isinstance(part, ast.Compare) and len(part.ops) == 1 and
                isinstance(part.ops[0], (ast.Eq, ast.In))):
            continue
        left, right = part.left, part.comparators[0]
        if isinstance(right, (ast.Name, ast.Attribute, ast.Subscript)) and isinstance(part.ops[0], ast.Eq):
            left, right = right, left
        # `KEY`, `settings.KEY`, `app.config["KEY"]`: the setting compared
        name = left.id if isinstance(left, ast.Name) else left.attr if isinstance(left, ast.Attribute) else \
            config_key(left)
        if not name:
            continue
        values = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
        found.update((name, v.value) for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return found


# Words people put in passwords they choose; a generated key does not spell them
_CHOSEN = re.compile(r"(?i)pass|secret|admin|changeme|letmein|qwerty|test|demo|default|example|sample|local|guest|"
                     r"welcome|1234")


# what a credential-sounding constant holds when it is the name of a thing: the header that carries the token, the
# model a key is tested with
_AUTH_HEADER_NAMES = frozenset({"authorization", "proxy-authorization", "www-authenticate", "x-api-key", "api-key",
                                "apikey", "x-auth-token", "x-access-token", "x-csrf-token", "x-csrftoken", "cookie",
                                "set-cookie", "bearer", "basic", "token"})
_LABEL_WORD = re.compile(r"(?i)(^|_|\b)(HEADER|MODEL)(S)?(_|\b|$)")
_MODEL_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9.]+)+$")


def _names_a_label(what: str, literal: object) -> bool:
    """`MCP_AUTH_HEADER_AUTHORIZATION = "Authorization"` (a header's name), `GOOGLE_MODEL_FOR_API_KEY_CHECK =
    "gemini-2.0-flash-lite"` (a model's name): a constant named for a header or a model, holding one."""
    if not isinstance(literal, str) or not _LABEL_WORD.search(what):
        return False
    return literal.strip().lower() in _AUTH_HEADER_NAMES or bool(_MODEL_ID.match(literal))


def _generated(value: str) -> bool:
    """A value that looks generated (mixed character classes, no word a person would choose): `f3c9a1d07be2`,
    not `password1234` or `admin`."""
    return looks_random(value) and not _CHOSEN.search(value)


# `DEFAULT_PASSWORD`, `default_api_key`: a constant used where nothing is configured
_DEFAULT_NAME = re.compile(r"(?i)\bdefault_\w+")
# a salt named after what it salts (`API_KEY_HASH_SALT`): the credential word qualifies the salt
_SALT_NAME = re.compile(r"(?i)_SALT$")
# vendors' formats for client keys that are public by design: PostHog project keys, Stripe publishable keys
_PUBLIC_SHAPE = re.compile(r"(phc_|pk_(live|test)_)[A-Za-z0-9]{16,}$")
# a key whose name declares it public: `INNERTUBE_PUBLIC_API_KEY`, `publishableKey`, `NEXT_PUBLIC_MAPS_KEY`
_PUBLIC_NAME = re.compile(r"(?:\b|_|(?<=[a-z]))(PUBLIC|Public|public|PUBLISHABLE|Publishable|publishable)(?:_|\b|(?=[A-Z]))\w*"
                          r"(key|KEY|Key)")
# The key an app signs sessions and tokens with (Flask/Django SECRET_KEY, JWT_SECRET_KEY, SIGNING_KEY)
_SIGNING_NAME = re.compile(r"^([A-Z0-9]+_)*(SECRET_KEY|SECRET|SIGNING_KEY|JWT_KEY|TOKEN_KEY)$")
# Placeholders everyone knows: the value of a key nobody chose
_WELL_KNOWN_DEFAULT = re.compile(r"(?i)^(change[-_ ]?(me|this|it)(!|[-_ ]?(please|now|in[-_ ]?production))?|"
                                 r"replace[-_ ]?(me|this)|(my|your|super|top)[-_ ]?secret([-_ ]?key)?|"
                                 r"secret([-_ ]?key)?|default([-_ ]?secret)?([-_ ]?key)?|insecure|"
                                 r"not[-_ ]?a[-_ ]?secret|s3cr3t|dev([-_ ]?secret)?([-_ ]?key)?|development|please[-_ ]?change([-_ ]?me)?)$")
# Files that show a configuration rather than hold one
def _same_under_plain_key(node: ast.Dict, key: str, value: ast.AST) -> bool:
    """`{"sms_endpoint": "provider=ovh", "sms_secret": "provider=ovh"}`: the dict gives the machine secret's
    literal to a key naming no secret too, so it maps fields to a rule or kind (a visibility condition, a
    widget), not to credentials: a generated key equals no other field. (A password may be a word a person
    chose: `"NAME": "shop", "USER": "shop", "PASSWORD": "shop"` is a password equal to the user and database
    names, still reported; under three or more plain keys it is a kind's value again: `{"text": "textbox",
    "search": "textbox", "email": "textbox", "password": "textbox"}` maps input types to roles.)"""
    literal = literal_value(value)
    plain = sum(v is not value and literal_value(v) == literal and isinstance(k := literal_value(kn), str) and
                not is_credential_name(k) for kn, v in zip(node.keys, node.values) if kn is not None)
    return plain >= (3 if is_password_kind(key) else 1)


def _form_control(node: ast.Dict, value: ast.AST) -> bool:
    """`post={"password": password, "password_send": "Send"}`: the password itself comes from a name under another
    key, and this one holds a capitalised word: the form's submit button or another control's caption."""
    literal = literal_value(value)
    return isinstance(literal, str) and _CAPTION.fullmatch(literal) is not None and any(
        isinstance(k := literal_value(kn), str) and is_password_kind(k) and not _could_be_text(v)
        for kn, v in zip(node.keys, node.values) if kn is not None and v is not value)


# a button's or a control's caption: one or two capitalised words
_CAPTION = re.compile(r"[A-Z][a-z]{1,11}( [A-Za-z][a-z]{1,11})?")


_EXAMPLE_PATH = re.compile(r"(?i)(^|/)(examples?|samples?|docs?|templates?)/|[._-](example|sample|template|dist)\b")
# fact key: TLS relaxations under an opt-out switch read from the app config, kept unless its default is off
TLS_OPT_OUTS = "tls_opt_outs"
# fact key: the well-known default secrets of config modules, kept where the app loads the module
DEFAULT_SECRETS = "well_known_secrets"
# fact keys: module-level Django settings secrets left to the project pass, and the settings whose new
# value reads the old one (`SECRET_KEY = env("SECRET_KEY", SECRET_KEY)`)
DEFERRED_SETTINGS_SECRETS = "settings_secrets"
SETTINGS_SELF_READS = "settings_self_reads"
# fact key: [name, literal] pairs of signing keys a module refuses to start with
REFUSED_SECRETS = "refused_secrets"
# fact keys: secrets under a dict key, left to the project pass, and [digest, path, line, name] of the
# secrets assigned to a name (`SECRET_KEY = "..."`)
REPEATED_SECRET_ENTRIES = "secret_dict_entries"
NAMED_SECRET_SITES = "named_secret_sites"
# `$TRACECAT__TEST_USER_PASSWORD`, `$DEV_ADMIN_PASSWORD`: the variable names a development or test login
_DEV_LOGIN = re.compile(r"(?i)\$(\w*_)?(test|dev|demo|sample|example|local)_\w*")
# Values no credential takes, whatever the name they are bound to says: a boolean or null word (an API filter,
# `"password_protected": "false"`) and an XPath or CSS selector (`name_token_xpath = '//form/input/@name'`,
# `'input[name="csrf_token"]'`), and a regular expression's character class with its quantifier
# (`[!#$%&'*+.^_A-Za-z0-9-]+`): the shape says what the text is
_NOT_A_SECRET = re.compile(r"(?i)^(true|false|yes|no|on|off|none|null|nil)$|^\.?//?[\w*@.-]+(/|\[)|\[@[\w-]+|\[[\w-]+=[\"']|"
                          r"\[[^\]]*(?:A-Z|a-z|0-9|\\[dws])[^\]]*\][+*?{]")
# A run of token characters long enough to carry a session or key (a preference cookie has none)
_TOKEN_RUN = re.compile(r"[A-Za-z0-9+/_-]{20,}")
# Functions whose name says they build a development instance: their defaults are its seeded logins
_DEV_FUNCTION = re.compile(r"(?i)(^|_)(dev|demo|seed|sample|fixture|local)(_|$)")
# A value between brackets (`"[TURN_END]"`, `"<|endoftext|>"`, `"</s>"`): a marker a stream or a model's
# vocabulary uses, not a credential
_MARKER = re.compile(r"\[[\w -]+\]|<\|?/?[\w-]+\|?>")
# A class-like key (`PasswdIdResolver`): a type's name, never a setting's (`db_password = "dbpass"` is a password)
_TYPE_NAME = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+")
# What a cookie's name looks like (`"tracecat:active-org-id"`): words joined by separators, no digits
_COOKIE_NAME = re.compile(r"[A-Za-z]+(?:[:._-][A-Za-z]+)*")


# `.types`, `pkg.client.types`: the module a type name is imported from
_MODULE_PATH = re.compile(r"\.+[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*|[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+")
# `app:wiki:full-rebuild`: three or more words joined by colons, the namespaced key of a cache entry or a lock
_NAMESPACED_KEY = re.compile(r"[a-z]+(?::[a-z]+(?:[-_][a-z]+)*){2,}")
# a constant about secrets whose last word says what it is: a CSS filter or rule, a selector, an attribute name, a
# pattern (`SECRET_MASK_ATTRIBUTE`, `TOKEN_PATTERN`); a live token format is still reported (its shape decides)
_THING_ABOUT_SECRETS = re.compile(r"(?i)_(FILTER|SELECTOR|CSS(_RULE)?|STYLE|ATTRIBUTE|ATTR|PATTERN|REGEX|RE)$")


def _spelled_as(name: str, value: str) -> bool:
    """`PASSWORD_CHANGE = "password-change"`: the value is the constant's own name in another case and
    separator, an event type or an enum-like label."""
    return len(value) >= 6 and value.lower().replace("-", "_").replace(" ", "_") == name.lower()


def _label_for(name: str, value: object) -> bool:
    """A value that is a label, not a secret: the name spelled again (`PasswdIdResolver` -> `passwdresolver`,
    every letter of the value in order in a class-like name), a stream marker, or the name of a cookie
    (`ACTIVE_ORG_COOKIE = "app:active-org"`: a cookie's value is per user and never a constant)."""
    if not isinstance(value, str) or not value:
        return False
    if value == name or _MARKER.fullmatch(value) or _spelled_as(name, value):
        return True
    if _TYPE_NAME.fullmatch(name) and _MODULE_PATH.fullmatch(value):
        return True  # `"NonEmptyPasswordCredential": ".types"`: a generated SDK's lazy-import table
    if _NAMESPACED_KEY.fullmatch(value):
        return True  # `WIKI_REBUILD_TOKEN = "sumo:wiki:full-rebuild"`: a cache or lock key, words only
    if _THING_ABOUT_SECRETS.search(name) and not _live_shape(value):
        return True  # `SECRET_VISUAL_MASK_BLUR_FILTER = "blur(6px)"`: the name's last word says what it holds
    if name.lower().endswith("_key") and is_password_kind(name) and re.fullmatch(r"[a-z][a-z0-9_]*", value):
        return True  # `password_detail_key = "registrationcode"`: the key a password is stored under
    rest = iter(name.lower())
    if _TYPE_NAME.fullmatch(name) and len(value) >= 6 and all(c in rest for c in value.lower()):
        return True
    if not name.lower().rstrip("s").endswith("cookie"):
        return False
    # a cookie's name, or a fixed `name=value` cookie with no token in it (`yp=1716337604.sp.family%3A0`, a
    # preference every request sends): a session cookie carries a long random value
    return _COOKIE_NAME.fullmatch(value) is not None or "=" in value and _TOKEN_RUN.search(value) is None


_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?P<body>.{0,8000}?)(?:-----END|\Z)", re.S)
_PEM_HEADER = re.compile(r"(?m)^[A-Za-z-]+:.*$")  # `Proc-Type: 4,ENCRYPTED` lines of legacy PEM
# `e2e_seed_data.py`, `demo_seed_users.py`: "seed" as a word anywhere in the module's name
# `demodata.py`, `load_demo_data.py`, `sample_data.py`: a module named for a demo instance's made-up rows
_SEED_MODULE = re.compile(r"(?i)^(seeds?|seeding|(\w+_)?seeds?(_\w+)?|fixtures?|\w+_fixtures?|load_?fixtures?|"
                          r"(\w+_)?(demo|sample|dummy)_?data(_\w+)?|(\w+_)?demo(_\w+)?)$")


def _key_material(text: str) -> bool:
    """Whether a PEM private-key block carries a key: a real one has hundreds of base64 characters; the
    marker followed by `...` or nothing is an example of the format."""
    for m in _PEM_PRIVATE.finditer(text):
        body = re.sub(r"\s|\\n", "", _PEM_HEADER.sub("", m.group("body")))
        if re.match(r"[A-Za-z0-9+/=]{64}", body):
            return True
    return False


def _seed_module(path: str) -> str:
    """`scripts/seeds_load.py`, `seeds/users.py`, `fixtures.py`: modules that fill a local or end-to-end test
    database with made-up rows; a credential there is the fixture's."""
    parts = PurePosixPath(path).parts
    stem = PurePosixPath(path).stem
    if _SEED_MODULE.match(stem) or stem.startswith(("seed_", "seeds_")) or \
            any(p.lower() in ("seeds", "seed", "fixtures", "seeders") for p in parts[:-1]):
        return path
    return ""


# Hosts that only this machine reaches: a password for a database or broker there is a developer's.
_LOCAL_HOSTS = re.compile(r"(?i)^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$")


def _url_host(text: str) -> str:
    """`amqp://guest:guest@localhost:5672//` -> localhost."""
    rest = text.partition("://")[2].rpartition("@")[2]
    host = rest.split("/", 1)[0]
    return host if host.startswith("[") and host.endswith("]") else host.rsplit(":", 1)[0] if \
        host.count(":") == 1 else host


def _local_host_entry(node: ast.Dict) -> bool:
    """A settings dict (`DATABASES["default"]`) whose HOST names this machine (or is empty: the local socket)."""
    for key, value in zip(node.keys, node.values):
        if isinstance(literal_value(key), str) and literal_value(key).lower() in ("host", "hostname", "server"):
            return _local_host(value)
    return False


_CREDENTIAL_TAIL = re.compile(r"(?i)^(\w+?_)(password|passwd|pass|pwd|user|username)$")
# `DATABASE_HOST`, `REDIS_HOSTNAME`, `POSTGRES_SERVER`: the environment variable naming a service's host
_HOST_VARIABLE = re.compile(r"(?i)^(\w+?_)(host|hostname|server)$")


def _sibling_local_host(assign: ast.Assign, block: ast.AST) -> bool:
    """`RABBITMQ_PASSWORD = os.environ.get("RABBITMQ_PASSWORD", "guest")` in a block that also binds
    `RABBITMQ_HOST = os.environ.get("RABBITMQ_HOST", "localhost")`: the settings' own pair, so the fallback
    credential goes with a service on this machine (a deployment that moves the host sets its own account)."""
    target = assign.targets[0] if len(assign.targets) == 1 else None
    match = _CREDENTIAL_TAIL.match(target.id) if isinstance(target, ast.Name) else None
    body = getattr(block, "body", None)
    if match is None or not isinstance(body, list):
        return False
    hosts = {match.group(1) + tail for tail in ("HOST", "HOSTNAME", "SERVER", "host", "hostname", "server")}
    return any(isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and
               s.targets[0].id in hosts and _local_host(s.value) for s in body)


def _local_host(value: ast.AST) -> bool:
    """A host that is this machine (or empty: the local socket), literally or as a lookup's fallback
    (`os.getenv("DB_HOST", "localhost")`)."""
    if isinstance(value, ast.Call) and len(value.args) > 1 and isinstance(value.func, (ast.Attribute, ast.Name)) \
            and (value.func.attr if isinstance(value.func, ast.Attribute) else value.func.id) in ("get", "getenv"):
        value = value.args[1]
    host = literal_value(value)
    return isinstance(host, str) and (host == "" or _LOCAL_HOSTS.match(host) is not None)


def _string_tokens(ctx: FileContext, node: ast.AST) -> list[tuple[str, ast.AST]]:
    """(text, positioned node) of each plain string token of a literal: implicit concatenation
    (`"a" "b"`, one node in ast) is several tokens, and a secret sits in one of them. f-string tokens are
    left out (their literal text is no single value)."""
    segment = ctx.segment(node)
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(f"({segment})").readline)
                  if t.type == tokenize.STRING]
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    if len(tokens) <= 1 and isinstance(node, ast.Constant):
        value = node.value
        return [(value.decode("latin-1") if isinstance(value, bytes) else value, node)]
    lines = segment.split("\n")
    out = []
    for tok in tokens:
        if "f" in tok.string[:tok.string.index(tok.string[-1])].lower():
            continue
        try:
            value = ast.literal_eval(tok.string)
        except (ValueError, SyntaxError):
            continue
        (srow, scol), (erow, ecol) = tok.start, tok.end
        out.append((value.decode("latin-1") if isinstance(value, bytes) else value, ast.Constant(
            value=value, lineno=node.lineno + srow - 1, col_offset=_byte_col(node, lines, srow, scol),
            end_lineno=node.lineno + erow - 1, end_col_offset=_byte_col(node, lines, erow, ecol))))
    return out


def _byte_col(node: ast.AST, lines: list[str], row: int, col: int) -> int:
    """Source byte column of a tokenize position inside "(" + segment + ")"."""
    if row == 1:
        return node.col_offset + len(lines[0][:col - 1].encode("utf-8"))
    return len(lines[row - 1][:col].encode("utf-8"))


def _get_key(node: ast.AST) -> str | None:
    """`headers.get("X-Api-Key")` -> "X-Api-Key"."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and node.args:
        key = literal_value(node.args[0])
        return key if isinstance(key, str) else None
    return None


def _is_env_reader(node: ast.Call) -> bool:
    """django-environ / environs readers: env("X", default=...), env.str("X", default=...)."""
    func = node.func
    base = func.value if isinstance(func, ast.Attribute) else func
    return isinstance(base, ast.Name) and base.id in ("env", "config") and arg(node, "default") is not None


# --- BA-SEC-002 -------------------------------------------------------------------------------------------

_HTTP_CLIENT_CALLS = frozenset({
    "requests.get", "requests.post", "requests.put", "requests.patch", "requests.delete", "requests.head",
    "requests.options", "requests.request", "requests.Session", "requests.session",
    "httpx.get", "httpx.post", "httpx.put", "httpx.patch", "httpx.delete", "httpx.head", "httpx.options",
    "httpx.request", "httpx.stream", "httpx.Client", "httpx.AsyncClient", "httpx.HTTPTransport",
    "httpx.AsyncHTTPTransport", "aiohttp.TCPConnector", "aiohttp.ClientSession", "urllib3.PoolManager",
    "urllib3.HTTPSConnectionPool", "urllib3.connection_from_url",
})
_CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
                             "send", "ws_connect"})
# Calls that take cert_reqs (urllib3 pools also accept the name as a string).
_CERT_REQS_CALLS = frozenset({
    "ssl.wrap_socket", "urllib3.PoolManager", "urllib3.ProxyManager", "urllib3.HTTPSConnectionPool",
    "urllib3.connection_from_url", "urllib3.proxy_from_url", "urllib3.poolmanager.PoolManager",
    "urllib3.poolmanager.ProxyManager", "urllib3.poolmanager.proxy_from_url", "urllib3.connectionpool.HTTPSConnectionPool",
    "urllib3.connectionpool.connection_from_url"})
_CERT_NONE_VALUES = ("CERT_NONE", "NONE", "none", 0)
_ENV_TLS = {"PYTHONHTTPSVERIFY": "0", "REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": ""}


# Names of an operator's switch for certificate checks, tested before turning them off
_OPT_OUT = re.compile(r"(?i)(verify|insecure|ssl_?mode|tls_?mode|skip_?(tls|ssl|cert)|validate_?cert|check_?cert|"
                      r"ssl_?check|tls_?check|unsafe_?ssl|ignore_?(tls|ssl|cert)|disable_?(tls|ssl|cert)|self_?signed|"
                      # a stored per-object setting that defaults to on: `if not remote.tls_validation:`
                      r"(tls|ssl|cert)_?validat|validate_?(tls|ssl))")

# What a socket wrapped only to look at the peer's certificate is asked
_INSPECTION_CALLS = frozenset({"getpeercert", "close", "settimeout", "setblocking", "cipher", "version",
                               "shared_ciphers", "selected_alpn_protocol", "getpeername", "do_handshake"})

_NO_VERIFY_MODES = frozenset({"require", "prefer", "allow", "insecure", "no-verify", "noverify", "skip-verify",
                              "unverified", "self-signed"})


class TlsVerificationDisabledBandit(BanditCheck):
    RULE_ID = "BA-SEC-002"

    def convert(self, issue) -> Finding | None:
        return self.finding_from_issue(issue, message=f"TLS certificate verification disabled ({issue.test_id}): "
                                                      "anyone on the network path can read and change the traffic")


class TlsVerificationDisabled(AstCheck):
    RULE_ID = "BA-SEC-002"
    PREFILTER = ("verify", "ssl", "CERT_NONE", "check_hostname", "HTTPSVERIFY", "CA_BUNDLE", "disable_warnings",
                 "OPT_X_TLS")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.sessions: set[str] = set()  # names bound to requests.Session() / httpx.Client(...)
        self.inspected: dict[tuple[int, str], bool] = {}
        self.module_nodes: dict[str, list[ast.AST]] = {}  # bound_literal's memo

    def visit_Call(self, node: ast.Call) -> None:
        self.call = node  # the call a keyword switch belongs to (see _weakened)
        qn = self.ctx.qualname(node.func) or ""
        known_client = qn in _HTTP_CLIENT_CALLS or qn.startswith("aiohttp.")
        method_call = isinstance(node.func, ast.Attribute) and node.func.attr in _CLIENT_METHODS
        for a in node.keywords:
            kw = a.arg
            if not (kw == "verify" and (known_client or method_call) or kw in ("ssl", "verify_ssl") and
                    (known_client or method_call) or kw == "cert_reqs" and known_client):
                continue
            value, bound_at = (literal_value(a.value), 0) if not isinstance(a.value, ast.Name) else \
                bound_literal(self.ctx, a.value, self.module_nodes)
            if value is not False:
                continue
            shown = f"{kw}=False" if not bound_at else f"{kw}={a.value.id} (bound to False at line {bound_at})"
            self._weakened(a, f"{shown} turns off certificate checks on {qn or 'this client call'}: anyone "
                              "on the network path can read and change the traffic; pass a CA bundle instead")
        if qn in _CERT_REQS_CALLS or qn.startswith("requests.packages.urllib3.") and \
                qn.replace("requests.packages.", "", 1) in _CERT_REQS_CALLS:
            self._cert_reqs(node, qn)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "set_option" or qn == "ldap3.Tls":
            self._ldap_tls(node, qn)
        if qn == "ssl._create_unverified_context":
            self.report(node, "ssl._create_unverified_context() accepts any certificate; use "
                              "ssl.create_default_context(cafile=...)")
        elif qn in ("urllib3.disable_warnings", "requests.packages.urllib3.disable_warnings"):
            self.report(node, "urllib3.disable_warnings() hides the warning that TLS verification is off somewhere",
                        level="note", properties={"sub": "warnings-hidden"})
        elif qn in ("os.environ.setdefault", "os.putenv"):
            key = arg(node, None, 0)
            if key is not None:
                self._env(node, literal_value(key), literal_value(arg(node, None, 1)))

    def _cert_reqs(self, node: ast.Call, qn: str) -> None:
        """cert_reqs=ssl.CERT_NONE / "CERT_NONE" on a client socket or a urllib3 pool."""
        wrap = qn.endswith("wrap_socket")
        value = arg(node, "cert_reqs", 4 if wrap else None)
        if value is None or (wrap and literal_value(arg(node, "server_side", 3)) is True):
            return  # a server does not verify client certificates by default: that is not this rule
        literal = literal_value(value)
        if literal is False and qn in _HTTP_CLIENT_CALLS:
            return  # cert_reqs=False on a known client is reported with the other `=False` switches
        if self.ctx.qualname(value) == "ssl.CERT_NONE" or literal is False or \
                (type(literal) in (str, int) and literal in _CERT_NONE_VALUES):
            where = next((k for k in node.keywords if k.value is value), value)
            self._weakened(where, f"cert_reqs=CERT_NONE on {qn}(): the peer's certificate is not checked, so anyone on "
                               "the network path can read and change the traffic; use CERT_REQUIRED with a CA bundle")

    def _ldap_tls(self, node: ast.Call, qn: str) -> None:
        """python-ldap `set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_NEVER)` (module-wide or on one
        connection; ALLOW also carries on past a bad certificate) and ldap3 `Tls(validate=ssl.CERT_NONE)`: the
        directory bind then sends the service account's or the logging-in user's password to whoever answers."""
        if self._ldap_certificate_probe():
            return  # the connection only fetches the server's certificate (an expiry check): nothing is sent
        if qn == "ldap3.Tls":
            value = arg(node, "validate", 2)
            if value is not None and self.ctx.qualname(value) == "ssl.CERT_NONE":
                self._weakened(value, "ldap3 Tls(validate=CERT_NONE) accepts any certificate from the directory "
                                      "server: binds send their passwords to whoever answers; use CERT_REQUIRED "
                                      "with ca_certs_file")
            return
        if len(node.args) < 2 or self.ctx.qualname(node.args[0]) != "ldap.OPT_X_TLS_REQUIRE_CERT":
            return
        mode = self.ctx.qualname(node.args[1]) or ""
        if mode in ("ldap.OPT_X_TLS_NEVER", "ldap.OPT_X_TLS_ALLOW") or literal_value(node.args[1]) == 0:
            self._weakened(node, f"OPT_X_TLS_REQUIRE_CERT set to {mode.rpartition('.')[2] or 'OPT_X_TLS_NEVER'}: "
                                 "the LDAP server's certificate is not checked, so binds send their passwords "
                                 "to whoever answers; use OPT_X_TLS_DEMAND with OPT_X_TLS_CACERTFILE")

    def _ldap_certificate_probe(self) -> bool:
        """The function reads the directory server's certificate (`conn.socket.getpeercert()`) and never binds,
        searches or passes credentials: a health check of the certificate's expiry, which must work for
        self-signed and expired ones too."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None:
            return False
        called = {n.func.attr for n in self.ctx.own_nodes(func)
                  if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        credentials = any(isinstance(n, ast.keyword) and n.arg in ("user", "password", "who", "cred")
                          for n in self.ctx.own_nodes(func))
        return "getpeercert" in called and not credentials and not any(
            c.startswith(("bind", "simple_bind", "sasl", "search", "modify", "add", "delete", "extend"))
            for c in called)

    def _is_session(self, receiver: ast.AST) -> bool:
        name = receiver_name(receiver) or ""
        return name in self.sessions or "session" in name.lower() or name.lower().endswith("client")

    def visit_Assign(self, node: ast.Assign) -> None:
        value = literal_value(node.value)
        if isinstance(node.value, ast.Call) and (self.ctx.qualname(node.value.func) or "") in _HTTP_CLIENT_CALLS:
            self.sessions.update(n for t in node.targets if (n := receiver_name(t)))
        for target in node.targets:
            name = target_name(target)
            if name == "verify" and value is False and isinstance(target, ast.Attribute) and \
                    self._is_session(target.value):
                self._weakened(node, "session.verify = False turns off certificate checks for every request of the "
                                     "session", fixed=self._session_fixed_host(target.value))
            elif name == "check_hostname" and value is False and isinstance(target, ast.Attribute):
                self._context_switch(node, target, "SSL context with check_hostname = False accepts a valid "
                                                   "certificate for any host")
            elif name == "verify_mode" and self.ctx.qualname(node.value) == "ssl.CERT_NONE":
                self._context_switch(node, target, "SSL context with verify_mode = CERT_NONE accepts any certificate")
            elif self.ctx.qualname(node.value) == "ssl._create_unverified_context":
                self.report(node, "the default HTTPS context replaced by an unverified one: every urllib call in the "
                                  "process accepts any certificate")
            elif isinstance(target, ast.Subscript) and self.ctx.qualname(target.value) == "os.environ" and name:
                self._env(node, name, value)

    def _context_switch(self, node: ast.Assign, target: ast.Attribute, message: str) -> None:
        """An error, unless the same function turns the check back on under a condition (`if ssl_mode ==
        VERIFY_FULL: ctx.check_hostname = True`): then the weak default is the configured mode's (libpq's
        sslmode=require), a deployment choice: a note naming it, not a hard-coded hole. A context whose sockets
        are only asked for the peer's certificate trusts nothing it reads: not reported."""
        if self._restored_later(node, target):
            self.report(node, message + " unless the configured mode turns verification back on; make the "
                                        "verifying mode the default", level="note", properties={"sub": "by-mode"})
        elif self._reads_peer_certificate_only(target):
            return  # only the peer's certificate is read (an inventory or expiry check): nothing sent, nothing trusted
        else:
            self._weakened(node, message)

    def _weakened(self, node: ast.AST, message: str, fixed: str = "") -> None:
        """An error, unless the switch sits under a test of the operator's own opt-out (`if not
        settings.VERIFY_SSL:`, `if ssl_mode == "require":`, `if insecure:`): then verification is off only
        when the deployment (or the caller, `ignore_cert_errors=True`) asks for it, a configuration choice: a
        note naming the switch, not a hard-coded hole. `fixed` names the one host the unverified calls go to
        when they send it no credential (a version check, a public feed): what a forged answer could change
        depends on what the code trusts it for, which is not traced, so a warning, not an error."""
        if not fixed and isinstance(node, ast.keyword) and node.arg in ("verify", "ssl", "verify_ssl"):
            fixed = _fixed_host(self.call)  # `requests.get("https://host/...", verify=False)`
        switch = self._opt_out()
        if switch:
            self.report(node, f"{message} (only when {switch} asks for it: make verification the default and the "
                              "opt-out loud)", level="note", properties={"sub": "by-mode"})
            key = self._switch_key(switch)
            if key:
                # the project pass drops it where the config the app loads defaults the switch to off
                self.ctx.facts.setdefault(TLS_OPT_OUTS, []).append(
                    {"finding": self.ctx.findings.pop().to_dict(), "key": key})
        elif isinstance(node, ast.keyword) and _head_probe(self.call):
            self.report(node, f"{message} (a HEAD request that sends no credential: no body comes back, only a "
                              "status, so a forged answer changes at most what that status decides, an up/down "
                              "probe's verdict; not traced)", level="note", properties={"sub": "head-probe"})
        elif fixed:
            self.report(node, f"{message} (only to {fixed}, and no credential is sent: what the code trusts the "
                              "answer for was not traced)", level="warning")
        elif _wildcard_to_loopback(self.ctx.tree):
            self.report(node, f"{message} (the module maps its own server's wildcard bind address to loopback, "
                              "`0.0.0.0` -> `127.0.0.1`: most likely a hop to this app's own server, whose "
                              "certificate is the operator's, often self-signed; pin that certificate instead)",
                        level="note", properties={"sub": "own-server"})
        else:
            self.report(node, message)

    def _session_fixed_host(self, session: ast.AST) -> str:
        """The one host a local session turned unverified is used for, when every use of it in the function
        is a request to that host without a credential (a session returned, stored or passed on could go
        anywhere: "")."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or not isinstance(session, ast.Name):
            return ""
        names = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == session.id]  # per finding: rare
        calls = [c for c in ast.walk(func) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                 and isinstance(c.func.value, ast.Name) and c.func.value.id == session.id]
        # the name bound, `session.verify = False`, and one use per call: any other use hands the session on
        bindings = sum(1 for n in names if isinstance(n.ctx, ast.Store))
        if not calls or len(names) != bindings + 1 + len(calls):
            return ""
        hosts: set[str] = set()
        for call in calls:
            if call.func.attr not in _CLIENT_METHODS:
                return ""
            host = _fixed_host(call)
            if not host:
                return ""
            hosts.add(host)
        return hosts.pop() if len(hosts) == 1 else ""

    def _switch_key(self, switch: str) -> str | None:
        """The app-config key an opt-out switch reads: `if app.config["SMTP_SKIP_SSL_VERIFY"]:`, or
        `self.skip_verify = app.config["SMTP_SKIP_SSL_VERIFY"]` in the class whose method tests it."""
        test = next((p.test for p in reversed(self.ctx.parents) if isinstance(p, (ast.If, ast.IfExp))
                     and switch in names_in(p.test)), None)
        key = next((k for n in iter_nodes(test, skip=()) if (k := config_key(n))), None) if test else None
        cls = next((p for p in reversed(self.ctx.parents) if isinstance(p, ast.ClassDef)), None)
        if key or cls is None:
            return key
        for n in iter_nodes(cls, skip=()):  # a class holding an opt-out switch: rare, walked once per finding
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == switch and
                                                 dotted(t.value) == "self" for t in n.targets):
                return config_key(n.value)
        return None

    def _opt_out(self) -> str:
        for parent in reversed(self.ctx.parents):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                return ""
            if isinstance(parent, (ast.If, ast.IfExp)):
                for name in names_in(parent.test):
                    if _OPT_OUT.search(name):
                        return name
                # a setting read by its name: `if getattr(ldap_config, "LDAP_IGNORE_CERT_ERRORS", False):`
                for key in (n.value for n in ast.walk(parent.test) if isinstance(n, ast.Constant)):
                    if isinstance(key, str) and len(key) < 80 and key.isidentifier() and _OPT_OUT.search(key):
                        return key
                opt_in = self._opt_in_parameter(parent.test)
                if opt_in:
                    return opt_in
                modes = [n.value for n in ast.walk(parent.test) if isinstance(n, ast.Constant)
                         and isinstance(n.value, str) and n.value.lower() in _NO_VERIFY_MODES]
                if modes:  # `if mode == "require":` (libpq's encrypt-but-do-not-verify mode)
                    return f"the configured mode {modes[0]!r}"
        return ""

    def _opt_in_parameter(self, test: ast.AST) -> str:
        """`def __init__(self, ..., ssl_require: bool = False)` then `if ssl_require:`: the relaxation runs only
        for a caller that passes the flag, which is off by default: an opt-in, like an operator's opt-out."""
        func = self.ctx.function_stack[-1] if self.ctx.function_stack else None
        if func is None or not isinstance(test, ast.Name):
            return ""
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults)) + \
            [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        for param, default in pairs:
            if param.arg == test.id and literal_value(default) in (False, None):
                return f"{param.arg} (a parameter off by default)"
        return ""

    def _reads_peer_certificate_only(self, target: ast.Attribute) -> bool:
        """`ctx.verify_mode = CERT_NONE; sock = ctx.wrap_socket(conn); sock.getpeercert(True); sock.close()`:
        the context wraps sockets that only hand back the peer's certificate (to read its serial or expiry,
        which must work for self-signed ones too). Any other use of the context or of a wrapped socket
        (sent, read, returned, passed on) could carry data, so it keeps the error."""
        func = next((p for p in reversed(self.ctx.parents) if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))),
                    None)
        if func is None or not isinstance(target.value, ast.Name):
            return False
        key = (id(func), target.value.id)
        if key not in self.inspected:  # once per function and context: many switches, one walk
            self.inspected[key] = _peer_certificate_only(func, target.value.id)
        return self.inspected[key]

    def _restored_later(self, node: ast.Assign, target: ast.Attribute) -> bool:
        func = next((p for p in reversed(self.ctx.parents)
                     if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
        if func is None or not isinstance(target.value, ast.Name):
            return False
        for branch in ast.walk(func):
            if not isinstance(branch, ast.If):
                continue
            # the verifying setting in either branch: `if mode == "require": ... else: ctx.verify_mode = ...`
            for later in (n for stmt in (*branch.body, *branch.orelse) for n in ast.walk(stmt)):
                if isinstance(later, ast.Assign) and later.lineno > node.lineno and any(
                        isinstance(t, ast.Attribute) and t.attr == target.attr and isinstance(t.value, ast.Name)
                        and t.value.id == target.value.id for t in later.targets) and (
                        literal_value(later.value) is True or
                        self.ctx.qualname(later.value) in ("ssl.CERT_REQUIRED", "ssl.CERT_OPTIONAL")):
                    return True
        return False

    def _env(self, node: ast.AST, name, value) -> None:
        if isinstance(name, str) and name in _ENV_TLS and value == _ENV_TLS[name]:
            self.report(node, f"setting {name}={value!r} turns off certificate verification process-wide")


# What carries a credential on a client call: sending any of these to a host whose certificate is not checked
# hands it to whoever answers
_CREDENTIAL_KEYWORDS = frozenset({"auth", "headers", "cookies", "cert"})


_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1"}


def _wildcard_to_loopback(tree: ast.AST | None) -> bool:
    """`if host == "0.0.0.0": host = "127.0.0.1"`: the module reaches a server configured to listen on every
    interface through loopback, which only this machine's own server (the app's web UI) needs."""
    for n in ast.walk(tree) if tree is not None else ():
        if isinstance(n, ast.If) and isinstance(n.test, ast.Compare) and len(n.test.comparators) == 1 and \
                isinstance(n.test.ops[0], ast.Eq):
            wildcard = next((v for c in (n.test.left, n.test.comparators[0])
                             if isinstance(v := literal_value(c), str) and v in _WILDCARDS), None)
            if wildcard is not None and any(isinstance(st, ast.Assign) and
                                            literal_value(st.value) == _WILDCARDS[wildcard] for st in n.body):
                return True
    return False


def _head_probe(call: ast.Call) -> bool:
    """`requests.head(url, verify=False)`, `client.head(...)`: a HEAD request without a credential or a body
    (`**kwargs` could hold either)."""
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    return method == "head" and not any(kw.arg is None or kw.arg in _CREDENTIAL_KEYWORDS | {"data", "json", "files"}
                                        for kw in call.keywords)


def _fixed_host(call: ast.Call) -> str:
    """The host of a client call whose URL is a literal (or an f-string whose host is), when the call sends no
    credential: "" for a URL chosen at run time, `auth=`, `headers=`, `cookies=`, a client certificate or a
    `**kwargs` the call cannot see into."""
    if any(kw.arg is None or kw.arg in _CREDENTIAL_KEYWORDS for kw in call.keywords):
        return ""
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    url = arg(call, "url", 1 if method == "request" else 0)
    formatted = isinstance(url, ast.JoinedStr)
    if formatted:
        url = url.values[0] if url.values else None
    text = url.value if isinstance(url, ast.Constant) and isinstance(url.value, str) else ""
    scheme, sep, rest = text.partition("://")
    host = rest.split("/", 1)[0] if sep and scheme.lower() in ("https", "wss") else ""
    if not host or "@" in host or formatted and "/" not in rest:
        return ""  # credentials in the URL, or an f-string that has not finished the host yet
    return host


def _peer_certificate_only(func: ast.AST, context: str) -> bool:
    """Whether every wrapped socket of `context` in `func` is only asked for the peer certificate (and
    closed, timed out), and the context is used for nothing else."""
    sockets: set[str] = set()
    wraps: set[int] = set()
    for n in ast.walk(func):
        value = n.value if isinstance(n, ast.Assign) and len(n.targets) == 1 else \
            n.context_expr if isinstance(n, ast.withitem) else None
        bound = n.targets[0] if isinstance(n, ast.Assign) else getattr(n, "optional_vars", None)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                value.func.attr == "wrap_socket" and isinstance(value.func.value, ast.Name) and \
                value.func.value.id == context and isinstance(bound, ast.Name):
            sockets.add(bound.id)
            wraps.add(id(value.func))
    if not sockets:
        return False
    uses: dict[int, ast.AST] = {}
    for n in ast.walk(func):
        for child in ast.iter_child_nodes(n):
            uses[id(child)] = n  # parent links, this function only
    peer = False
    for n in ast.walk(func):
        if not (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in sockets | {context}):
            continue
        parent = uses.get(id(n))
        if n.id == context:
            if not (isinstance(parent, ast.Attribute) and (id(parent) in wraps or isinstance(
                    uses.get(id(parent)), ast.Assign) and uses[id(parent)].targets[0] is parent)):
                return False  # the context handed on (`urlopen(url, context=ctx)`) or used otherwise
            continue
        call = uses.get(id(parent))
        if not (isinstance(parent, ast.Attribute) and parent.attr in _INSPECTION_CALLS and
                isinstance(call, ast.Call) and call.func is parent):
            return False  # the socket sends, reads, or leaves the function
        peer = peer or parent.attr == "getpeercert"
    return peer


# /committed-file: secret-bearing files tracked in the repository (catalog BA-SEC-001).
_SECRET_FILES = (".env", ".env.*", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.p12",
                 "*.pfx", "credentials.json", "service-account*.json", ".netrc", ".pgpass")
# A key file named for the local machine (`localhost.key`, `127.0.0.1-key.pem`, Debian's `ssl-cert-snakeoil.key`)
_LOCAL_KEY_FILE = re.compile(r"(?i)(^|[._-])(localhost|127\.0\.0\.1|snakeoil)([._-]|$)")
_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl", ".pub")


class CommittedSecretFile(ProjectCheck):
    """Files that hold credentials by convention, committed to the repository. Uses `git ls-files` (only
    what is really committed or about to be); outside git, the files present under the root."""

    RULE_ID = "BA-SEC-001"

    def run(self, project) -> list[Finding]:
        out = []
        files = _candidate_files(project)
        compose: dict[str, str] | None = None
        for rel in files:
            if not project.in_scope(rel):
                continue  # scanning backend/ says nothing about frontend/.env
            name = rel.rsplit("/", 1)[-1]
            if name.endswith(_TEMPLATE_SUFFIXES) or not any(fnmatch.fnmatchcase(name, p) for p in _SECRET_FILES):
                continue
            if any(part in ("tests", "test", "fixtures", "testdata") for part in rel.split("/")[:-1]):
                continue  # test fixtures carry throwaway keys on purpose
            held = _held_values(project.root, rel, name)
            if not held:
                continue
            variant = name.partition(".env.")[2].lower() if name.startswith(".env.") else ""
            local, where = [], ""
            if variant in _LOCAL_ENV_VARIANTS or name == ".env":
                if compose is None:
                    compose = compose_credentials(project.root, files, scripts=True)
                local, where = _local_values(project.root, rel, held, compose)
            if name == ".env" and local and len(local) == len(held) and not any(_live_shape(v) for v in held):
                stack = _dev_stack(project.root, rel)
                if stack:
                    # the environment docker compose reads for the repository's development stack, whose every
                    # credential is a default or a development service's: a deployment writes its own
                    out.append(Finding(
                        rule_id=self.RULE_ID, path=rel, line=1, column=1, end_line=1, end_column=1, level="note",
                        message=f"{name} is committed: it configures a development stack ({stack}) and its "
                                f"credentials are {where.strip(' ()')}; check no deployment runs with it",
                        engine=self.ENGINE, snippet=f"committed file {name}", properties={"sub": "dev-stack-env"}))
                    continue
            if variant in _LOCAL_ENV_VARIANTS:
                # an environment for the test suite or a developer's machine: committed on purpose, its
                # values meant for local containers; only a value that is someone's real secret matters
                level = "note" if local and len(local) == len(held) else "warning"
                out.append(Finding(
                    rule_id=self.RULE_ID, path=rel, line=1, column=1, end_line=1, end_column=1, level=level,
                    message=f"{name} is committed: an environment file for tests or local development whose "
                            f"credentials should be placeholders or local containers' values{where}; check none "
                            "is a real secret",
                    engine=self.ENGINE, snippet=f"committed file {name}",
                    properties={"sub": "local-env-file" if level == "warning" else "local-container-env"}))
                continue
            if name.startswith(".env") and any(part.lower() in _DOC_DIRS for part in rel.split("/")[:-1]):
                # an environment shown in the documentation: a template for readers to copy, whose values
                # did not read as placeholders; only a value someone really deploys with matters
                out.append(Finding(
                    rule_id=self.RULE_ID, path=rel, line=1, column=1, end_line=1, end_column=1, level="note",
                    message=f"{name} is committed under a documentation folder: an example environment whose "
                            "credential values do not read as placeholders; check none is a real secret and "
                            "make them obvious placeholders",
                    engine=self.ENGINE, snippet=f"committed file {name}", properties={"sub": "doc-env-file"}))
                continue
            if _LOCAL_KEY_FILE.search(name):
                # `localhost.key`, `snakeoil.pem`: the key of a certificate for this machine, which no browser
                # trusts for a real host; it protects nothing beyond local development
                out.append(Finding(
                    rule_id=self.RULE_ID, path=rel, line=1, column=1, end_line=1, end_column=1, level="note",
                    message=f"{name} is committed: its name says it is the key of a certificate for localhost "
                            "(local development); check no deployment serves a real host with it",
                    engine=self.ENGINE, snippet=f"committed file {name}", properties={"sub": "local-key-file"}))
                continue
            live = not name.startswith(".env") or any(_live_shape(v) for v in held)
            # a key file's private key is live as it stands; a .env's generated-looking values may be a demo's
            # or a template's, which only a deployment using them would make live (not traced)
            out.append(Finding(
                rule_id=self.RULE_ID, path=rel, line=1, column=1, end_line=1, end_column=1,
                level=self.rule.level if live else "warning",
                message=f"{name} is committed to the repository: files of this kind hold credentials; remove "
                        "it from git (and its history), rotate what it held, and commit a .example template" +
                        ("" if live else " (no live token format: whether a deployment uses these values was "
                                         "not traced)"),
                engine=self.ENGINE, snippet=f"committed file {name}", properties={"sub": "committed-file"}))
        return out


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)\s*[=:]\s*(?P<value>.*?)\s*$")
_MAX_SECRET_FILE = 256 * 1024


_DOC_DIRS = frozenset({"docs", "doc", "documentation", "examples", "example", "samples", "sample"})
_LOCAL_ENV_VARIANTS = frozenset({"test", "testing", "tests", "ci", "e2e", "dev", "development", "local"})


# passwords that official service images ship with (the postgres image's superuser, RabbitMQ's guest, MinIO's
# root): a committed .env holding them names the image's default, not a secret someone chose
_IMAGE_DEFAULTS = frozenset({"postgres", "guest", "minioadmin"})
_PASSWORD_SUFFIX = re.compile(r"(?i)_?(?:password|passwd|pass|pwd)$")
# `ROBOTOFF_INSTANCE=dev`, `APP_ENV=development`: the environment a .env says it configures
_ENV_KIND_KEY = re.compile(r"(?i)(?:^|_)(?:instance|env|environment|stage)$")
_DEV_KINDS = frozenset({"dev", "develop", "development", "local"})


def _env_pairs(root, rel: str) -> dict[str, str]:
    """The keys and values a .env sets (comments left out, quotes stripped)."""
    pairs: dict[str, str] = {}
    for line in (read_small_text(Path(root) / rel, _MAX_SECRET_FILE) or "").splitlines():
        m = _ENV_LINE.match(line)
        if m and not line.lstrip().startswith("#"):
            pairs[m.group("key")] = m.group("value").strip().strip("'\"")
    return pairs


def _local_values(root, rel: str, held: list[str], compose: dict[str, str]) -> tuple[list[str], str]:
    """The held credentials that are a development service's (a value the development compose files or setup
    scripts give a local service) or an image's default password (the same as the user name of its service in
    the file, `POSTGRES_USER=postgres` / `POSTGRES_PASSWORD=postgres`, or a default such as `guest`); and how
    the message names them."""
    pairs = _env_pairs(root, rel)
    defaults = {v for k, v in pairs.items() if _PASSWORD_SUFFIX.search(k) and (
        v in _IMAGE_DEFAULTS or v in {pairs.get(_PASSWORD_SUFFIX.sub("", k) + s) for s in ("_USER", "_USERNAME")})}
    local = [v for v in held if v in compose or v in defaults]
    named = sorted({compose[v] for v in local if v in compose})
    where = " (" + " and ".join(
        ([f"the local services' passwords of {', '.join(named)}"] if named else []) +
        (["the services' default passwords"] if any(v in defaults and v not in compose for v in local) else [])) + ")"
    return local, where if local else ""


def _dev_stack(root, rel: str) -> str:
    """What says a .env configures a development stack: `COMPOSE_FILE` naming a development compose file, or an
    environment key set to dev (`APP_INSTANCE=dev`); else ""."""
    for key, value in sorted(_env_pairs(root, rel).items()):
        if key in ("COMPOSE_FILE", "COMPOSE_PROFILES") and any(
                is_dev_compose_path(part) for part in re.split(r"[;:,]", value) if part):
            return f"{key}={value}"
        if _ENV_KIND_KEY.search(key) and value.lower() in _DEV_KINDS:
            return f"{key}={value}"
    return ""


def _held_values(root, rel: str, name: str) -> list[str]:
    """The secrets a committed secret-kind file holds (`_holds_secret`), as the values found; a file whose
    values are not read one by one (a key file, an unreadable one) gives a single stand-in."""
    if not _holds_secret(root, rel, name):
        return []
    text = read_small_text(Path(root) / rel, _MAX_SECRET_FILE) if name.startswith(".env") else None
    if text is None:
        return ["\0"]
    values = [value for line in text.splitlines() if (value := _env_secret(line))]
    return values or ["\0"]


def _holds_secret(root, rel: str, name: str) -> bool:
    """Whether a committed secret-kind file holds one: a .env with a credential-named key set to a real
    value, a connection URL with a password or a known token shape; a key file with a private key. A
    file that cannot be read safely (not regular, too big, outside the root) counts as holding one."""
    text = read_small_text(Path(root) / rel, _MAX_SECRET_FILE)
    if text is None:
        return True
    data = text.encode("utf-8", "surrogateescape")
    if not name.startswith(".env"):
        # certificates and public keys share the suffixes; only private key material is a secret
        return "PRIVATE KEY" in text or (name.endswith((".p12", ".pfx")) and bool(data)) or \
            not name.endswith((".pem", ".key", ".crt"))
    return any(_env_secret(line) for line in text.splitlines())


def _env_secret(line: str) -> str:
    """The value of a .env line when it is a secret (else "")."""
    m = _ENV_LINE.match(line)
    if not m or line.lstrip().startswith("#"):
        return ""
    value = m.group("value").strip().strip("'\"")
    if not value:
        return ""
    if any(p.search(value) for _label, p in TOKEN_SHAPES) or url_password(value):
        return value
    if is_credential_name(m.group("key")) and not is_placeholder(value) and not is_placeholder_template(value) \
            and (is_password_kind(m.group("key")) or looks_random(value)):
        return value
    return ""


class LocalServiceFallback(ProjectCheck):
    """Fallback defaults of secrets (`POSTGRES_PWD: str = "app"` in a `BaseSettings` class, an env lookup's
    default), reported per file as warnings; one equal to a password the repository's docker-compose files
    give a local service is that container's development value: a note naming the compose file."""

    RULE_ID = "BA-SEC-001"

    def run(self, project) -> list[Finding]:
        pending = [c for path in sorted(project.facts) for c in project.facts[path].get("secret_fallbacks", ())]
        if not pending:
            return []
        local = {value_digest(v): rel for v, rel in
                 compose_credentials(project.root, _candidate_files(project)).items()}
        out = []
        for cand in pending:
            data = dict(cand["finding"])
            compose = local.get(cand["digest"])
            if compose:
                data["level"] = "note"
                data["message"] = (f"{data['message'].split(':')[0]}: the same value is the password {compose} "
                                   "gives a local service, a development default; production must set its own, "
                                   "so fail at start-up when it is missing")
                data["properties"] = {**(data.get("properties") or {}), "sub": "compose-default"}
            out.append(Finding.from_dict(data))
        return out


def _candidate_files(project) -> list[str]:
    """The repository's files as git lists them, once per project pass: both BA-SEC-001 checks ask, and each
    asking cost two git processes (the pass's journal saw them on the first ask, so the record is keyed the
    same)."""
    return project.memo("git_candidate_files", lambda: _listed_files(project.root))


def _listed_files(root) -> list[str]:
    try:
        # discovery's listing when it listed this root (the same command, run once per scan)
        proc = gitexec.listing(Path(root), timeout=60) \
            if gitexec.work_tree_root(Path(root)) == Path(root).resolve() else None
    except (OSError, gitexec.GitUnavailable, subprocess.TimeoutExpired):
        proc = None
    if proc is not None and proc.returncode == 0:
        return sorted(p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p)
    return repository_files(root)
