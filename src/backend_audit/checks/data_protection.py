"""Data protection: secrets in response schemas (BA-DATA-001), serializers and forms that expose every model
field (BA-DATA-002), passwords stored without hashing (BA-DATA-003)."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use
from typing import Any

import ast

from ..findings import Finding
from .base import AstCheck, FileContext, ProjectCheck, dotted, iter_nodes
from .credential_checks import call_uses, checked_only, returned_uses
from .recognise import is_credential_name, is_password_name, literal_value, names_in, snake
from .util import expr_name, in_admin_site, is_endpoint_function, literal_text

_DRF_MODEL_SERIALIZERS = ("ModelSerializer", "HyperlinkedModelSerializer")
_MODEL_FORMS = ("ModelForm",)
_PYDANTIC_BASES = frozenset({"BaseModel", "SQLModel", "Schema", "RootModel"})
_MARSHMALLOW_BASES = frozenset({"Schema", "SQLAlchemySchema", "SQLAlchemyAutoSchema", "ModelSchema"})
# Response-side class names, and request-side ones (those may carry a password: that is their job).
_PARSE_METHODS = frozenset({"model_validate_json", "model_validate", "model_validate_strings", "parse_raw",
                            "parse_obj", "parse_file", "validate_json", "validate_python"})
_RESPONSE_NAME = re.compile(r"(Out|Response|Read|Public|Detail|View|Result|Resp|Output|Info|Display|Summary)s?$")
_REQUEST_NAME = re.compile(r"(In|Input|Create|Update|Request|Login|Payload|Body|Form|Params|Query|Register|"
                           r"Registration|SignUp|Signup|Change|Reset|Patch|Write|Credentials|Args|Arguments)s?$")
# request parsers that take a marshmallow schema: webargs `use_args`/`use_kwargs`, flask-smorest
# `@blp.arguments(Schema, location=...)`: a schema only passed to them is loaded from requests, never dumped
_PARSES_REQUEST = frozenset({"use_args", "use_kwargs", "arguments"})
_INTERNAL = "backend-audit: internal"
# Modules of third-party packages that hold models (`flask_appbuilder.security.sqla.models`)
_MODEL_MODULE = re.compile(r"(?i)(^|\.)(models?|orm|db|database|schemas?|entities|tables|auth|users?|accounts?)(\.|$)")
# Alternative constructors that rebuild an object from what storage holds (`User.from_record(rec)`)
_FROM_STORAGE = re.compile(r"^_?(from|load_from|build_from)_(record|row|db|database|document|doc|storage|store|orm|"
                           r"entity|mongo|sql|result|cursor|query|data_?base)s?$")


def _request_named(name: str) -> bool:
    """`UserCreate`, `OpenIDProviderUpdateRequestSchema`: a class named for what a request carries in."""
    return bool(_REQUEST_NAME.search(_SCHEMA_SUFFIX.sub("", name)))


_SCHEMA_SUFFIX = re.compile(r"(Schema|Serializer)$")


def _tail(node: ast.AST) -> str:
    """`blp.arguments` -> "arguments", `schemas.UserArgs` -> "UserArgs", a call's callee for `S()`."""
    if isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _base_tails(node: ast.ClassDef) -> set[str]:
    return {(dotted(b) or "").rpartition(".")[2] for b in node.bases}


def _meta(node: ast.ClassDef) -> ast.ClassDef | None:
    return next((s for s in node.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)


def _class_attr(cls: ast.ClassDef, name: str) -> ast.Assign | None:
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            return stmt
    return None


_ISSUES_TOKENS = frozenset({"login", "auth", "token", "tokens", "session", "signin", "oauth", "refresh", "jwt",
                            "credentials", "authentication", "authorization"})


# Names about a secret that cannot hold one: a flag (`is_password_auth_enabled`), a link (`FORGOT_PASSWORD_URL`),
# the kinds of credential a protocol accepts (`secret_types`)
_ABOUT_SECRET = re.compile(r"^(is|has|can|should|allow|enable|use)_|_(enabled|disabled|required|allowed|url|urls|uri|"
                           r"link|types|kinds|type|kind|count|length|policy|strategy|mode)$")
# Field constructors whose value is a flag or a link, never a secret
_NOT_SECRET_FIELDS = frozenset({"BooleanField", "NullBooleanField", "Boolean", "Bool", "URLField", "Url", "URL"})


_PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pwd"})
_HANDED_OUT = (" (a note: handing out a token or key may be what this response is for, e.g. the owner's own "
               "tokens or a secret exchange, which the schema cannot show)")


def _password_field(name: str) -> bool:
    """A password, or a hash of one (`password_hash`, `hashed_password`), unlike a token or key a client may need."""
    return is_password_name(name) or bool(_PASSWORD_WORDS & set(snake(name).split("_")))


def _exposes(name: str, owner: str) -> bool:
    """A field that holds a secret, unless the class exists to hand that very secret out (`TokenOut.access_token`,
    `ApiKeyCreated.api_key`: shown once, on purpose)."""
    if not is_credential_name(name) and "password" not in snake(name):
        return False
    if _ABOUT_SECRET.search(snake(name)):
        return False
    words = {w for w in snake(name).split("_") if w}
    owner_words = {w for w in snake(owner).split("_") if w}
    if "token" in words and owner_words & _ISSUES_TOKENS:
        return False  # `LoginResponse.access_token`: a login answer exists to hand the token out
    return not (words - {"hashed", "hash", "encrypted", "access", "refresh", "otp", "plain"}) & owner_words


class SecretFieldInResponse(AstCheck):
    RULE_ID = "BA-DATA-001"
    PREFILTER = ("Model", "Serializer", "Schema", "write_only")

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.response_models: set[str] = set()
        self.pydantic: list[tuple[ast.ClassDef, list[tuple[ast.AST, str]]]] = []
        self.parsed: set[str] = set()  # models this module parses from stored or upstream data
        self.marshmallow: list[tuple[ast.ClassDef, ast.stmt, str]] = []  # (schema, field statement, field)
        self.request_schemas: set[str] = set()  # schemas handed to a request parser (`@blp.arguments(S)`)
        self.other_uses: set[str] = set()

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg == "response_model":
            self.response_models.update(n for n in names_in(node.value) if n[:1].isupper())

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # what a handler returns is its response; a helper's `def zulip(self) -> ZulipConf` is not
        in_class = bool(self.ctx.parents) and isinstance(self.ctx.parents[-1], ast.ClassDef)
        if node.returns is not None and is_endpoint_function(node, in_class):
            self.response_models.update(n for n in names_in(node.returns) if n[:1].isupper())

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _PARSE_METHODS:
            self.parsed.add(expr_name(func.value) or "")
        elif _tail(func) in _PARSES_REQUEST and node.args:
            self.request_schemas.add(_tail(node.args[0]))
        else:
            # any other mention of a schema (`UserSchema().dump(u)`, `many=True` lists) may dump it
            self.other_uses.update(_tail(a) for a in node.args)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        tails = _base_tails(node)
        if any(t.endswith("Field") for t in tails) and _defaults_write_only(node):
            outer = [p.name for p in self.ctx.parents if isinstance(p, ast.ClassDef)]
            self.ctx.facts.setdefault("write_only_fields", []).append(".".join([*outer, node.name]))
        if tails & set(_DRF_MODEL_SERIALIZERS) or "Serializer" in tails:
            self._drf(node)
        elif (tails & _PYDANTIC_BASES or any(t.endswith(("Model", "Schema")) and t != "Model" for t in tails)) and \
                not (tails & _MARSHMALLOW_BASES and "marshmallow" in self._origin(node)):
            if not _request_named(node.name):
                self.pydantic.append((node, self._pydantic_fields(node)))
        elif tails & _MARSHMALLOW_BASES:
            self._marshmallow(node)

    def _origin(self, node: ast.ClassDef) -> str:
        return " ".join(self.ctx.qualname(b) or "" for b in node.bases)

    def leave_Module(self, node: ast.Module) -> None:
        for cls, stmt, name in self.marshmallow:
            if cls.name not in self.request_schemas or cls.name in self.other_uses:
                self._secret(stmt, name, f"{cls.name}.{name} is dumped with the schema: pass load_only=True")
        parsed = self._parsed_closure()
        for cls, fields in self.pydantic:
            if cls.name in parsed and cls.name not in self.response_models:
                continue  # a model of stored config or an upstream reply, parsed here, not sent to clients
            if cls.name in self.response_models or _RESPONSE_NAME.search(cls.name):
                for at, name in fields:
                    if _exposes(name, cls.name):
                        self._secret(at, name, f"{cls.name}.{name} is a response schema field: every client that "
                                               f"gets this object reads the {name}; drop it, or mark it "
                                               "Field(exclude=True)")

    def _secret(self, node: ast.AST, name: str, message: str) -> None:
        # A password or its hash has no reader but its owner's login check; a token or key going out is often the
        # API's purpose (a secret exchange, the owner's own tokens), which the schema alone cannot tell: reviewed
        # blind, non-password secrets at warning were 0 TP of 8 (issue 17, wlevels)
        if _password_field(name):
            self.report(node, message)
        else:
            self.report(node, message + _HANDED_OUT, level="note")

    def _parsed_closure(self) -> set[str]:
        """Models parsed with `X.model_validate_json(...)` and the models their fields nest."""
        nested = {cls.name: {n.rpartition(".")[2] for stmt in cls.body if isinstance(stmt, ast.AnnAssign)
                             for n in names_in(stmt.annotation)} for cls, _ in self.pydantic}
        out, todo = set(), [n for n in self.parsed if n]
        while todo:
            name = todo.pop()
            if name not in out:
                out.add(name)
                todo.extend(nested.get(name, ()))
        return out

    def _pydantic_fields(self, cls: ast.ClassDef) -> list[tuple[ast.AST, str]]:
        out = []
        for stmt in cls.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            ann = {n for n in names_in(stmt.annotation)}
            if ann & {"SecretStr", "SecretBytes"}:
                continue
            value = stmt.value
            if isinstance(value, ast.Call) and any(k.arg == "exclude" and literal_value(k.value) is True
                                                   for k in value.keywords):
                continue
            if _masked(value):
                continue  # `client_secret: str = "**********"`: the response carries the mask, not the secret
            out.append((stmt, stmt.target.id))
        return out

    def _drf(self, cls: ast.ClassDef) -> None:
        write_only: set[str] = set()
        declared: dict[str, ast.AST] = {}
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        if any(k.arg == "write_only" and literal_value(k.value) is True for k in stmt.value.keywords) \
                                or _tail(stmt.value) in _NOT_SECRET_FIELDS:
                            write_only.add(t.id)
                        else:
                            declared[t.id] = stmt
        meta = _meta(cls)
        if meta is not None:
            extra = _class_attr(meta, "extra_kwargs")
            value = literal_value(extra.value) if extra is not None else {}
            if isinstance(value, dict):
                write_only.update(k for k, v in value.items() if isinstance(v, dict) and v.get("write_only") is True)
            fields = _class_attr(meta, "fields")
            if fields is not None and isinstance(fields.value, (ast.List, ast.Tuple)):
                for elt in fields.value.elts:
                    name = literal_value(elt)
                    if isinstance(name, str) and name not in write_only and name not in declared and \
                            _exposes(name, cls.name):
                        self._secret(elt, name, f"{cls.name} serializes {name!r} in Meta.fields without write_only: "
                                                f"every response built with it returns the {name}; add extra_kwargs="
                                                f"{{{name!r}: {{'write_only': True}}}}")
        for name, stmt in declared.items():
            if name not in write_only and _exposes(name, cls.name):
                self._secret(stmt, name, f"{cls.name}.{name} is a readable serializer field: responses include the "
                                         f"{name}; pass write_only=True")
                field = dotted(stmt.value.func) or ""
                if field and field.split(".")[0] not in ("serializers", "rest_framework", "fields"):
                    # a project field class (`EncryptedField(...)`) may default to write_only in its __init__:
                    # the project pass resolves it and keeps the finding otherwise
                    finding = self.ctx.findings.pop()
                    self.ctx.facts.setdefault("secret_field_candidates", []).append(
                        {"finding": finding.to_dict(), "field": field})

    def _dumped_subclass(self, name: str) -> str:
        """A class of this module built on `name` and not named for a request (`class ItemResponseSchema(
        CreateRequestSchema): pass`): the request schema's fields go out through it."""
        return next((c.name for c in ast.walk(self.ctx.tree) if isinstance(c, ast.ClassDef) and
                     name in _base_tails(c) and not _request_named(c.name)), "") if self.ctx.tree else ""

    def _marshmallow(self, cls: ast.ClassDef) -> None:
        if _request_named(cls.name) and not self._dumped_subclass(cls.name):
            return
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and \
                    "fields" in (dotted(stmt.value.func) or "").split("."):
                kws = {k.arg: literal_value(k.value) for k in stmt.value.keywords}
                if _tail(stmt.value) in _NOT_SECRET_FIELDS:
                    continue
                for t in stmt.targets:
                    if isinstance(t, ast.Name) and kws.get("load_only") is not True and _exposes(t.id, cls.name):
                        self.marshmallow.append((cls, stmt, t.id))  # judged once the module's uses are seen


def _masked(value: ast.AST | None) -> bool:
    """A default made only of mask characters (`"**********"`, `"••••"`)."""
    text = literal_value(value) if value is not None else None
    return isinstance(text, str) and len(text) >= 3 and set(text) <= {"*", "•", "x", "X"} and "*" in text + "•" \
        and not text.isalpha()


def _defaults_write_only(node: ast.ClassDef) -> bool:
    """A serializer field class whose `__init__` makes it write-only unless told otherwise
    (`kwargs.setdefault("write_only", True)`, `kwargs["write_only"] = True`, `write_only=True` as the
    parameter's default, or `if write_only is None: write_only = True`)."""
    init = next((st for st in node.body if isinstance(st, ast.FunctionDef) and st.name == "__init__"), None)
    if init is None:
        return False
    args = init.args
    positional = args.args[len(args.args) - len(args.defaults):]
    pairs = list(zip(positional, args.defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    if any(a.arg == "write_only" and d is not None and literal_value(d) is True for a, d in pairs):
        return True
    for n in ast.walk(init):
        if isinstance(n, ast.Assign) and literal_value(n.value) is True and any(
                isinstance(t, ast.Name) and t.id == "write_only" or
                isinstance(t, ast.Subscript) and literal_value(t.slice) == "write_only" for t in n.targets):
            return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "setdefault" and \
                len(n.args) == 2 and literal_value(n.args[0]) == "write_only" and literal_value(n.args[1]) is True:
            return True
    return False


class WriteOnlySecretFields(ProjectCheck):
    """The readable-secret findings SecretFieldInResponse left to the project pass: a field built by a project
    class. Dropped when that class (or a base of it) defaults to write-only in its `__init__`; kept otherwise."""

    RULE_ID = "BA-DATA-001"

    def run(self, project: Any) -> list[Finding]:
        candidates = [(path, c) for path in sorted(project.facts)
                      for c in project.facts[path].get("secret_field_candidates", ())]
        if not candidates:
            return []
        sm = project.semantic
        write_only = {f"{sm.module_of(path)}.{q}" for path in sorted(project.facts)
                      for q in project.facts[path].get("write_only_fields", ())}
        out = []
        for path, cand in candidates:
            module = sm.module_of(path)
            sym = sm.resolve(module, cand["field"]) if module else None
            if sym is not None and sym.kind == "class" and any(q in write_only for q in sm.mro(sym.qualname)):
                continue
            out.append(Finding.from_dict(cand["finding"]))
        return out


_MODEL_ADMIN = re.compile(r"(ModelAdmin|InlineModelAdmin|StackedInline|TabularInline)$")


def _admin_forms(tree: ast.Module) -> set[str]:
    """Forms a ModelAdmin of this module edits its rows with (`form = ArticleForm`)."""
    out = set()
    for cls in iter_nodes(tree.body):
        if isinstance(cls, ast.ClassDef) and any(_MODEL_ADMIN.search(t) for t in _base_tails(cls)):
            form = _class_attr(cls, "form")
            if form is not None and isinstance(form.value, ast.Name):
                out.add(form.value.id)
    return out


class ModelFormAllFields(AstCheck):
    RULE_ID = "BA-DATA-002"
    PREFILTER = ("__all__", "exclude")

    def visit_Module(self, node: ast.Module) -> None:
        self.admin_module = in_admin_site(self.ctx.path)
        self.admin_forms = _admin_forms(node)

    def _staff_only(self, node: ast.ClassDef, kind: str) -> bool:
        """A Django-admin form: staff edit every current column by design (the admin's own default form has
        them all), so only columns added later are at stake."""
        return kind == "ModelForm" and (self.admin_module or node.name in self.admin_forms)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        tails = _base_tails(node)
        kind = "ModelSerializer" if any(t.endswith(_DRF_MODEL_SERIALIZERS) for t in tails) else \
            "ModelForm" if any(t.endswith(_MODEL_FORMS) for t in tails) else None
        meta = _meta(node) if kind else None
        if meta is None or _INTERNAL in self.ctx.lines[node.lineno - 1]:
            return
        fields = _class_attr(meta, "fields")
        exclude = _class_attr(meta, "exclude")
        if self._staff_only(node, kind) and (fields is not None and literal_value(fields.value) == "__all__"
                                             or exclude is not None):
            self.report(fields if exclude is None else exclude,
                        f"{node.name} (ModelForm) of the staff-only admin site takes every model column: staff "
                        "edit the current ones by design; a column added later is editable too unless the fields "
                        "are listed", level="note")
        elif fields is not None and literal_value(fields.value) == "__all__" and kind == "ModelSerializer" and \
                not _account_model(meta):
            # Blind sets V-W: 0 TP of 18 serializer warnings (reference data, settings, a password already
            # write_only), against 7 of 7 for ModelForms, which render and accept every column as is
            self.report(fields, f"{node.name} ({kind}) uses fields = \"__all__\": every model column, including ones "
                                "added later, is exposed and writable through the views that use it; list the fields "
                                "(that a current column is sensitive was not traced: the model is not the account "
                                "model)", level="note", properties={"sub": "serializer"})
        elif fields is not None and literal_value(fields.value) == "__all__":
            self.report(fields, f"{node.name} ({kind}) uses fields = \"__all__\": every model column, including ones "
                                "added later (password hashes, internal flags), is exposed and writable; list the "
                                "fields")
        elif exclude is not None:
            # Blind sets R-U: 0 TP of 17 at warning (staff-only forms, read-only exports), against 1 of 1 for
            # "__all__". Naming what to leave out shows the columns were looked at; that a later column would be
            # sensitive is what the code cannot show.
            self.report(exclude, f"{node.name} ({kind}) uses Meta.exclude: columns added to the model later are "
                                 "exposed and writable by default; list the fields instead (that a later column "
                                 "would be sensitive is not established: the excluded ones were chosen)",
                        level="note")


def _account_model(meta: ast.ClassDef) -> bool:
    """Meta.model is the account model (`User`, `get_user_model()`, `settings.AUTH_USER_MODEL`): its columns
    include the password hash and the staff flags."""
    model = _class_attr(meta, "model")
    if model is None:
        return False
    written = dotted(model.value.func if isinstance(model.value, ast.Call) else model.value) or ""
    return bool(_ACCOUNT_MODEL.search(written.rpartition(".")[2]))


_ACCOUNT_MODEL = re.compile(r"(?i)user$|^account$|^get_user_model$|^AUTH_USER_MODEL$|^(custom)?user")


# --- BA-DATA-003 ---------------------------------------------------------------------------------------

# Fields of a process record: beside them a bare `pwd` is the working directory it ran in (the shell's `pwd`),
# not a password (`Process.objects.create(cmd=cmd, pwd=pwd, exit_code=0)`)
_PROCESS_FIELDS = frozenset({"cmd", "command", "args", "argv", "cwd", "stdout", "stderr", "exit_code", "returncode",
                             "return_code", "pid", "exit_status"})

# Calls that hash (or hand the password to something that does): any of these in the function clears it.
_HASHING = re.compile(r"(?i)(hash|crypt|make_password|set_password|create_user|create_superuser|pbkdf2|scrypt|"
                      r"argon|bcrypt|passlib|encode_password|digest|CryptContext|derive|kdf)")
# SQL that writes a password column: `INSERT INTO users (name, password) ...`, `UPDATE users SET password = ...`
_SQL_PASSWORD = re.compile(r"(?is)\b(insert\s+into\b.*\bpass(word|wd)?\b|update\b.*\bset\b.*\bpass(word|wd)?\b\s*=)")
_NOT_STORAGE = re.compile(r"(?i)(connect|client|session|smtp|engine|config|settings|options|credentials|auth|"
                          r"login|authenticate|ldap|redis|ftp|ssh|url|dsn|proxy|mail|transport|request|form|"
                          r"serializer|schema|validator|basic|token|context)")
_RECEIVER_NOT_MODEL = re.compile(r"(?i)^(self|cls)$|(settings|config|conf|options|opts|args|kwargs|ctx|context|"
                                 r"request|session|form|params|env|app|cfg|conn|connection|client|smtp|mail|ldap|"
                                 r"proxy|credential|auth)")
_REQUEST_ROOT = re.compile(r"(?i)^(request|req|data|payload|body|form|json|args|params|validated_data|cleaned_data|"
                           r"user_in|user_data|obj_in|item|values|kwargs)$")
_FROM_CONFIG = re.compile(r"(?i)(settings|config|conf|environ|getenv|env\b|secrets?\.)")


# A keyword or attribute that holds the object doing the work, not a password (`password_helper=hasher`), or
# names where the password is kept (`password_key`, `master_password_aws_secret_key`, `password_secret_name`: the
# entry of a vault or secret manager to look it up by; hashing it would break the lookup)
_HOLDER = re.compile(r"(?i)_(helper|hasher|manager|context|service|generator|backend|handler|strategy|checker|"
                     r"key|secret_name|ref|reference|arn|path)s?$")
# Calls in a class body that declare a stored column
_COLUMN_CALL = re.compile(r"(^|\.)(Column|mapped_column|relationship|column_property|[A-Z]\w*Field)$")
# Bases whose subclasses are rows an ORM writes, and bases whose subclasses only carry values
_ORM_BASES = frozenset({"Model", "Base", "DeclarativeBase", "DeclarativeBaseNoMeta", "AbstractUser",
                        "AbstractBaseUser", "Document", "DynamicDocument", "EmbeddedDocument"})
_USER_MODELS = frozenset({"AbstractUser", "AbstractBaseUser"})
_VALUE_BASES = frozenset({"BaseModel", "Schema", "Form", "ModelForm", "FlaskForm", "Serializer", "ModelSerializer",
                          "HyperlinkedModelSerializer", "TypedDict", "NamedTuple", "RootModel", "Struct",
                          "BaseSettings", "SQLModel", "Enum"})


class PasswordStoredPlain(AstCheck):
    """Per file: candidate plain-password stores, and the classes that hash a password on assignment
    (SQLAlchemy `@validates("password")`, a `password` property setter). The project pass decides: a model
    that hashes on assignment makes `User(password=raw)` safe, wherever it is defined."""

    RULE_ID = "BA-DATA-003"
    PREFILTER = ("password", "passwd", "pwd", "process_bind_param")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        # what the project pass needs to tell a stored row from a schema, and one that hashes from one that
        # does not: bases (`UserCreate[UF]` as `UserCreate`), columns, and hashing by behaviour
        methods = {s.name: s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        table = any(kw.arg == "table" and literal_value(kw.value) is True for kw in node.keywords)
        if (_base_name(node.bases[0]) if node.bases else "") == "TypeDecorator" and "process_bind_param" in methods \
                and _calls_hasher(methods["process_bind_param"]):
            # `class Vault(TypeDecorator)` encrypting or hashing on bind: a column of this type never stores
            # the value it is given
            self.ctx.facts.setdefault("password_column_types", []).append(node.name)
        info = {"bases": [b for b in (_base_name(b) for b in node.bases) if b], "table": table,
                "value": _is_value_class(node),
                "column_types": sorted({t for s in node.body if _is_column(s) and
                                        any(is_password_name(n) for n in _targets(s)) for t in _column_types(s)}),
                "orm": any(_is_column(s) for s in node.body),
                "password_column": any(_is_column(s) and any(is_password_name(t) for t in _targets(s))
                                       for s in node.body),
                "hashes": any(_hashes_on_assignment(m) for m in methods.values()) or _descriptor_hashes(node, methods),
                "init_hashes": "__init__" in methods and _calls_hasher(methods["__init__"]),
                "hashing_method": next((name for name, m in methods.items() if name != "__init__" and
                                        _hashes_in_place(m)), ""),
                # methods that hash a password into a row (their own, or the one they load): code calling
                # one on the object after setting its password hands the password to the hasher
                "hashing_methods": sorted(name for name, m in methods.items() if name != "__init__" and
                                          _hashes_in_place(m, own=False))}
        self.ctx.facts.setdefault("password_classes", {}).setdefault(node.name, []).append(info)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # per enclosing function: [name, parameters, hashes?, pending (node, class, message), uses], where
        # uses maps a local name to the methods called on it and the calls it is handed to
        self.frames: list[list] = []
        self.functions: dict[str, ast.AST] = {}  # module-level functions, for `listen(User, "before_insert", fn)`
        self.listens: list[tuple[ast.AST, str]] = []
        self.annotated: list[dict[str, list[str]]] = []
        self.assigned: list[dict[str, ast.AST | None]] = []
        self.bound: list[dict[int, str]] = []  # id of an assigned call -> the local it is bound to

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if not self.frames:
            self.functions[node.name] = node
        for dec in node.decorator_list:
            # `@event.listens_for(User, "before_insert")`: every User row goes through the function on insert
            if isinstance(dec, ast.Call) and (dotted(dec.func) or "").endswith("listens_for") and dec.args:
                self._listener(dec.args[0], node)
        args = (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
        self.frames.append([node.name, {a.arg for a in args}, False, [], {}])
        # parameter -> the classes its annotation names (`user_in: UserRegister | UserCreate`), and the
        # function's single-assignment locals: where a stored password came from
        self.annotated.append({a.arg: _annotation_classes(a.annotation) for a in args if a.annotation is not None})
        self.assigned.append({})
        self.bound.append({})

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.annotated.pop()
        self.assigned.pop()
        self.bound.pop()
        _, _, hashes, pending, uses = self.frames.pop()
        if not hashes:  # any hash call in the function clears what it stores
            for at, kind, cls, message, origin, holder, *imported in pending:
                used = uses.get(holder, {}) if holder else {}
                if kind == "ctor" and checked_only(used.get("methods", set()) | used.get("passed", set())):
                    continue  # a login's credentials built to be checked, never kept
                self._candidate(at, kind, cls, message, origin, sorted(used.get("methods", ())), *imported)

    def visit_Return(self, node: ast.Return) -> None:
        if self.frames:
            returned_uses(node, self.frames[-1][4])

    def visit_Assign(self, node: ast.Assign) -> None:
        if not self.frames:
            return
        name, params, _, pending, _ = self.frames[-1]
        for t in node.targets:
            if isinstance(t, ast.Name):
                local = self.assigned[-1]
                local[t.id] = node.value if t.id not in local else None  # bound twice: which one is unknown
                self.bound[-1][id(node.value)] = t.id
            if isinstance(t, ast.Attribute) and is_password_name(t.attr) and not _HOLDER.search(t.attr) and \
                    not _RECEIVER_NOT_MODEL.match(dotted(t.value) or "self") and self._raw_password(node.value, params):
                pending.append((node, "attr", None, f"{dotted(t) or t.attr} is set from a plain password and never hashed in "
                                            f"{name}(): a database leak hands out every password; hash it "
                                            "(set_password(), make_password(), a passlib/argon2 hasher)", [],
                                 dotted(t.value)))

    def _listener(self, target: ast.AST, fn: ast.AST) -> None:
        """A mapper event handler hashing the password on flush (directly, or by calling a method of the row
        such as `target.hash_password()`, matched against the model's in-place hashing method by the project
        pass): the model hashes whatever is assigned to it."""
        cls = _base_name(target)
        if not cls:
            return
        touches = any(isinstance(n, ast.Attribute) and is_password_name(n.attr) for n in ast.walk(fn))
        if _calls_hasher(fn) and touches:
            self.ctx.facts.setdefault("password_listener_classes", []).append(cls)
        calls = sorted({n.func.attr for n in ast.walk(fn) if isinstance(n, ast.Call) and
                        isinstance(n.func, ast.Attribute)})
        if calls:
            self.ctx.facts.setdefault("password_listener_calls", {}).setdefault(cls, []).extend(calls)

    def leave_Module(self, node: ast.Module) -> None:
        for target, name in self.listens:
            fn = self.functions.get(name)
            if fn is not None:
                self._listener(target, fn)

    def visit_Call(self, node: ast.Call) -> None:
        if not self.frames:
            # `listen(User, "before_insert", hash_password)` / `event.listen(...)` at module level
            if (dotted(node.func) or "").rpartition(".")[2] == "listen" and len(node.args) >= 3 and \
                    re.search(r"insert|update|init", str(literal_value(node.args[1]) or "")) and \
                    isinstance(node.args[2], ast.Name):
                self.listens.append((node.args[0], node.args[2].id))
            return
        frame = self.frames[-1]
        call_uses(node, frame[4])
        if _HASHING.search(dotted(node.func) or (node.func.attr if isinstance(node.func, ast.Attribute) else "")):
            frame[2] = True
            return
        self._constructor(node, frame)
        self._sql_write(node, frame)

    def _holder(self, call: ast.Call) -> str | None:
        """The local a constructed object is bound to (`user = User(...)`), to follow what is done with it."""
        return self.bound[-1].get(id(call))

    def _candidate(self, node: ast.AST, kind: str, cls: str | None, message: str, origin: list[str],
                   methods: list[str], imported: str | None = None) -> None:
        self.report(node, message)
        finding = self.ctx.findings.pop()
        cand = {"finding": finding.to_dict(), "class": cls, "kind": kind, "origin": origin}
        if methods:
            cand["methods"] = methods
        if imported:
            cand["imported"] = imported
        self.ctx.facts.setdefault("password_plain", []).append(cand)

    def _origin(self, value: ast.AST) -> list[str]:
        """The classes of the parameter a password value is read from (`bytes(user_in.password, "utf-8")`
        through a local, `user_in: UserRegister | UserCreate`): a request model whose validator hashes the
        field hands over a hash, not the password."""
        for _ in range(4):
            if isinstance(value, ast.Name) and value.id in self.assigned[-1]:
                value = self.assigned[-1][value.id]
            elif isinstance(value, ast.Call) and value.args and (dotted(value.func) or "") in ("bytes", "str"):
                value = value.args[0]
            elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                    value.func.attr in ("encode", "strip"):
                value = value.func.value
            else:
                break
        if not isinstance(value, ast.Attribute) or not is_password_name(value.attr):
            return []
        root = value.value
        return self.annotated[-1].get(root.id, []) if isinstance(root, ast.Name) else []

    def _sql_write(self, call: ast.Call, frame: list) -> None:
        """`cursor.execute("INSERT INTO users (..., password) ...", (name, password))`, also formatted in."""
        fn, params, _, pending, _ = frame
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("execute", "executemany") and call.args):
            return
        sql = " ".join(literal_text(n) for n in iter_nodes(call.args[0], skip=()) if isinstance(n, ast.Constant))
        if not _SQL_PASSWORD.search(sql[:2000]):  # capped: the pattern backtracks on hostile megabyte strings
            return
        values = [n for a in call.args for n in iter_nodes(a, skip=()) if isinstance(n, ast.Name)]
        raw = next((n for n in values if is_password_name(n.id) and self._raw_password(n, params)), None)
        if raw is not None:
            pending.append((call, "sql", None, f"SQL writes the plain password {raw.id!r} into a password column and "
                                           f"{fn}() never hashes it: hash it before the INSERT/UPDATE", [], None))

    def _raw_password(self, value: ast.AST, params: set[str]) -> bool:
        if _FROM_CONFIG.search(dotted(value) or "") or _FROM_CONFIG.search(_container(value)):
            # a service credential from configuration (`self.configuration["password"]`, a data source's
            # options handed to its client), not a user's password
            return False
        if isinstance(value, ast.Name):
            return value.id in params or is_password_name(value.id)
        name = expr_name(value)
        if not (name and is_password_name(name)):
            return False
        # `data["password"]`, `body.password`, `form.cleaned_data["password"]`: from the caller or the request;
        # `existing.password` copies a value already stored (and already in whatever form the store keeps)
        root = value
        while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
            root = root.func if isinstance(root, ast.Call) else root.value
        return isinstance(root, ast.Name) and (root.id in params or _REQUEST_ROOT.match(root.id) is not None)

    def _constructor(self, call: ast.Call, frame: list) -> None:
        fn, params, _, pending, _ = frame
        func = call.func
        name = dotted(func) or ""
        tail = name.rpartition(".")[2]
        model_ctor = tail[:1].isupper() and not _NOT_STORAGE.search(tail) and not _REQUEST_NAME.search(tail)
        orm_create = tail in ("create", "get_or_create", "update_or_create") and "objects" in name
        if not (model_ctor or orm_create) or (self.ctx.qualname(func) or "").split(".")[0] in (
                "builtins", "psycopg", "psycopg2", "pymysql", "smtplib", "requests", "httpx", "ldap3", "redis"):
            return
        owner = self.ctx.symbol_stack[-2] if len(self.ctx.symbol_stack) >= 2 else ""
        if model_ctor and tail == owner and _FROM_STORAGE.match(fn):
            return  # `User.from_record(rec)` rebuilding the row it was stored as: the stored hash, copied back
        process = any(kw.arg in _PROCESS_FIELDS for kw in call.keywords)
        for kw in call.keywords:
            if kw.arg and is_password_name(kw.arg) and not _HOLDER.search(kw.arg) and \
                    not (process and kw.arg.lower() == "pwd") and self._raw_password(kw.value, params):
                # `User.objects.create(...)`: the Django model is the name before `.objects`
                cls = tail if model_ctor else name.split(".objects")[0].rpartition(".")[2]
                # Django's own user model is a model wherever it is imported from
                known = not model_ctor or (self.ctx.qualname(func) or "").startswith("django.contrib.auth.")
                # the module it was imported from: the project pass tells a third-party class (an API
                # client given its login) from a model
                imported = self.ctx.qualname(func) if model_ctor and self.ctx.imported(name.split(".")[0]) else None
                pending.append((kw, "orm_create" if known else "ctor", cls,
                                f"{name}({kw.arg}=...) stores a plain password and {fn}() never hashes it: use the "
                                "model's set_password()/create_user() or hash it first", self._origin(kw.value),
                                self._holder(call), imported))


def _container(value: ast.AST) -> str:
    """`self.configuration["password"]`, `opts.get("password")` -> the dotted name of what is read from."""
    if isinstance(value, ast.Subscript):
        return dotted(value.value) or ""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get":
        return dotted(value.func.value) or ""
    return ""


def _annotation_classes(node: ast.AST) -> list[str]:
    """`UserRegister | UserCreate`, `Optional[UserCreate]`, `schemas.UserCreate` -> the class names."""
    out = []
    for n in ast.walk(node):
        name = dotted(n) if isinstance(n, (ast.Name, ast.Attribute)) else None
        if name and name.rpartition(".")[2][:1].isupper() and name.rpartition(".")[2] not in ("Optional", "Union"):
            out.append(name.rpartition(".")[2])
    return out


def _hashes_on_assignment(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for dec in fn.decorator_list:
        if isinstance(dec, ast.Call) and (dotted(dec.func) or "").rpartition(".")[2] in ("field_validator",
                                                                                          "validator") and \
                any(isinstance(literal_value(a), str) and is_password_name(literal_value(a)) for a in dec.args):
            # pydantic: the validator's return value is the field's value; it hashes when it returns a hash
            return any(isinstance(r, ast.Return) and r.value is not None and any(
                isinstance(c, ast.Call) and _HASHING.search(dotted(c.func) or "") for c in ast.walk(r.value))
                for r in ast.walk(fn))
        if isinstance(dec, ast.Call) and (dotted(dec.func) or "").endswith("validates") and \
                any(isinstance(literal_value(a), str) and is_password_name(literal_value(a)) for a in dec.args):
            return True  # SQLAlchemy: the validator's return value is what gets stored
        if isinstance(dec, ast.Attribute) and dec.attr == "setter" and is_password_name(dotted(dec.value) or ""):
            return True  # @password.setter
    return False


def _calls_hasher(fn: ast.AST) -> bool:
    return any(isinstance(c, ast.Call) and _HASHING.search(dotted(c.func) or getattr(c.func, "attr", "") or "")
               for c in ast.walk(fn))


def _hashes_in_place(fn: ast.AST, own: bool = True) -> bool:
    """`def hash_password(self): self.password = bcrypt.hashpw(self.password, ...)`: a method storing a hash
    into its own password attribute (with `own=False`, into any row's: `user.password = self.hash(...)` in
    an `update_local_user()` that loads the row), called by some other code before (or after) it is saved."""
    return any(isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Attribute) and (not own or isinstance(t.value, ast.Name) and t.value.id == "self") and
        is_password_name(t.attr) for t in n.targets) and _calls_hasher(n.value) for n in ast.walk(fn))


def _is_value_class(node: ast.ClassDef) -> bool:
    """`@dataclass`/`@attr.s`/`@define` with no mapped columns: an object carrying values between functions
    (a provisioning result holding a generated database password), not a row."""
    names = {(dotted(d.func if isinstance(d, ast.Call) else d) or "").rpartition(".")[2] for d in node.decorator_list}
    return bool(names & {"dataclass", "s", "attrs", "define", "frozen", "mutable"}) and "mapped" not in names and \
        not any(_is_column(s) for s in node.body) and \
        not any(b in ("MappedAsDataclass", "DeclarativeBase", "Model", "Base") for b in map(_base_name, node.bases))


def _column_types(stmt: ast.stmt) -> list[str]:
    """`password = Column(Vault)`, `mapped_column(Vault())`, `Column("pw", Vault, ...)` -> ["Vault"]."""
    value = getattr(stmt, "value", None)
    if not isinstance(value, ast.Call):
        return []
    return [_base_name(a.func if isinstance(a, ast.Call) else a) for a in value.args
            if isinstance(a, (ast.Name, ast.Attribute, ast.Call))]


def _base_name(node: ast.AST) -> str:
    """`db.Model` -> "Model", `UserCreate[UF]` -> "UserCreate": the class a base names."""
    if isinstance(node, ast.Subscript):
        node = node.value
    return (dotted(node) or "").rpartition(".")[2]


def _targets(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


def _is_column(stmt: ast.stmt) -> bool:
    """`name = db.Column(...)`, `mapped_column(...)`, `models.CharField(...)`, `__tablename__ = "users"`,
    `password: Mapped[str]`: a class body that declares stored columns is a model, not a schema."""
    if "__tablename__" in _targets(stmt):
        return True
    if isinstance(stmt, ast.AnnAssign) and "Mapped" in (dotted(getattr(stmt.annotation, "value", None)) or ""):
        return True
    value = getattr(stmt, "value", None)
    return isinstance(value, ast.Call) and _COLUMN_CALL.search(dotted(value.func) or "") is not None


def _descriptor_hashes(cls: ast.ClassDef, methods: dict[str, ast.AST]) -> bool:
    """`password = synonym("_password", descriptor=property(_get, _set))` or `password = property(_get, _set)`
    whose setter calls a hasher: assigning the attribute (and the constructor's keyword) stores a hash."""
    for stmt in cls.body:
        if not (isinstance(stmt, ast.Assign) and any(is_password_name(t) for t in _targets(stmt))):
            continue
        todo = [stmt.value]
        while todo:
            call = todo.pop()
            if not isinstance(call, ast.Call):
                continue
            tail = (dotted(call.func) or "").rpartition(".")[2]
            todo.extend(kw.value for kw in call.keywords if kw.arg == "descriptor")
            if tail in ("property", "hybrid_property"):
                setter = call.args[1] if len(call.args) > 1 else \
                    next((kw.value for kw in call.keywords if kw.arg == "fset"), None)
                fn = methods.get(setter.id) if isinstance(setter, ast.Name) else None
                if fn is not None and _calls_hasher(fn):
                    return True
    return False


class PasswordStoredPlainProject(ProjectCheck):
    """Reports the candidates nothing in the project accounts for, at the level the evidence supports: an
    error where the password visibly reaches storage (SQL writing a password column, a Django manager's
    `create()`, the constructor of a class the project declares as a model, an attribute of a model whose
    password column nothing hashes); a warning saying what was not traced where the class cannot be
    resolved. Classes are joined by name over every file: the semantic model's imports are not needed to
    tell `User(password=...)` from `UserCreate(password=...)` when only one of them exists."""

    RULE_ID = "BA-DATA-003"

    def run(self, project: Any) -> list[Finding]:
        classes: dict[str, list[dict]] = {}
        transforming: set[str] = set()  # column types encrypting or hashing on bind
        listener_calls: dict[str, set[str]] = {}  # model -> methods its insert/update listeners call
        for f in project.facts.values():
            # every file's class facts give the bases of classes in files that never mention a password
            # (`class TimestampedModel(Base)`); this check's own facts add columns and hashing
            for qual, entry in (f.get("classes") or {}).items():
                classes.setdefault(qual.rpartition(".")[2], []).append(
                    {"bases": [b.rpartition(".")[2] for b in entry.get("bases", ())], "table": bool(entry.get("table")),
                     "orm": False, "password_column": False, "hashes": False, "init_hashes": False,
                     "hashing_method": ""})
            transforming.update(f.get("password_column_types") or ())
            for name, calls in (f.get("password_listener_calls") or {}).items():
                listener_calls.setdefault(name, set()).update(calls)
            for name in f.get("password_listener_classes") or ():
                classes.setdefault(name, []).append({"bases": [], "table": False, "orm": False, "hashing_method": "",
                                                     "password_column": False, "hashes": True, "init_hashes": False})
            for name, infos in (f.get("password_classes") or {}).items():
                classes.setdefault(name, []).extend(dict(i) for i in infos)  # copies: marked below, facts stay
        for name, infos in classes.items():
            for info in infos:
                # a password column of an encrypting type, or an in-place hashing method a flush listener runs
                if set(info.get("column_types", ())) & transforming or \
                        info.get("hashing_method") and info["hashing_method"] in listener_calls.get(name, ()):
                    info["hashes"] = True
        every = [i for infos in classes.values() for i in infos]
        # for attribute stores, whose receiver's class is unknown: does any class hash on assignment, does
        # any model declare a password column (Django's user models declare theirs)
        project_wide = {"hashes": any(i["hashes"] for i in every),
                        "password_column": any(i["password_column"] for i in every) or any(
                            any(b in _USER_MODELS for b in i["bases"]) for i in every),
                "hashing_method": next((i["hashing_method"] for i in every if i.get("hashing_method")), ""),
                "hashing_methods": {m for i in every for m in i.get("hashing_methods", ())}}
        out = []
        for path in sorted(project.facts):
            for cand in project.facts[path].get("password_plain", ()):
                finding = _judge(cand, classes, project_wide, project)
                if finding is not None:
                    out.append(finding)
        return out


def _ancestry(cls: str, classes: dict[str, list[dict]]) -> tuple[set[str], list[dict]]:
    """Every base name reachable from `cls` (itself included) and the class facts found on the way."""
    seen, infos, todo = set(), [], [cls]
    while todo and len(seen) < 50:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for info in classes.get(name, ()):
            infos.append(info)
            todo.extend(info["bases"])
    return seen, infos


def _judge(cand: dict, classes: dict[str, list[dict]], project_wide: dict[str, Any], project: Any) -> Finding | None:
    kind, cls = cand.get("kind", "ctor"), cand.get("class")
    if kind == "sql":
        return Finding.from_dict(cand["finding"])
    origin = cand.get("origin") or []
    if origin and all(any(i["hashes"] for i in _ancestry(c, classes)[1]) for c in origin):
        return None  # read from request models whose validator already hashed it
    called = set(cand.get("methods", ()))
    if kind == "attr":
        # the receiver's class is not known per file: any class that hashes on assignment is taken as it
        if project_wide["hashes"] or called & project_wide["hashing_methods"]:
            return None
        if project_wide["hashing_method"]:
            return _untraced(cand, f"a model hashes its password in place ({project_wide['hashing_method']}()); "
                                   "whether that runs before this value is saved was not traced")
        if project_wide["password_column"]:
            return Finding.from_dict(cand["finding"])  # a model stores a password column nothing hashes
        return _untraced(cand, "the object's class was not traced and no model in the project declares a "
                               "password column")
    if _third_party(cand, project):
        return None
    names, infos = _ancestry(cls or "", classes)
    if any(i["hashes"] or i["init_hashes"] or called & set(i.get("hashing_methods", ())) for i in infos):
        return None  # a setter, validator, descriptor or constructor that hashes, or a hashing method called
    method = next((i["hashing_method"] for i in infos if i.get("hashing_method")), "")
    if method:
        return _untraced(cand, f"{cls}.{method}() hashes the password in place; whether it runs before the row "
                               "is saved was not traced")
    value = (bool(names & _VALUE_BASES) or any(i.get("value") for i in infos)) and not any(i["table"] for i in infos)
    if value:
        return None  # a schema or form carries the password to the code that hashes it
    model = kind == "orm_create" or any(i["table"] for i in infos) or bool(names & _ORM_BASES) or \
        any(i["orm"] for i in infos)
    if model:
        return Finding.from_dict(cand["finding"])
    return _untraced(cand, f"{cls} is not a model class found in the project (it may be a schema, or hash on "
                           "assignment)")


def _third_party(cand: dict, project: Any) -> bool:
    """`bugzilla.Bugzilla(user=..., password=...)`: a class imported from a package outside the project
    (whatever project class shares its name) and from no model module, given the credentials it logs in to a
    remote service with: nothing of the project stores them."""
    module = (cand.get("imported") or "").rpartition(".")[0]
    if not module or _MODEL_MODULE.search(module):
        return False
    return not any(not project.facts[p].get("is_test") for p in project.resolve_import(cand["finding"]["path"], module))


def _untraced(cand: dict, why: str) -> Finding:
    data = dict(cand["finding"])
    data["level"] = "warning"
    data["message"] = f"{data['message']}; storage not traced: {why}"
    return Finding.from_dict(data)
