"""Per-function facts for the endpoint inventory, gathered in the shared ast walk.

For every function: parameters (annotation, Depends targets), decorators (reference, literal arguments,
dependencies), and what its body does with the request: raw request data used without a validator
(BA-INP-001), ORM objects or unbounded queries returned (BA-API-004, BA-API-001), pagination and
in-body permission checks. The project pass decides which functions are endpoints; these are only facts.
"""

from __future__ import annotations

import ast
from ...checks.lazy_re import re  # compiled on first use
from dataclasses import field
from typing import Any

from ...checks.authz_terms import authz_term, names_a_subject, only_authentication, role_of_data
from ...checks.base import FileContext, dotted, dotted_parts, iter_nodes
from ...checks.credential_checks import call_uses, checked_only, returned_uses
from ...records import dataclass
from .assets import FILE_RESPONSES, served_asset
from .capability import may_look_up_secrets, secret_lookups
from .factories import annotated_calls, default_call, factory_facts
from .flags import flag_params
from .identity_scope import identity_scope
from .input_sinks import PREFILL, bound_lookup, damage, owner_scoped, rebinds_from, stored_field, stored_on, untyped
from .login_guard import anonymous_test, refuses_anonymous
from .hook_paths import literal_names, open_paths
from .public_flows import documented_public, public_switch
from .refusals import refusal_facts
from .typed_secrets import body_schema, oauth_exchange, typed_secret
from .sanitiser import sanitises_first_param, type_checked_params
from .common import RATE_LIMIT_DECORATOR, annotation_text, dep_refs, keyword, last_name, literal, pos, positional

# Request data sources (catalog §1.4 "Request data source"), by the kind of request object.
_FLASK_ATTRS = frozenset({"json", "form", "args", "values", "data"})
_FLASK_METHODS = frozenset({"get_json", "get_data"})
_DJANGO_ATTRS = frozenset({"GET", "POST", "body", "data", "query_params"})
_FASTAPI_ATTRS = frozenset({"query_params"})
_FASTAPI_METHODS = frozenset({"json", "body", "form"})
_MAPPING_METHODS = frozenset({"get", "getlist", "to_dict", "dict", "items", "keys", "values", "copy", "lists"})
# QueryDict methods that write into the request's own mapping (`request.GET.setlist("c", ids)`): no read
_MAPPING_WRITES = frozenset({"setlist", "appendlist", "setlistdefault", "update", "clear", "__setitem__"})
_HTTP_METHOD_NAMES = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_REQUEST_TYPES = frozenset({"Request", "HttpRequest", "WSGIRequest", "ASGIRequest", "HTTPConnection"})

# DRF/Django generic views build their serializer or form through these: the data handed over is validated.
_FORM_FACTORIES = frozenset({"get_serializer", "get_form", "serializer_class", "form_class", "get_form_class",
                             "as_form", "get_serializer_class", "get_filterset"})
# Project helpers named for parsing or validating what they are given (`_parse_requested_bool`,
# `parse_dragsort_order`, `validate_ids`, `clean_order`).
_PARSER_NAME = re.compile(r"^_*(parse|validate|clean|coerce|sanitize|sanitise)_\w+$")
# Predicates named for checking what they are given: _allow_redirect, is_valid_uuid_string, is_safe_url,
# url_has_allowed_host_and_scheme, check_token, validator(...), share_link_valid(...)
_CHECK_NAME = re.compile(r"^_*(is_|has_|allow|allowed_|valid|verify|check_)\w*$|^url_has_allowed_host_and_scheme$"
                         # ... or named for the answer: share_link_valid(recipe, share), host_allowed(url)
                         r"|^\w*validator$|^\w+_(valid|allowed|safe)$")
# Checks of a raw local against a type or an allowlist.
_CHECK_CALLS = frozenset({"isinstance", "has_property", "hasattr", "fullmatch", "match"})
# Calls that validate or convert what they are given (catalog BA-INP-001 "Not flagged").
_VALIDATOR_METHODS = frozenset({"model_validate", "model_validate_json", "model_validate_strings",
                                # a project's pydantic helper for form bodies (`Form.model_validate_form(data)`)
                                "model_validate_form", "parse_obj", "parse_raw", "validate_python",
                                "validate_json", "load", "validate", "is_valid", "deserialize", "parse_args",
                                "validated", "structure", "from_json_data"})
_CONVERSIONS = frozenset({"int", "float", "bool", "UUID", "Decimal", "fromisoformat", "parse_date",
                          "parse_datetime", "strtobool", "escape", "secure_filename", "get_page",
                          "validate_number",
                          # signed values (Django's signing, itsdangerous): the signature is the check
                          "unsign", "unsign_object", "unserialize"})
# Encoders that make any string inert for where it goes next (`json.dumps(str(q))[1:-1]` in a query,
# `html.escape(name)` in markup): the value is escaped, whatever it holds.
_ESCAPERS = frozenset({"json.dumps", "html.escape", "markupsafe.escape", "urllib.parse.quote",
                       "urllib.parse.quote_plus", "urllib.parse.urlencode", "shlex.quote", "re.escape",
                       "django.utils.html.escape", "django.utils.html.conditional_escape"})
# Methods and wrappers that keep a value what it was for an equality test (`str(request.data["id"]) != str(pk)`).
_SAME_VALUE_CALLS = frozenset({"str", "int", "lower", "upper", "strip", "casefold"})
_RESOLVERS = frozenset({"getaddrinfo", "gethostbyname", "gethostbyname_ex"})
_IP_RANGES = frozenset({"is_private", "is_loopback", "is_link_local", "is_reserved", "is_multicast", "is_global",
                        "is_unspecified"})
_RECASE = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold"})
# A class obtained at run time from a factory named for it (`form_class = self.get_form_class()`,
# `filterset = self._get_filterset_class(model)`): calling it builds a form, serializer or filter set.
_FACTORY_CLASS = re.compile(r"(?i)(form|serializer|filterset)(_?class)?$")
# Set tests that only compare a value with another (`selected_tags.issubset(check.tags)`).
# Asking an object built from request data to validate it (a form, a serializer, a model instance).
_VALIDATE_CALLS = frozenset({"is_valid", "full_clean", "validate"})
_SET_TESTS = frozenset({"issubset", "issuperset", "isdisjoint"})
# Helpers named for turning a value into a boolean (`get_boolean(str(x))`, `to_bool`, `str2bool`).
_BOOLEAN_NAME = re.compile(r"^_*(get|to|as|str_?to|str2|parse|coerce)_?bool(ean)?$")
_SCHEMA_CLASS = re.compile(r"^[A-Z]\w*(Schema|Serializer|Form|FormSet|In|Input|Create|Update|Request|Payload|Params"
                           r"|Body|Model|Query|Data|DTO|Args|Filter|FilterSet|Validator|Command"
                           # enums reject values outside their members: ScoreVisibilityTypes(value)
                           r"|Types|Choices|Enum)$")
_AUTH_BODY_ATTRS = frozenset({"is_authenticated", "is_anonymous", "has_perm", "has_perms", "is_staff", "is_superuser",
                              "check_object_permissions", "has_object_permission", "has_permission"})
_AUTH_BODY_CALLS = frozenset({"verify_jwt_in_request", "PermissionDenied", "NotAuthenticated", "check_permissions",
                              "redirect_to_login", "get_jwt_identity", "login_required", "authenticate",
                              "check_authorized", "check_permission"})  # the last two: aiohttp-security
# Calls that change stored state (ORM, DB-API, caches, mail, queues, files).
_WRITE_CALLS = frozenset({"save", "delete", "create", "update", "commit", "add", "add_all", "bulk_create",
                          "bulk_update", "execute", "executemany", "insert", "insert_one", "insert_many",
                          "update_one", "update_many", "delete_one", "delete_many", "remove", "merge", "flush",
                          "get_or_create", "update_or_create", "set", "setex", "incr", "incrby", "hset", "lpush",
                          "rpush", "publish", "send", "send_mail", "send_email", "delay", "apply_async",
                          "enqueue", "write", "write_text", "write_bytes", "unlink", "rmtree", "rename", "move",
                          "put", "post", "patch", "upload", "store", "set_password", "set_config", "login",
                          "logout", "kill", "terminate", "system", "run", "Popen", "call", "check_call",
                          "check_output"})
_PERSIST_CALLS = frozenset({"save", "delete", "commit", "bulk_create", "bulk_update", "update_or_create",
                            "get_or_create", "delete_one", "delete_many", "update_one", "update_many"})
# Write calls that are evidence of changing stored data (BA-AUTH-001's error): the ORM, DB-API, files, mail;
# not `send`/`post`/`put`/`set`/`publish`, which as often push to a socket or call another service
# what keeps a request's session (Django's SessionBase) rather than reading who is logged in
_SESSION_UPKEEP = frozenset({"session_key", "save", "cycle_key", "set_expiry", "get_expiry_age", "modified",
                             "accessed", "set_test_cookie", "test_cookie_worked", "delete_test_cookie", "exists",
                             "create", "is_empty"})
_STORE_CALLS = _PERSIST_CALLS | frozenset({"create", "insert", "insert_one", "insert_many", "execute", "executemany",
                                          "add", "add_all", "merge", "flush", "update", "delete", "remove",
                                          "set_password", "send_mail", "send_email", "write_text", "write_bytes",
                                          "unlink", "rmtree", "upload", "set_config"})
# `get_current_user()`, `get_current_team()`, `current_user()`: who is asking
# a project function named for looking up the user behind a request (`authorized_user_with_session(request)`)
_USER_LOOKUP = re.compile(r"(?i)(^|_)(user|me|account|member|principal)(_|$)")
_IDENTITY_CALL = re.compile(r"^(get_)?current_(user|team|account|member|tenant)\w*$|^get_user$")
# Responses and exceptions that refuse the caller: a guard returns or raises one of them.
_DENIALS = frozenset({"HttpResponseForbidden", "HTTPForbidden", "HTTPUnauthorized", "Forbidden", "Unauthorized",
                      "NotAuthenticated", "PermissionDenied", "AuthenticationFailed"})
# An exception whose name says the caller is refused access (`NotAuthorized`, `PermissionDenied`, `HTTPForbidden`).
# Not the 401s (`HTTPUnauthorized`, `NotAuthenticated`): a helper raising one for a bad credential often lets a
# request with none through (optional auth, `parse_auth(req) -> Auth | None`)
_DENIAL_EXC = re.compile(r"(?i)^(http_?)?(not_?authori[sz]ed|forbidden|permission_?denied|access_?denied|"
                         r"not_?permitted)(error|exception)?$")
# ... raised under a test of access, or by a function named for one (`check_access`, `user_has_permission_or_403`)
_ACCESS_WORDS = re.compile(r"(?i)(access|perm|authori[sz]|allowed|user|can_|role|owner|member)")
# `get_login_redirect(request)`, `redirect_to_login(...)`: a project helper sending the caller to log in.
# Object-level checks handed the caller: `obj.raise_visible_to_user(request.user)`,
# `user.is_profile_visible_to(request.user.id)`, `book.raise_not_editable(viewer)`.
# A verb that tests or refuses: `set_visibility(request.user, ...)` changes a setting, it checks nothing.
_VISIBILITY_CHECK = re.compile(r"(?i)^(raise|check|assert|ensure|is|can|has)_\w*(visible|viewable|editable|permitted)\w*$")
# A query narrowed to what the caller may see: built for any caller, an anonymous one included.
_VISIBILITY_FILTER = re.compile(r"(?i)(privacy|visib\w*)_?filter|filter_?\w*(visible|privacy)|visible_to")
# A condition that looks at the caller: the request, its user, or a permission word.
_CALLER_TEST = re.compile(r"\b(request|user|current_user|g\.user|perm\w*|allowed|can_\w+|is_\w+)\b")
_CALLER = re.compile(r"\b(request\.user|current_user|viewer|g\.user)\b")
_END_SESSION_CALLS = frozenset({"session.clear", "flask.session.clear", "request.session.flush", "auth.logout",
                                "flask_login.logout_user", "django.contrib.auth.logout"})
# Calls that log the caller in (start the authenticated session): the sign-in step itself, which no login
# guard can sit in front of.
_START_SESSION_CALLS = frozenset({"django.contrib.auth.login", "flask_login.login_user", "flask_login.utils.login_user",
                                  "flask_security.login_user", "flask_security.utils.login_user"})
# A cookie that carries the caller's credential (`access_token`, `auth_token`, `jwt`): setting it signs the caller
# in. A CSRF, OAuth state or redirect cookie is set before any login and says nothing of one.
_AUTH_COOKIE = re.compile(r"(?i)^(?!.*(csrf|xsrf|state|nonce|redirect|next|pkce|verifier)).*(auth|jwt|access_?token"
                          r"|id_?token|session_?token|login)")
_LOGIN_TARGET = re.compile(r"(?i)login|authenticate|sign_?in")
# Session keys that say who is logged in (`user_id`, `is_admin`, `logged_in`), not a cart or a theme.
_SESSION_IDENTITY = re.compile(r"(?i)user|admin|logged|auth")
# Redirect responses not named for one: Pyramid's / WebOb's `HTTPSeeOther(request.route_path("accounts.login"))`
_REDIRECT_CLASSES = frozenset({"HTTPSeeOther", "HTTPFound", "HTTPTemporaryRedirect", "HTTPMovedPermanently"})
_LOGIN_REDIRECT = re.compile(r"(?i)login\w*redirect|redirect\w*login")
# Calls that check a signed or secret link token: the token in the URL is the credential.
_TOKEN_CHECKS = frozenset({"unsign", "unsign_object", "check_token", "verify_token", "check_signature",
                           "loads_signed", "confirm_token", "validate_token"})
# An OAuth client sending the caller to the provider's login page (authlib, requests-oauthlib): the password is
# typed and checked there, not here.
_OAUTH_REDIRECTS = frozenset({"authorize_redirect", "authorization_url", "create_authorization_url"})
# Calls that check a password and answer with a session or a token: a login or token exchange.
_CREDENTIAL_CALL = re.compile(r"(?i)^(authenticate|login|log_in|sign_?in|check_password(_hash)?|verify_password|keygen"
                              r"|\w*token\w*|\w*key_?create\w*"
                              # a project check handed the password: `verify_db_admin(username, password)`
                              r"|_*(verify|check)_\w*(user|admin|pass|credential|login)\w*)$")
# Calls that authenticate a webhook's sender (hmac of the body, Stripe / GitHub / Slack / Twilio helpers).
_SIGNATURE_CALLS = frozenset({"compare_digest", "construct_event", "verify_signature", "verify_webhook",
                              "validate_signature", "verify_header", "construct_from", "is_valid_request"})
# Of those, the ones that say by themselves that a request's sender is checked (Slack's SignatureVerifier,
# Stripe's construct_event): `compare_digest` alone may compare anything, so it counts only when what it
# compares is a header or an HMAC digest.
_SENDER_CHECK = re.compile(r"(?i)^(construct_event|construct_from|verify_webhook|verify_header|is_valid_request|"
                           r"\w*signature_?verif\w*|verify_\w*signature|validate_\w*signature)$")
_SIGNED_INPUT = re.compile(r"(?i)header|hmac|signature|digest\(")
# Class names that say "schema": unlike `...Model` / `...Data` (often ORM tables), these validate what they get.
_STRICT_SCHEMA = re.compile(r"^[A-Z]\w*(Schema|Serializer|Form|FormSet|In|Input|Create|Update|Request|Payload"
                            r"|Params|Body|DTO|Args|Filter|FilterSet|Validator|Command|Query)$")
_PAGINATE_CALLS = frozenset({"paginate", "Paginator", "paginate_queryset", "get_paginated_response", "paginated",
                             "limit", "offset", "slice", "fetchmany", "page", "paginate_query", "cursor_paginate"})
_ORM_INSTANCE_TERMINALS = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none", "get",
                                     "get_or_404", "first_or_404", "one_or_404", "scalar"})
_DJANGO_LIST_METHODS = frozenset({"all", "filter", "exclude", "order_by", "values", "values_list", "select_related",
                                  "prefetch_related", "annotate", "distinct", "only", "defer", "none"})
_AGGREGATES = frozenset({"count", "exists", "aggregate", "sum", "scalar", "first", "last", "get", "one", "latest",
                         "earliest", "delete", "update", "in_bulk", "iterator"})


# what `request.endpoint` is tested against: literal endpoint names, or `=name` for a constant that lists them
_endpoint_names = literal_names


@dataclass
class _Fn:
    """What the walk has seen so far inside one function."""
    qualname: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    request_names: dict[str, str] = field(default_factory=dict)  # local name -> "django" | "fastapi"
    safe_depth: int = 0
    inside_raw: int | None = None
    skip: set[int] = field(default_factory=set)
    assigned: dict[int, str] = field(default_factory=dict)  # id(value node) -> local it is assigned to
    raw_locals: dict[str, dict[str, Any]] = field(default_factory=dict)
    # local -> (line, col) of the read it was bound to re-cased (`.strip().lower()`), kept through rebinding
    # from itself (`url = unquote(url)`): a later check of the local checks that read
    recased: dict[str, tuple[int, int]] = field(default_factory=dict)
    raw_bad_locals: set[str] = field(default_factory=set)
    checked_locals: set[str] = field(default_factory=set)  # raw locals checked against an allowlist or a type
    tested: set[int] = field(default_factory=set)  # raw reads only compared with constants or tested for truth
    # uses of a raw local in the branch where its check failed (`if validate_email(name): ... else: use(name)`)
    failed_uses: set[int] = field(default_factory=set)
    failed_locals: set[str] = field(default_factory=set)
    validated_sources: set[str] = field(default_factory=set)  # `jsonschema.validate(request.data, schema)`
    # the first call that validates the whole request (`form.validate_on_submit()`, `super().create(request)`):
    # [what, its last line]; a raw read on a later line re-reads what it may have checked
    body_validated: list | None = None
    raw_reads: list[dict[str, Any]] = field(default_factory=list)
    locals_expr: dict[str, ast.expr] = field(default_factory=dict)
    returns: list[dict[str, Any]] = field(default_factory=list)
    auth_check: bool = False
    # `if not is_admin_user(request): return ...`: the function refuses on a permission test (BA-AUTH-004 reads
    # a helper's assert of the same right as the precondition its callers already checked)
    permission_gate: bool = False
    # `if not authz.is_authorized(...)["success"]: raise NotAuthorized(msg)`: the function refuses, by an
    # exception named for a denial, a caller a test of access rejects; called by a view it is its guard
    refuses: bool = False
    paginates: bool = False
    validates: bool = False
    methods_seen: set[str] = field(default_factory=set)
    reads_body: bool = False
    delegates: list[str] = field(default_factory=list)  # class views this function view hands over to
    # `get_action("follow_dataset")(context, data)`: functions looked up by a literal name and called at once
    # (an action registry), by that name
    dispatched: list[str] = field(default_factory=list)
    signature_check: str | None = None  # a webhook handler that verifies the sender's signature
    serves_anonymous: bool = False  # tests whether a visitor is logged in and serves both kinds
    # an SSRF check: resolves a host name (getaddrinfo) / asks an address whether it is private or loopback
    resolves_host: bool = False
    checks_ip_range: bool = False
    sender_checked: bool = False  # ... by a call that can only be that (SignatureVerifier, an HMAC of a header)
    builds_urls: bool = False
    safe_calls: list[str | None] = field(default_factory=list)  # per validating call: the class it builds
    validator_calls: set[int] = field(default_factory=set)  # ids of the calls that opened a safe_depth level
    # locals the function calls .is_valid()/.full_clean()/.validate() on -> that method
    validated_names: dict[str, tuple[str, int]] | None = None  # ... and the line of its last such call
    constructor_reads: list[dict[str, Any]] = field(default_factory=list)
    registers: bool = False
    token_check: str | None = None  # a signed link: `signer.unsign(token)`, `check_token(...)`
    request_to: str | None = None  # the first call handed the request itself, but for rendering and messages
    # `if request.endpoint not in _public_views: return redirect(...)`: the endpoint names a hook lets
    # through (literal strings, or the dotted name of the constant that lists them)
    exempt_endpoints: list[str] = field(default_factory=list)
    exempt_paths: list[str] = field(default_factory=list)  # `if request.path.startswith(OPEN): return`
    credentials: str | None = None  # a password from the request handed to `authenticate()` / `keygen()`
    ends_session: str | None = None  # `session.clear()`, `logout_user()`: a logout
    starts_session: str | None = None  # `django.contrib.auth.login(request, user)`: a sign-in
    acknowledges: int = 0  # 1: every return so far a fixed literal (`{"status": "ok"}`), -1: one is not
    oauth_redirect: str | None = None  # `oauth.google.authorize_redirect(...)`: the provider checks the credential
    serves_file: str | None = None  # `FileResponse(path)`, `HTMLResponse(...)`: answers a file or a page
    handoffs: list[str] = field(default_factory=list)  # `return other_view(request, ...)`
    persists: bool = False  # an ORM save/delete/commit: a GET that does this changes state
    # `setattr(cls, "dispatch", check(cls.dispatch))` in a metaclass or class decorator: the wrapper's name
    wraps_dispatch: str | None = None
    # reads passed straight into the app's own url_for(): quoted into a link to a route that checks them
    displayed: set[int] = field(default_factory=set)
    # raw locals whose unchecked uses were all as a direct argument of a call: local -> the callees named
    raw_into: dict[str, set[str]] = field(default_factory=dict)
    raw_into_at: dict[str, int] = field(default_factory=dict)  # the argument's place in the last such call
    made_by: dict[str, list] = field(default_factory=dict)  # local -> [helper, 0] it was made by from a read
    helper_args: dict[int, str] = field(default_factory=dict)  # id of a helper's first argument -> the helper
    raw_other: set[str] = field(default_factory=set)  # raw locals used unchecked in any other way
    # raw locals an unchecked use stores or spreads (input_sinks.py): local -> what that use does
    raw_damage: dict[str, str] = field(default_factory=dict)
    raw_owner: dict[str, str] = field(default_factory=dict)
    raw_validated: dict[str, str] = field(default_factory=dict)  # local -> the call validating what it is stored on
    raw_field: dict[str, list] = field(default_factory=dict)  # local -> [model, field] it is stored in  # local -> `user=request.user` of the row it is stored on
    # raw locals whose "built:" damage is a class bound to a local: raw local -> that local (`user = User(...)`)
    built_into: dict[str, str] = field(default_factory=dict)
    built_at: dict[str, int] = field(default_factory=dict)  # ... and the line it was built on
    derived: set[str] = field(default_factory=set)  # raw locals rebound to what an expression made of them
    body_params: set[str] = field(default_factory=set)  # parameters annotated dict/Any (an untyped FastAPI body)
    param_damage: dict[str, str] = field(default_factory=dict)  # ... what a use of one is made to do
    param_calls: dict[str, list[Any]] = field(default_factory=dict)  # ... a project call it is handed to as is
    reads_identity: bool = False  # request.user, current_user, g.user, the session's user: expects a login
    identity_reads: int = 0  # how many reads of who is asking set reads_identity
    # `if not request.current_team: return redirect(...)`: request attributes whose absence ends the call
    gate_attrs: list[str] = field(default_factory=list)
    sets_request: list[str] = field(default_factory=list)  # `request.current_team = ...` (a middleware's)
    identity_seen: bool = False  # who is asking is read at all, also under `if request.user.is_authenticated:`
    identity_aliases: set[str] = field(default_factory=set)  # locals bound to who is asking
    identity_scopes: list[str] = field(default_factory=list)  # ... of them handed to a query/helper (identity_scope.py)
    public_switch: str | None = None  # `if config["ALLOW_PUBLIC_PROJECT_CREATION"]:` (public_flows.py)
    optional_identity: list[int] = field(default_factory=list)  # inside `if <there is a user>:` tests
    choice_tests: set[int] = field(default_factory=set)  # ids of `a if <test> else b` tests: a value for any caller
    writes: bool = False  # a write-like call (save, delete, commit, ...) or a store into something passed in
    stores: bool = False  # a call that changes stored data (ORM, SQL, files, mail): positive evidence of a write
    in_assert: int = 0  # inside `assert ...`: not a check (`python -O` strips it), BA-AUTH-004 judges it
    auth_asserts: list[dict[str, Any]] = field(default_factory=list)


# Calls handed the request only to render, answer, redirect or show a message with it: none checks the caller
_REQUEST_ONLY_SHOWN = frozenset({
    "render", "render_to_response", "render_to_string", "TemplateResponse", "RequestContext", "HttpResponse",
    "JsonResponse", "redirect", "HttpResponseRedirect", "reverse", "build_absolute_uri", "success", "error",
    "info", "warning", "debug", "add_message", "get_token", "csrf", "TemplateResponseMixin", "TemplateResponse",
    "_", "gettext", "paginate", "paginate_queryset", "get_page", "super", "get_client_ip", "Response",
    "HTMLResponse", "RedirectResponse", "url_for", "str", "repr", "print", "log", "exception", "getattr",
    "isinstance", "get_current_site", "is_ajax", "dict", "list", "format", "get_language", "activate"})

# The request's own attributes (Django, DRF, Flask): a test of one is not a gate a middleware set up
_REQUEST_OWN = frozenset({"user", "auth", "session", "method", "GET", "POST", "data", "body", "path", "path_info",
                          "META", "COOKIES", "FILES", "headers", "query_params", "resolver_match", "content_type",
                          "args", "form", "json", "files", "values", "cookies", "is_json", "scheme", "_mutable"})

# DRF's generic create/update run the view's serializer with `is_valid(raise_exception=True)` on request.data
_SUPER_VALIDATING = frozenset({"create", "update", "partial_update"})


def _whole_request_validation(node: ast.Call, tail: str) -> str | None:
    """A call that validates the request's own fields in place: WTForms' `form.validate_on_submit()` or
    `form.validate()`, DRF's `super().create(request, ...)` (the view's serializer, raising on invalid data)
    or `serializer.is_valid(raise_exception=True)`.
    What it is, shown. Not Django's `form.is_valid()`: its `cleaned_data` is what was checked and cleaned, so a
    raw read after it bypasses the cleaning."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    if tail == "validate_on_submit" or tail == "validate" and not node.args and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{tail}()" if isinstance(func.value, ast.Name) else f"{tail}()"
    if tail in _SUPER_VALIDATING and isinstance(func.value, ast.Call) and dotted(func.value.func) == "super":
        return f"super().{tail}()"
    if tail == "is_valid" and isinstance(func.value, ast.Name) and any(
            k.arg == "raise_exception" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords):
        # DRF's `serializer.is_valid(raise_exception=True)`: past it the request passed the serializer's checks
        # (a 400 otherwise), though a raw read still skips what validation cleaned
        return f"{func.value.id}.is_valid(raise_exception=True)"
    return None


def call_arguments(call: ast.Call) -> list[ast.expr]:
    """Every argument expression of a call in source order, positional and keyword alike (`*a` / `**k`
    give a / k): ast keeps positional and keyword arguments apart, the facts read them as written."""
    items: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    if call.keywords and call.args:
        items.sort(key=lambda a: (a.lineno, a.col_offset))
    return [a.value if isinstance(a, (ast.Starred, ast.keyword)) else a for a in items]


def name_text(node: ast.AST | None) -> str | None:
    """`dotted`, plus the keyword constants spelled as names (`None`, `True`): the facts record what a
    default or decorator argument names, and `frozen=True` / `= None` read as names there."""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        return str(node.value)
    return dotted(node)


def _first_argument(call: ast.Call) -> ast.expr | None:
    args = call_arguments(call)
    return args[0] if args else None


_RENDERERS = frozenset({"render", "render_template", "TemplateResponse", "render_to_response"})


def _renders_page(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The template a function's whole body renders (`return render(request, "app/index.html", {...})`, its
    docstring apart): a page whose only code of its own is the context it hands the template."""
    body = node.body[1:] if node.body and isinstance(node.body[0], ast.Expr) and \
        isinstance(node.body[0].value, ast.Constant) else node.body
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    if (dotted(call.func) or "").rpartition(".")[2] not in _RENDERERS:
        return None
    return next((a.value for a in call.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)), None)


def _params(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Named parameters (positional-only, regular, keyword-only) with their defaults."""
    positional_params = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional_params) - len(args.defaults)) + list(args.defaults)
    return [*zip(positional_params, defaults), *zip(args.kwonlyargs, args.kw_defaults)]


class FunctionFacts:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.functions: dict[str, dict[str, Any]] = ctx.facts.setdefault("functions", {})
        self.stack: list[_Fn] = []
        self.lines: list[str] | None = None
        self.kinds: list[str] = []  # "class" | "fn", innermost last: is a def a method?
        self.path_tests = "request.path" in ctx.text or "request.full_path" in ctx.text  # hook allow-lists
        # The tests of an `if` below can only hold where the file spells the identifiers they look for (an
        # identifier is as written in ASCII text; any other is NFKC-normalised, so such a file is always asked)
        ascii_text = ctx.text.isascii()
        self.session_tests = not ascii_text or "session" in ctx.text
        self.presence_tests = self.session_tests or any(w in ctx.text for w in _PRESENCE_WORDS)

    # --- functions --------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        fn = _Fn(qualname=self.ctx.symbol, node=node)
        in_class = bool(self.kinds) and self.kinds[-1] == "class"
        self.kinds.append("fn")
        for i, (p, _default) in enumerate(_params(node.args)):
            ann = annotation_text(self.ctx, p.annotation) or ""
            kind = None
            if last_name(ann.split("[")[0]) in _REQUEST_TYPES:
                kind = "fastapi" if self._is_starlette_request(p.annotation) else "django"
            elif p.arg in ("request", "req") and i == (1 if in_class else 0) and (
                    not ann or last_name(ann.split("[")[0]).endswith("Request")):
                # `request: AuthenticatedHttpRequest` is the request; an annotated `req: ScrapeRecipe` is a
                # validated body model
                kind = "django"
            if kind:
                fn.request_names[p.arg] = kind
            elif ann and untyped(ann):
                fn.body_params.add(p.arg)
        self.stack.append(fn)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.kinds.append("class")

    def leave_ClassDef(self, node: ast.ClassDef) -> None:
        self.kinds.pop()

    def _is_starlette_request(self, ann: ast.expr | None) -> bool:
        qn = self.ctx.qualname(ann) if ann is not None else None
        return bool(qn) and qn.split(".")[0] in ("fastapi", "starlette")

    def leave_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        fn = self.stack.pop()
        self.kinds.pop()
        for name in sorted(fn.raw_bad_locals - fn.checked_locals | fn.failed_locals):
            loc = fn.raw_locals[name]
            into = fn.raw_into.get(name, set())
            if name not in fn.raw_other and name not in fn.failed_locals and len(into) == 1:
                # `next_path = get_next_path(unsafe_next_path)`: the project pass asks whether that callee
                # is a sanitiser
                loc = {**loc, "into": next(iter(into)), "into_at": fn.raw_into_at.get(name, -1)}
            if name in fn.raw_damage and not (name in fn.built_into and
                                              self._checked_only(fn, fn.built_into[name], fn.built_at[name])):
                loc = {**loc, "damage": fn.raw_damage[name]}
                if name in fn.raw_owner:
                    loc["owner"] = fn.raw_owner[name]
                if name in fn.raw_field:
                    loc["field"] = fn.raw_field[name]
                if fn.raw_validated.get(name):
                    loc["validated_by"] = fn.raw_validated[name]
            if name in fn.made_by:
                # `paging = Page.from_params(request.args, n)`: the project pass asks what the helper does
                # with the read (only typed getters: the local holds what they parsed)
                loc = {**loc, "arg_of": fn.made_by[name]}
            fn.raw_reads.append(loc)
        self.functions[fn.qualname] = self._record(fn)

    def _checked_only(self, fn: _Fn, holder: str, line: int) -> bool:
        """The object the read was built into is only a login's credentials being checked, never kept
        (`user = User(username=username, password=password); user.is_validate()`): nothing is stored. Uses
        are those from where it is built to the next binding of the same name (other branches of a long
        login view bind other users)."""
        nodes = self.ctx.own_nodes(fn.node)
        until = min((n.lineno for n in nodes if isinstance(n, ast.Assign) and n.lineno > line and any(
            isinstance(t, ast.Name) and t.id == holder for t in n.targets)), default=10 ** 9)
        uses: dict[str, dict[str, set[str]]] = {}
        for n in nodes:
            if isinstance(n, ast.Call) and line <= n.lineno < until:
                call_uses(n, uses)
            elif isinstance(n, (ast.Return, ast.Yield)) and line <= n.lineno < until:
                returned_uses(n, uses)
        used = uses.get(holder, {})
        return checked_only(used.get("methods", set()) | used.get("passed", set()))

    def _record(self, fn: _Fn) -> dict[str, Any]:
        node, ctx = fn.node, self.ctx
        params = []
        for p, default in _params(node.args):
            entry: dict[str, Any] = {"name": p.arg}
            ann = annotation_text(ctx, p.annotation)
            if ann:
                entry["annotation"] = ann
            deps = dep_refs(p.annotation) + dep_refs(default)
            if deps:
                entry["deps"] = deps
            made = annotated_calls(p.annotation) + default_call(default)
            if made:
                entry["made_deps"] = made  # `role: Annotated[Role, RoleACL(...)]`: judged in dep_guards.py
            if default is not None:
                entry["default"] = name_text(default.func if isinstance(default, ast.Call) else default) or "<expr>"
            params.append(entry)
        decorators = []
        for d in node.decorator_list:
            call = d if isinstance(d, ast.Call) else None
            ref = dotted(call.func if call else d)
            if not ref:
                continue
            item: dict[str, Any] = {"ref": ref, "line": d.lineno}
            if call is not None:
                item["args"] = [literal(a) if not isinstance(a, ast.Subscript) else _code(ctx, a)
                                for a in call.args if not isinstance(a, ast.Starred)]
                inner = call.args[0] if call.args else None
                if isinstance(inner, ast.Call) and len(inner.args) == 1 and isinstance(literal(inner.args[0]), str):
                    item["built_from"] = literal(inner.args[0])  # `route(org_scoped_rule("/saml/login"))`
                item["kwargs"] = {kw.arg: _kw_value(ctx, kw.value) for kw in call.keywords if kw.arg is not None}
                item["names"] = _names(call)
                deps = dep_refs(call)
                if deps:
                    item["deps"] = deps
            decorators.append(item)
        out: dict[str, Any] = {
            "line": node.lineno,  # the `def` line, decorators apart
            "async": isinstance(node, ast.AsyncFunctionDef),
            "params": params,
        }
        if decorators:
            out["decorators"] = decorators
            if any(d["ref"].endswith(".url_value_preprocessor") for d in decorators):
                keys = _url_value_keys(node)
                if keys:
                    out["url_value_keys"] = keys
        if node.name == "get_permissions" and (named := _actions_named(node)):
            out["per_action"] = named
        if RATE_LIMIT_DECORATOR.search(node.name) and (limiter := _applied_limiter(node)):
            out["applies_limiter"] = limiter
        first = decorators[0]["line"] if decorators else out["line"]
        lines = self._lines()[first - 1:out["line"]]
        if any("backend-audit: public" in text for text in lines):
            out["public_marker"] = True
        if node.returns is not None:
            out["returns"] = annotation_text(ctx, node.returns)
        page = _renders_page(node)
        if page:
            out["renders_page"] = page  # BA-TEST-005: a page shell's routes share what one test covers
        if fn.raw_reads:
            out["raw_reads"] = sorted(fn.raw_reads, key=lambda r: (r["line"], r["col"]))
        if fn.param_damage:
            out["param_damage"] = fn.param_damage  # BA-INP-001 /untyped-body: the body stored or spread
        if fn.param_calls:
            out["param_calls"] = fn.param_calls  # ... or handed as is to a call, whose facts may say so
        if fn.returns:
            out["returned"] = fn.returns
        if fn.auth_check and refuses_anonymous(node):  # the body walk only where a check was seen
            out["refuses_anonymous"] = True  # a helper a view calls as its login check (evidence.special_case)
        for flag in ("auth_check", "permission_gate", "refuses", "paginates", "validates", "reads_body", "builds_urls",
                     "registers", "sender_checked", "serves_anonymous", "writes", "persists", "stores",
                     "resolves_host", "checks_ip_range"):
            if getattr(fn, flag):
                out[flag] = True
        if fn.methods_seen:
            out["methods_seen"] = sorted(fn.methods_seen)
        if fn.dispatched:
            out["dispatched"] = sorted(set(fn.dispatched))[:12]
        if fn.delegates:
            out["delegates"] = sorted(set(fn.delegates))
        if fn.signature_check:
            out["signature_check"] = fn.signature_check
        if fn.token_check:
            out["token_check"] = fn.token_check
        if fn.wraps_dispatch:
            out["wraps_dispatch"] = fn.wraps_dispatch
        if fn.request_to:
            out["request_to"] = fn.request_to
        if fn.exempt_endpoints:
            out["exempt_endpoints"] = fn.exempt_endpoints[:20]
        if fn.exempt_paths:
            out["exempt_paths"] = fn.exempt_paths[:20]
        if fn.oauth_redirect:
            out["oauth_redirect"] = fn.oauth_redirect
        if fn.acknowledges == 1:
            out["acknowledges"] = True  # answers only a fixed literal: nothing stored is read back
        if fn.credentials:
            out["checks_credentials"] = fn.credentials
        if fn.ends_session:
            out["ends_session"] = fn.ends_session
        if fn.starts_session:
            out["starts_session"] = fn.starts_session
        if fn.handoffs:
            out["handoffs"] = sorted(set(fn.handoffs))
        if fn.auth_asserts:
            out["auth_asserts"] = fn.auth_asserts
        if fn.reads_identity:
            out["reads_identity"] = True
            if len(fn.identity_scopes) == fn.identity_reads:
                out["identity_scope"] = sorted(set(fn.identity_scopes))[:3]  # only scopes what it selects
        if fn.gate_attrs:
            out["gate_attrs"] = sorted(set(fn.gate_attrs))[:5]
        if fn.sets_request and fn.identity_seen:
            # what it puts on the request is derived beside a read of who is asking (a middleware's current team)
            out["sets_request"] = sorted(set(fn.sets_request))[:10]
        if _static_response(node, set(fn.request_names)):
            out["static_response"] = True
        if _first_run_gate(node):
            out["first_run_gate"] = True
        if fn.constructor_reads:
            out["constructor_reads"] = fn.constructor_reads
        if sanitises_first_param(node):
            out["sanitises"] = True
        own = ctx.own_nodes(node)
        if fn.serves_file:
            out["serves_file"] = fn.serves_file
            asset = served_asset(node, own, fn.serves_file) if fn.serves_file in FILE_RESPONSES else None
            if asset:
                out["serves_asset"] = asset  # the UI build, the favicon: nobody's data (assets.py)
        flags, converted = flag_params(node, own)
        if flags:
            out["flag_params"] = flags
        parsed = converted + type_checked_params(node)
        if parsed:
            out["parsed_params"] = sorted(set(parsed))  # typed getters only, or type checks that refuse
        out.update(factory_facts(node))  # what a dependency factory makes (dep_guards.py)
        out.update(refusal_facts(node, own))  # project exceptions raised, a 401/403 default status (refusals.py)
        secret = typed_secret(node, own)
        if secret:
            out["typed_secret"] = secret  # a password or one-time code the caller types (BA-API-003)
        exchange = oauth_exchange(own)
        if exchange:
            out["oauth_exchange"] = exchange  # a provider's code traded for a token (BA-API-003)
        schema = body_schema(own)
        if schema:
            out["body_schema"] = schema  # the body is read by a serializer or form's fields (BA-API-003)
        if fn.public_switch:
            out["public_switch"] = fn.public_switch
        said = documented_public(ast.get_docstring(node, clean=False))
        if said:
            out["doc_public"] = said  # "This endpoint doesn't require authentication" (public_flows.py)
        keys, checked = secret_lookups(node) if may_look_up_secrets(node, ctx.lines) else ([], {})
        if keys:
            out["looks_up_by"] = keys  # a capability link's secret handed to a lookup (capability.py)
        if checked:
            out["proof_checked"] = checked  # `validate_state(state)`: the caller's proof checked by a call
        return out

    def _lines(self) -> list[str]:
        if self.lines is None:
            self.lines = self.ctx.text.splitlines()
        return self.lines

    # --- request data (BA-INP-001) ----------------------------------------------------------
    def _request_kind(self, node: ast.expr) -> str | None:
        fn = self.stack[-1]
        if isinstance(node, ast.Name):
            if node.id in fn.request_names:
                return fn.request_names[node.id]
            qn = self.ctx.qualname(node) or ""
            if qn in ("flask.request", "quart.request", "flask.globals.request"):
                return "flask"
            return None
        parts = dotted_parts(node)
        if parts == ["self", "request"]:
            return "django"
        return None

    @staticmethod
    def _dispatch_wrapper(fn: _Fn, value: ast.expr) -> None:
        """A class's `dispatch` replaced by a call's result: every request to the class passes that wrapper
        (the project pass judges it as it judges a decorator)."""
        if isinstance(value, ast.Call) and dotted(value.func):
            fn.wraps_dispatch = dotted(value.func)

    def _own_session(self, func: ast.expr) -> bool:
        """`request.session.save()`, `self.request.session.flush()`: the HTTP session of the request (not an ORM
        session such as `db.session`)."""
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and \
            func.value.attr == "session" and self._request_kind(func.value.value) is not None

    def _source_attr(self, node: ast.expr) -> bool:
        """`request.json`, `request.GET`, `self.request.data`... (an attribute that holds request data)."""
        if not isinstance(node, ast.Attribute):
            return False
        kind = self._request_kind(node.value)
        attr = node.attr
        return (kind == "flask" and attr in _FLASK_ATTRS) or (kind == "django" and attr in _DJANGO_ATTRS) or (
            kind == "fastapi" and attr in _FASTAPI_ATTRS)

    def _raw_method_call(self, node: ast.expr) -> bool:
        """`request.get_json()` (Flask) or `request.json()` (Starlette, awaited)."""
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return False
        kind = self._request_kind(node.func.value)
        attr = node.func.attr
        return (kind == "flask" and attr in _FLASK_METHODS) or (kind == "fastapi" and attr in _FASTAPI_METHODS)

    def _raw(self, node: ast.expr, conversion: bool = False) -> None:
        fn = self.stack[-1]
        fn.inside_raw = id(node)
        if fn.safe_depth > 0 and not conversion and fn.safe_calls and fn.safe_calls[-1]:
            self._into_constructor(node, fn)
            return
        if id(node) in fn.displayed:
            return
        if fn.safe_depth > 0 or conversion or id(node) in fn.tested or self._source_key(node) in fn.validated_sources:
            fn.validates = True
            return
        if bound_lookup(self.ctx.parents, node):
            return
        loc = pos(self.ctx, node)
        loc["symbol"] = fn.qualname
        if fn.body_validated and loc["line"] > fn.body_validated[1]:
            loc["after_validation"] = fn.body_validated[0]
        name = fn.assigned.get(id(node))
        if name is not None:
            fn.raw_locals.setdefault(name, loc)
            if id(node) in fn.helper_args and fn.raw_locals[name] is loc:
                fn.made_by[name] = [fn.helper_args[id(node)], 0]
        else:
            parent = self.ctx.parents[-1] if self.ctx.parents else None
            if isinstance(parent, ast.Call) and dotted(parent.func):
                index = next((i for i, a in enumerate(parent.args) if a is node), None)
                if index is not None and not any(isinstance(a, ast.Starred) for a in parent.args[:index]):
                    # `create_token(request.user, request.POST.get("new_key"))`: the project pass asks
                    # whether that parameter of the callee is only tested for truth (a flag)
                    loc["arg_of"] = [dotted(parent.func), index]
            harm = damage(self.ctx.parents, node)
            if harm:
                loc["damage"] = harm
                owner = owner_scoped(self.ctx.parents, node, fn.locals_expr)
                if owner:
                    loc["owner"] = owner
                field = stored_field(self.ctx.parents, node, fn.locals_expr)
                if field:
                    loc["field"] = field
                checked = self._validated_holder(fn, node)
                if checked:
                    loc["validated_by"] = checked
            fn.raw_reads.append(loc)

    def _checked_read(self, fn: Any, name: str) -> None:
        """`fmt = request.GET.get("format", "json").lower()` then `if fmt not in {"json", "html"}: raise`: the
        local holds the read re-cased, so the read was reported where it was made; the check of the local
        (a literal allowlist, a Django validator) checks it, and the report is taken back."""
        at = fn.recased.get(name)
        if at is not None:
            fn.raw_reads[:] = [r for r in fn.raw_reads if (r["line"], r["col"]) != at]

    def _source_key(self, node: ast.expr) -> str | None:
        """The request attribute a read reads from (`request.data` for `request.data["k"]`)."""
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        return ast.dump(node) if self._source_attr(node) else None

    def visit_Await(self, node: ast.Await) -> None:
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if self.stack and isinstance(parent, ast.Expr) and self._raw_method_call(node.value):
            # `await request.form()` whose value is dropped: Starlette caches the parsed body for a library
            # that reads and validates the request itself (authlib's authorization server); nothing is used
            if self.stack[-1].inside_raw is None:
                self.stack[-1].inside_raw = id(node)
            return
        if self.stack and self.stack[-1].inside_raw is None and self._raw_method_call(node.value):
            self._raw(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if not self.stack or self.stack[-1].inside_raw is not None:
            return
        if not isinstance(node.ctx, ast.Load):
            self.stack[-1].skip.add(id(node.value))  # `request.data["name"] = now()` writes, it reads nothing
            if isinstance(node.ctx, ast.Store) and self.stack[-1].starts_session is None:
                self.stack[-1].starts_session = _session_login(node)
            return
        # `request.body[:settings.PING_BODY_LIMIT]`, `request.GET["q"][:100]`: cut to a size the program fixes
        bounded = isinstance(node.slice, ast.Slice) and _size_bound(node.slice)
        if self._source_attr(node.value):
            self._raw(node, conversion=bounded)
        elif bounded:
            self.stack[-1].tested.add(id(node.value))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        if node.attr in ("user", "auth", "current_user", "session") and (
                self._request_kind(node.value) or dotted(node.value) in ("g", "flask.g")) and \
                not (node.attr == "session" and (self._session_key(node) is False or self._session_upkeep())) and \
                not self._in_choice(fn, node):
            self._identity_read(fn, node)  # request.user, g.user, session
        if node.attr in _AUTH_BODY_ATTRS and not fn.in_assert:
            fn.auth_check = True
        if node.attr in _IP_RANGES:
            fn.checks_ip_range = True
        if node.attr == "method" and self._request_kind(node.value):
            fn.methods_seen.add("?")
        if not isinstance(node.ctx, ast.Load) and self._source_attr(node.value):
            fn.skip.add(id(node.value))  # `request.GET._mutable = True` makes the mapping writable, it reads nothing
        if fn.inside_raw is None and id(node) not in fn.skip and self._source_attr(node):
            if node.attr in ("POST", "body", "data", "form", "json"):
                fn.reads_body = True
            self._raw(node)

    def _leave_raw(self, node: ast.AST) -> None:
        if self.stack and self.stack[-1].inside_raw == id(node):
            self.stack[-1].inside_raw = None

    leave_Await = leave_Subscript = leave_Attribute = _leave_raw

    def visit_Call(self, node: ast.Call) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        name = dotted(node.func) or ""
        tail = last_name(name) if name else (node.func.attr if isinstance(node.func, ast.Attribute) else "")
        if (tail in _AUTH_BODY_CALLS or ("redirect" in (tail or "").lower() or tail in _REDIRECT_CLASSES) and
                _mentions_login(node) or
                tail in _DENIALS or _LOGIN_REDIRECT.search(tail or "") or _refuses(node)) and not fn.in_assert:
            fn.auth_check = True
        if tail in _RESOLVERS:
            fn.resolves_host = True
        if tail in _WRITE_CALLS and self._own_session(node.func):
            pass  # `request.session.save()`: the caller's own session (a cookie's key), no one's stored records
        elif tail in _WRITE_CALLS:
            fn.writes = True
            fn.persists = fn.persists or tail in _PERSIST_CALLS and isinstance(node.func, ast.Attribute)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call) and \
                dotted(node.func.value.func) == "super":
            fn.writes = True  # `return super().post(request)`: the base's behaviour (a CreateView saves) is not read
        if tail in _STORE_CALLS and (isinstance(node.func, ast.Attribute) or tail.startswith("send_")) and \
                not self._own_session(node.func):
            fn.stores = True
        if fn.body_validated is None and isinstance(node.func, ast.Attribute):
            what = _whole_request_validation(node, tail)
            if what:
                fn.body_validated = [what, getattr(node, "end_lineno", node.lineno) or node.lineno]
        if _IDENTITY_CALL.match(tail or "") and not (tail == "get_user" and (_looks_up_a_user(node) or
                                                                         _SUBMITTED.search(dotted(node.func) or ""))):
            self._identity_read(fn, None)
        if name == "setattr" and len(node.args) == 3 and isinstance(node.args[1], ast.Constant) and \
                node.args[1].value == "dispatch":
            self._dispatch_wrapper(fn, node.args[2])
        if tail in _TOKEN_CHECKS or tail.startswith("unsign"):
            fn.token_check = fn.token_check or f"{tail}()"
        if fn.request_to is None and tail and tail not in _REQUEST_ONLY_SHOWN and (node.args or node.keywords) and \
                any(isinstance(a, ast.Name) and (a.id in fn.request_names or a.id == "request" and
                                                 self._request_kind(a) == "flask") for a in call_arguments(node)):
            fn.request_to = name or tail  # `form.save(request)`: what it does with the caller is not read here
        if tail in _OAUTH_REDIRECTS and isinstance(node.func, ast.Attribute):
            fn.oauth_redirect = fn.oauth_redirect or f"{tail}()"
        if _CREDENTIAL_CALL.match(tail or "") and any("passw" in _code(self.ctx, a).lower()
                                                       for a in [*node.args, *(k.value for k in node.keywords)]):
            fn.credentials = fn.credentials or f"{tail}()"
        if name in _END_SESSION_CALLS or tail in ("logout_user", "logout") and not isinstance(node.func, ast.Attribute):
            fn.ends_session = fn.ends_session or f"{name}()"
        elif fn.starts_session is None and tail in ("login", "login_user") and \
                self.ctx.qualname(node.func) in _START_SESSION_CALLS:
            fn.starts_session = f"{self.ctx.qualname(node.func)}()"
        if fn.serves_file is None and (tail in FILE_RESPONSES or tail == "HTMLResponse"):
            fn.serves_file = tail
        if fn.starts_session is None and tail == "set_cookie" and isinstance(node.func, ast.Attribute):
            key = keyword(node, "key") or positional(node, 0)
            if key is not None and _AUTH_COOKIE.search(_code(self.ctx, key)[:80]):
                fn.starts_session = f"set_cookie({_code(self.ctx, key)[:40]})"
        if tail in ("path", "re_path", "url") and (self.ctx.qualname(node.func) or "").startswith("django."):
            fn.builds_urls = True  # a helper that returns path()s (`get_model_urls`)
        elif tail in ("append", "add", "register") and self._passes_first_param(node, fn):
            fn.registers = True  # a registration decorator's wrapper: `registry[...].append({"view": cls})`
        bare = (tail or "").lstrip("_")  # a module's private helper (`_verify_signature`) says the same
        if bare in _SIGNATURE_CALLS or "signature" in bare.lower() and bare.lower().startswith(("verify", "check",
                                                                                              "validate")):
            fn.signature_check = fn.signature_check or f"{tail}()"
        if _SENDER_CHECK.match(bare) or tail == "compare_digest" and any(
                _SIGNED_INPUT.search(_code(self.ctx, a)) for a in node.args) or \
                tail == "verify" and self._webhook_verifier(node.func, fn):
            fn.signature_check = f"{tail}()"
            fn.sender_checked = True
        if isinstance(node.func, ast.Call) and node.func.args and isinstance(node.func.args[0], ast.Constant) and \
                isinstance(node.func.args[0].value, str) and node.func.args[0].value.isidentifier():
            fn.dispatched.append(node.func.args[0].value)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "as_view" and dotted(node.func.value):
            fn.delegates.append(dotted(node.func.value))
        if tail in _PAGINATE_CALLS:
            fn.paginates = True
        if tail == "abort" and _is_int(_first_argument(node), (401, 403)):
            fn.auth_check = True
        if tail == "url_for":
            # `url_for(".authorize", next=request.args.get("next"))`: quoted into a query parameter of the app's
            # own route, which reads and checks it there. Not a template's context: a value reflected into a
            # page (a return_url link, a password refilled) is a use the reviews count.
            fn.displayed.update(id(a) for a in call_arguments(node))
        if _VISIBILITY_CHECK.match(tail or "") and not fn.in_assert and any(
                _CALLER.search(_code(self.ctx, a)) for a in call_arguments(node)):
            fn.auth_check = True  # `status.raise_visible_to_user(request.user)`: an object-level check of the caller
        elif _VISIBILITY_FILTER.search(tail or "") and any(_CALLER.search(_code(self.ctx, a)) for a in call_arguments(node)):
            # `Status.privacy_filter(request.user)`: what anyone may see, narrowed for the caller (anonymous too)
            fn.serves_anonymous = True
        if isinstance(node.func, ast.Attribute) and node.func.attr in _MAPPING_WRITES and \
                self._source_attr(node.func.value):
            fn.skip.add(id(node.func.value))  # the view fills the request's mapping with values of its own
        if fn.inside_raw is None:
            func = node.func
            if self._raw_method_call(node):
                self._raw(node)
            elif isinstance(func, ast.Attribute) and func.attr in _MAPPING_METHODS and self._source_attr(func.value):
                self._raw(node, conversion=keyword(node, "type") is not None)
            elif (self.ctx.qualname(func) or "") in ("json.loads", "orjson.loads", "ujson.loads") and \
                    self._source_attr(_first_argument(node)):
                self._raw(node)
        if tail in _CHECK_CALLS or _CHECK_NAME.match(tail or ""):
            # isinstance(ids, list), Model.__mapper__.has_property(field), _allow_redirect(url),
            # is_valid_uuid_string(rid): a type or allowlist check of the local, or of the read itself
            for a in call_arguments(node):
                if isinstance(a, ast.Name):
                    fn.checked_locals.add(a.id)
                else:
                    fn.tested.add(id(a))
        if tail in _SET_TESTS and isinstance(node.func, ast.Attribute):
            fn.skip.update(id(n) for n in (node.func.value, *node.args) if isinstance(n, ast.Name))
        qn = self.ctx.qualname(node.func) or ""
        if tail == "validate" or qn.startswith(("jsonschema.", "cerberus.", "voluptuous.")):
            # `jsonschema.validate(request.data, schema)` checks the payload in place: later reads of it are checked
            fn.validated_sources.update(ast.dump(a) for a in call_arguments(node) if self._source_attr(a))
        if self._is_validator(node, tail):
            # validate(data, schema) / form.is_valid(): a raw local handed to a validator is checked in place
            fn.checked_locals.update(a.id for a in call_arguments(node) if isinstance(a, ast.Name)
                                     and a.id in fn.raw_locals)
            fn.safe_depth += 1
            fn.skip.add(id(node))
            fn.validator_calls.add(id(node))
            constructor = self._constructor(node, tail)
            fn.safe_calls.append(constructor)
            if constructor is None:
                fn.validates = fn.validates or tail in _VALIDATOR_METHODS or bool(_SCHEMA_CLASS.match(tail))

    def leave_Call(self, node: ast.Call) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        if id(node) in fn.validator_calls:
            fn.safe_depth -= 1
            fn.safe_calls.pop()
        self._leave_raw(node)

    @staticmethod
    def _webhook_verifier(func: ast.expr, fn: _Fn) -> bool:
        """`Webhook(secret).verify(body, headers)` (svix, standardwebhooks), directly or through a local."""
        receiver = func.value if isinstance(func, ast.Attribute) else None
        if isinstance(receiver, ast.Name):
            receiver = fn.locals_expr.get(receiver.id, receiver)
        return isinstance(receiver, ast.Call) and last_name(dotted(receiver.func)).endswith("Webhook")

    def _constructor(self, node: ast.Call, tail: str) -> str | None:
        """The class a call constructs when that class validates only if it is a schema: `Note(**data)`,
        `NoteModel(title=data["t"])`. An ORM model does not validate; the project pass tells which."""
        if not tail[:1].isupper() or tail in _CONVERSIONS or tail in self.ctx.facts.get("schema_classes", ()) or \
                _STRICT_SCHEMA.match(tail):
            return None
        qn = self.ctx.qualname(node.func) or ""
        if qn.startswith(("jsonschema.", "cerberus.", "voluptuous.", "marshmallow.", "pydantic.")):
            return None
        return dotted(node.func)

    def _into_constructor(self, node: ast.expr, fn: _Fn) -> None:
        loc = pos(self.ctx, node)
        loc["symbol"] = fn.qualname
        loc["model"] = fn.safe_calls[-1]
        fn.constructor_reads.append(loc)

    def _paginator(self, node: ast.expr) -> bool:
        """`paginator`, `self.paginator`, or a local built by a `...Paginator(...)` class."""
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        if name.lower().endswith("paginator"):
            return True
        built = self.stack[-1].locals_expr.get(name) if isinstance(node, ast.Name) else None
        return isinstance(built, ast.Call) and (last_name(dotted(built.func) or "") or "").endswith("Paginator")

    @staticmethod
    def _passes_first_param(call: ast.Call, fn: _Fn) -> bool:
        params = [*fn.node.args.posonlyargs, *fn.node.args.args]
        if not params:
            return False
        first = params[0].arg
        return any(isinstance(n, ast.Name) and n.id == first for a in call.args for n in ast.walk(a))

    def _is_validator(self, node: ast.Call, tail: str) -> bool:
        if tail in _VALIDATOR_METHODS or tail in _CONVERSIONS or tail in _FORM_FACTORIES or \
                _SCHEMA_CLASS.match(tail or "") or _PARSER_NAME.match(tail or ""):
            return True
        if tail[:1].isupper() and any(kw.arg is None for kw in node.keywords):
            return True  # Model(**payload): a pydantic/dataclass constructor checks the fields
        if _BOOLEAN_NAME.match(tail or ""):
            return True
        if isinstance(node.func, ast.Name):
            built = self.stack[-1].locals_expr.get(node.func.id) if self.stack else None
            if isinstance(built, ast.Call) and _FACTORY_CLASS.search(last_name(dotted(built.func) or "") or ""):
                return True
            if isinstance(built, ast.Call) and (last_name(dotted(built.func) or "") or "").endswith("Validator"):
                # `check = URLValidator(schemes=[...])`, then `check(url)`: raises ValidationError
                for a in call_arguments(node):
                    if isinstance(a, ast.Name):
                        self._checked_read(self.stack[-1], a.id)
                return True
        if self._validated_later(node):
            return True
        if tail == "page" and isinstance(node.func, ast.Attribute) and self._paginator(node.func.value):
            return True  # Django's Paginator.page() rejects what is not a page number (PageNotAnInteger)
        qn = self.ctx.qualname(node.func) or ""
        if qn in _ESCAPERS:
            return True
        return qn.startswith(("jsonschema.", "cerberus.", "voluptuous.", "marshmallow.", "pydantic.")) or \
            tail in self.ctx.facts.get("schema_classes", ())

    def _validated_later(self, node: ast.Call) -> bool:
        """`form = getattr(forms, f"{kind}Form")(request.POST)` then `if not form.is_valid():`: whatever class
        was picked, the object built from the request is asked to validate it before use."""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        if not isinstance(parent, (ast.Assign, ast.AnnAssign)) or parent.value is not node or not self.stack:
            return False
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        return bool(names & self._validating(self.stack[-1]).keys())

    def _validating(self, fn: _Fn) -> dict[str, str]:
        if fn.validated_names is None:
            calls = sorted((n.lineno, n.func.value.id, n.func.attr) for n in self.ctx.own_nodes(fn.node)
                           if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and
                           n.func.attr in _VALIDATE_CALLS and isinstance(n.func.value, ast.Name))
            fn.validated_names = {name: (method, line) for line, name, method in calls}  # the last call of each
        return fn.validated_names

    def _validated_holder(self, fn: _Fn, node: ast.AST) -> str:
        """The request value is stored on an object the function validates as a whole: `profile.theme = v`
        then `profile.full_clean()` (the model's choices, lengths and validators, a ValidationError
        otherwise), or on what a validated form or serializer made (`token = form.save(commit=False)` after
        `form.is_valid()`). The validating call as written, or ""."""
        root = stored_on(self.ctx.parents, node).split(".")[0]
        if not root:
            return ""
        names = self._validating(fn)
        made = fn.locals_expr.get(root)
        while isinstance(made, (ast.Call, ast.Attribute)):
            made = made.func if isinstance(made, ast.Call) else made.value
        # the object itself must be validated after the store; what a form made, after the form was
        holder = root if root in names and names[root][1] >= getattr(node, "lineno", 0) else \
            made.id if isinstance(made, ast.Name) and made.id in names else ""
        return f"{holder}.{names[holder][0]}()" if holder else ""

    # --- locals -----------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        self._store(fn, node.targets)
        # `request.me, request.my_session = authorized_user_with_session(request)`: each element is set
        targets = [e for t in node.targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
        set_here = [t.attr for t in targets if isinstance(t, ast.Attribute) and
                    t.attr not in _REQUEST_OWN and self._request_kind(t.value)]
        fn.sets_request += set_here
        if set_here and isinstance(node.value, ast.Call) and \
                _USER_LOOKUP.search(last_name(dotted(node.value.func) or "")):
            fn.identity_seen = True  # put on the request from a lookup of the user who sent it
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Attribute) and \
                node.targets[0].attr == "dispatch":
            self._dispatch_wrapper(fn, node.value)  # `cls.dispatch = check(cls.dispatch)`
        if any(isinstance(t, ast.Attribute) and t.attr in PREFILL for t in node.targets):
            # `form.id.data = request.args["project_id"]`: a form field prefilled, validated when submitted
            (fn.skip if isinstance(node.value, ast.Name) else fn.tested).add(id(node.value))
        for target in node.targets:
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and \
                    len(target.elts) == len(node.value.elts):
                # `rid, rid_str = None, request.GET.get("rid")`: each name takes its own value
                for t, v in zip(target.elts, node.value.elts):
                    if isinstance(t, ast.Name):
                        fn.skip.add(id(t))
                        fn.assigned[id(v)] = t.id
                        fn.locals_expr[t.id] = v
                continue
            if isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name) and \
                    isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) and \
                    node.value.func.attr in ("get_or_create", "update_or_create"):
                # `board, _ = Board.objects.get_or_create(...)`: the first name is the row the query fetched
                fn.locals_expr[target.elts[0].id] = node.value
                continue
            if isinstance(target, ast.Name):
                fn.skip.add(id(target))
                value = node.value
                fn.assigned[id(value)] = target.id
                if isinstance(value, ast.BoolOp):
                    # `next_url = request.POST.get("next") or request.GET.get("next")`: the local holds
                    # one of the operands, whichever it is, and a check of the local checks each
                    for operand in value.values:
                        fn.assigned.setdefault(id(operand), target.id)
                # `tags = set(request.GET.getlist("tag"))`: the local holds the read, reshaped
                inner = _unwrap_reshape(value)
                if inner is not value:
                    fn.assigned[id(inner)] = target.id
                elif isinstance(value, ast.Call) and value.args and not isinstance(value.args[0], ast.Starred) and \
                        not (self.ctx.qualname(value.func) or "").startswith("builtins."):
                    # `next_url = strip_language(request.GET.get("next", "/"))`: the local holds what a helper
                    # made of the read; a check of the local (url_has_allowed_host_and_scheme) is its check,
                    # and any unchecked use of the local is still reported at the read. Not a builtin's
                    # wrapping (`str(request.form.get("code"))`): the read itself, as the corpus judged it
                    fn.assigned.setdefault(id(value.args[0]), target.id)
                    if dotted(value.func):
                        fn.helper_args[id(value.args[0])] = dotted(value.func)
                fn.locals_expr[target.id] = value
                read = _unwrap_case(value)
                if read is not value:
                    at = pos(self.ctx, read)
                    fn.recased[target.id] = (at["line"], at["col"])
                elif target.id in fn.recased and not rebinds_from(target.id, value):
                    # asked only of a recased local (the pop's only effect): every `x = ...` of a function
                    # walked its value, 234,000 walks over netbox
                    fn.recased.pop(target.id)

    def leave_Assign(self, node: ast.Assign) -> None:
        # after `amount = Decimal(str(amount))` the local holds the parsed value: its later uses are not the read's
        if self.stack and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            fn, name = self.stack[-1], node.targets[0].id
            if name in fn.raw_locals and rebinds_from(name, node.value):
                fn.derived.add(name)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if self.stack:
            self._store(self.stack[-1], [node.target])

    @staticmethod
    def _store(fn: _Fn, targets: list[ast.expr]) -> None:
        """`request.session["k"] = v`, `user.name = v`: a store into something the function did not build."""
        params = {a.arg for a in (*fn.node.args.posonlyargs, *fn.node.args.args, *fn.node.args.kwonlyargs)}
        for t in targets:
            if isinstance(t, (ast.Attribute, ast.Subscript)):
                root = t
                while isinstance(root, (ast.Attribute, ast.Subscript)):
                    root = root.value
                if not isinstance(root, ast.Name) or root.id in params or root.id not in fn.locals_expr:
                    fn.writes = True

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # `if order := request.POST.get("order"):` binds a local like an assignment does
        if self.stack and isinstance(node.target, ast.Name):
            fn = self.stack[-1]
            fn.skip.add(id(node.target))
            fn.assigned[id(node.value)] = node.target.id
            fn.locals_expr[node.target.id] = node.value

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if self.stack and isinstance(node.target, ast.Name) and node.value is not None:
            fn = self.stack[-1]
            fn.skip.add(id(node.target))
            fn.assigned[id(node.value)] = node.target.id
            fn.locals_expr[node.target.id] = node.value

    def visit_If(self, node: ast.If) -> None:
        self._benign_test(node.test)
        if self.stack and isinstance(node, ast.If) and not self.stack[-1].public_switch:
            self.stack[-1].public_switch = public_switch(node.test)
        if isinstance(node, ast.If) and self.stack:
            self._guarded_branches(node)
        if self.stack and isinstance(node, ast.If) and self.session_tests and \
                _session_user_test(node.test, self.stack[-1].locals_expr) and \
                any(isinstance(n, (ast.Return, ast.Raise)) for n in node.body):
            self.stack[-1].auth_check = True  # `if "username" not in session: return redirect("/")`
        if self.stack and isinstance(node, ast.If) and self._owner_exit(node):
            self.stack[-1].auth_check = True
        if self.stack and isinstance(node, ast.If) and anonymous_test(node.test) and \
                isinstance(node.body[0], (ast.Return, ast.Raise)):
            self.stack[-1].auth_check = True  # `if isinstance(request.user, AnonymousUser): return Response(403)`
        if self.stack and isinstance(node, ast.If) and isinstance(node.test, ast.UnaryOp) and \
                isinstance(node.test.op, ast.Not) and isinstance(node.body[-1], (ast.Return, ast.Raise)) and \
                authz_term(node.test, self.ctx.segment(node.test)) and not only_authentication(
                    node.test, self.ctx.segment(node.test)):
            self.stack[-1].permission_gate = True
        if self.stack and isinstance(node, ast.If) and self.path_tests:
            self.stack[-1].exempt_paths.extend(open_paths(node))
        if self.stack and isinstance(node, ast.If) and any(isinstance(n, (ast.Return, ast.Raise)) for n in node.body):
            gate = self._gate_attr(node.test)
            if gate:
                self.stack[-1].gate_attrs.append(gate)
        if self.stack and isinstance(node, ast.IfExp):
            self.stack[-1].choice_tests.add(id(node.test))
        branches = [node.body, node.orelse] if isinstance(node, ast.IfExp) else [*node.body, *node.orelse]
        presence = bool(self.stack) and self.presence_tests and _identity_presence_test(node.test)
        if presence and not any(
                isinstance(n, (ast.Raise, ast.Return)) or isinstance(n, ast.Call) and last_name(dotted(n.func) or "")
                in _LEAVE_CALLS for st in branches for n in ast.walk(st)):
            self.stack[-1].serves_anonymous = True  # `if current_user.is_authenticated: add details`
        if self.stack and isinstance(node, ast.If) and (presence or
                                                        node.orelse and _mode_switch(node.test)):
            # `if "username" in g.session: username = g.session["username"]`: the identity is read only when
            # there is one, so anonymous callers are served by design (personalised when logged in)
            self.stack[-1].optional_identity.append(id(node))

    def _gate_attr(self, test: ast.expr) -> str | None:
        """`not request.X` / `request.X is None` for an attribute the project sets on the request (not one of
        Django's own), or None."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            target = test.operand
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) and \
                isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
            target = test.left
        else:
            return None
        if isinstance(target, ast.Attribute) and target.attr not in _REQUEST_OWN and self._request_kind(target.value):
            return target.attr
        return None

    def visit_Raise(self, node: ast.Raise) -> None:
        # `if not may_upload(request): raise PermissionDenied` (the class, uncalled): a refusal decided by who
        # calls; one under a test that never looks at the caller (a site-wide switch) guards nobody
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        named = last_name(dotted(exc) or "") if isinstance(exc, (ast.Name, ast.Attribute)) else ""
        if not self.stack or not named:
            return
        test = next((p.test for p in reversed(self.ctx.parents) if isinstance(p, ast.If)), None)
        if named in _DENIALS and exc is node.exc and test is not None and _CALLER_TEST.search(ast.unparse(test)):
            self.stack[-1].auth_check = True
        if _DENIAL_EXC.match(named) and test is not None and (_ACCESS_WORDS.search(ast.unparse(test)) or
                                                              _ACCESS_WORDS.search(self.stack[-1].node.name)):
            self.stack[-1].refuses = True

    def _identity_read(self, fn: _Fn, node: ast.AST | None) -> None:
        """A read of who is asking; outside an `if <there is a user>:` test it says the function expects a
        login, unless every such read only hands the caller to the query that picks the rows (node None: a call
        such as `get_current_user()`, never a scope by itself)."""
        fn.identity_seen = True
        if fn.optional_identity:
            return
        parent = self.ctx.parents[-1] if node is not None and self.ctx.parents else None
        if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 and \
                isinstance(parent.targets[0], ast.Name):
            # `user = request.user`: a name for the caller; each later use of it is the read
            fn.identity_aliases.add(parent.targets[0].id)
            return
        fn.reads_identity = True
        fn.identity_reads += 1
        scope = identity_scope(self.ctx.parents, node) if node is not None else None
        if scope:
            fn.identity_scopes.append(scope)

    def _in_choice(self, fn: _Fn, node: ast.AST) -> bool:
        """Inside the test of `a if <test> else b`: `CAN_EDIT = True if user == request.user else False` picks
        a value for whoever calls, anonymous callers included; it is no sign the page expects a login."""
        tests = fn.choice_tests
        return bool(tests) and (id(node) in tests or any(id(p) in tests for p in self.ctx.parents))

    def _owner_exit(self, node: ast.If) -> bool:
        """`if not user or user != request.user: return redirect("/")`: the branch leaves unless the caller is
        the object's user; an anonymous caller is nobody's user, so this refuses it (an owner check)."""
        if not any(isinstance(st, (ast.Return, ast.Raise)) for st in node.body):
            return False
        for n in ast.walk(node.test):
            if isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], (ast.NotEq, ast.IsNot)) and \
                    any(_caller_ref(side) for side in (n.left, n.comparators[0])):
                return True
        return False

    def leave_If(self, node: ast.If) -> None:
        if self.stack and self.stack[-1].optional_identity and self.stack[-1].optional_identity[-1] == id(node):
            self.stack[-1].optional_identity.pop()

    visit_IfExp = visit_While = visit_If

    def visit_comprehension(self, node: ast.comprehension) -> None:
        for test in node.ifs:  # `[p for p in plugins if not q or ...]`: a filter tests, like an `if`
            self._benign_test(test)

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> None:
        """`[int(pk) for pk in ids.split(",") if pk.isdigit()]`: each piece is converted, the raw local only
        feeds the conversion."""
        if not self.stack or len(node.generators) != 1 or not isinstance(node.generators[0].target, ast.Name):
            return
        var, elt = node.generators[0].target.id, node.elt
        if isinstance(elt, ast.Call) and self._converts(elt) and \
                any(isinstance(a, ast.Name) and a.id == var for a in call_arguments(elt)):
            fn = self.stack[-1]
            fn.skip.update(id(n) for n in ast.walk(node.generators[0].iter)
                           if isinstance(n, ast.Name) and n.id in fn.raw_locals)

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def _converts(self, call: ast.Call) -> bool:
        name = dotted(call.func) or ""
        tail = last_name(name) if name else ""
        return tail in _CONVERSIONS or bool(_BOOLEAN_NAME.match(tail or ""))

    def visit_Try(self, node: ast.Try) -> None:
        """`try: reorder(ids=order.split(",")) except ValueError: return HttpResponse(status=400)`: the callee
        rejects bad input by raising and the view answers 400; the raw locals it was handed are checked there."""
        # one statement: the call that raises is the one handed the value, not a neighbour's int()
        if not self.stack or len(node.body) != 1 or not any(_rejects_input(h) for h in node.handlers):
            return
        fn = self.stack[-1]
        for call in iter_nodes(node.body):
            if isinstance(call, ast.Call):
                # the arguments, and the receiver of a method that parses it (`raw_body.decode("utf-8")`)
                handed = [*call_arguments(call), *([call.func.value] if isinstance(call.func, ast.Attribute) and
                                                   call.func.attr == "decode" else [])]
                fn.checked_locals.update(n.id for a in handed for n in ast.walk(a)
                                         if isinstance(n, ast.Name) and n.id in fn.raw_locals)

    def _guarded_branches(self, node: ast.If) -> None:
        """`if _allow_redirect(request.GET.get("next")): q["next"] = request.GET["next"]`: the same read
        again where the check passed is the checked value. `if validate_email(name): ... else: use(name)`:
        where the check failed, the local is as unchecked as it came."""
        fn = self.stack[-1]
        test = node.test
        members = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
        for member in members:
            if isinstance(member, ast.Compare) and len(member.ops) == 1 and \
                    isinstance(member.ops[0], (ast.Is, ast.Eq)) and isinstance(member.comparators[0], ast.Constant) \
                    and member.comparators[0].value is True:
                member = member.left  # `validate_email(name) is True`
            if not isinstance(member, ast.Call) or not self._predicate(member):
                continue
            for arg in call_arguments(member):
                if isinstance(arg, ast.Name):
                    if len(members) == 1:  # `a and check(x)` failing says nothing about x
                        fn.failed_uses.update(id(n) for n in iter_nodes(node.orelse)
                                              if isinstance(n, ast.Name) and n.id == arg.id)
                    continue
                key = self._read_key(arg)
                if key is not None:
                    fn.tested.update(id(n) for n in iter_nodes(node.body) if self._read_key(n) == key)

    def _predicate(self, call: ast.Call) -> bool:
        """A call that answers whether its argument is acceptable: `is_safe_url(u)`, `validate_email(e)`."""
        name = dotted(call.func) or ""
        tail = last_name(name) if name else (call.func.attr if isinstance(call.func, ast.Attribute) else "")
        return bool(tail) and (tail in _CHECK_CALLS or bool(_CHECK_NAME.match(tail)) or bool(_PARSER_NAME.match(tail)))

    def _read_key(self, node: ast.AST) -> str | None:
        """What a read of one request key reads (`request.GET["next"]` and `request.GET.get("next")` alike)."""
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and self._source_attr(node.value):
            return f"{ast.dump(node.value)}[{node.slice.value!r}]"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and \
                node.args and isinstance(node.args[0], ast.Constant) and self._source_attr(node.func.value):
            return f"{ast.dump(node.func.value)}[{node.args[0].value!r}]"
        return None

    def _benign_test(self, test: ast.expr) -> None:
        # `if not data:` / `if data is None:` checks presence, it does not use the value; nor does
        # `if request.query_params.get("latest"):` (a flag read for its truth)
        if not self.stack:
            return
        if isinstance(test, ast.BoolOp):  # `if request.args.get("next") and is_safe_url(...)`: each operand
            for value in test.values:
                self._benign_test(value)
            return
        if isinstance(test, ast.UnaryOp):
            test = test.operand
            if isinstance(test, ast.BoolOp):  # `not (request.GET.get("a") and request.GET.get("b"))`
                self._benign_test(test)
                return
        if isinstance(test, ast.Compare):
            test = test.left
        if isinstance(test, ast.Name):
            self.stack[-1].skip.add(id(test))
        elif isinstance(test, (ast.Call, ast.Attribute, ast.Subscript)):
            self.stack[-1].tested.add(id(test))

    def visit_Compare(self, node: ast.Compare) -> None:
        if self.stack:
            self._method_test(node)
        # `"take" in request.GET` tests for a key; it does not use a value
        if not self.stack:
            return
        fn = self.stack[-1]
        for op, comparator in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                fn.skip.add(id(comparator))
        if len(node.ops) != 1:
            return
        op, right = node.ops[0], node.comparators[0]
        left = node.left
        if isinstance(op, (ast.NotIn, ast.NotEq)) and isinstance(left, ast.Attribute) and left.attr == "endpoint" \
                and self._request_kind(left.value) == "flask":
            fn.exempt_endpoints.extend(_endpoint_names(right))
        if isinstance(op, (ast.Eq, ast.NotEq)) and fn.token_check is None and not _constant_like(left) and \
                not _constant_like(right):
            for side, other in ((left, right), (right, left)):
                key = _request_token(fn.locals_expr.get(side.id) if isinstance(side, ast.Name) else side)
                against = fn.locals_expr.get(other.id) if isinstance(other, ast.Name) else other
                if key and not _request_read(against):
                    # `request.args.get("token") != settings_token`: the URL's token is the credential (a
                    # double-submit CSRF check compares two values the caller sent, and is no such check)
                    fn.token_check = f"{_code(self.ctx, other)[:40]} compared with the request's {key!r}"
                    break
        # `field not in ("name", "affiliation")`, `locale in (lc for lc, _ in LANGUAGES)`: an allowlist check
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(left, ast.Name) and left.id in fn.raw_locals \
                and not isinstance(right, ast.Name) or isinstance(op, (ast.In, ast.NotIn)) and \
                isinstance(left, ast.Name) and isinstance(right, ast.Name) and (right.id.isupper() or isinstance(
                    fn.locals_expr.get(right.id), (ast.Dict, ast.Set, ast.List, ast.Tuple))):
            # ... or a local the function binds to a literal table (`endpoints = {"book": book_search, ...}`)
            fn.checked_locals.add(left.id)
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(left, ast.Name) and \
                isinstance(right, (ast.Set, ast.List, ast.Tuple)) and right.elts and \
                all(isinstance(e, ast.Constant) for e in right.elts):
            self._checked_read(fn, left.id)
        # `urlsplit(next_page).netloc != ""`: a value derived from the local compared with a string constant
        # is a check of the local (an open-redirect guard)
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, ast.Constant) and isinstance(right.value, str) \
                and isinstance(left, (ast.Call, ast.Attribute)):
            # only a local handed to a function (urlsplit(url)), not a payload read key by key (data.get("k"))
            fn.checked_locals.update(a.id for c in ast.walk(left) if isinstance(c, ast.Call) for a in c.args
                                     if isinstance(a, ast.Name) and a.id in fn.raw_locals)
        # `request.GET.get("export") == "output"`: compared with a constant, the value is only tested
        if isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)) and _constant_like(right):
            fn.tested.add(id(left))
            if isinstance(left, ast.Name):
                fn.skip.add(id(left))
        # `password == preset_password`, `str(request.data["id"]) != str(kwargs["pk"])`,
        # `q.casefold() in title.casefold()`: an equality or membership test consumes the value (the needle);
        # what it holds goes nowhere
        if isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
            for side in (left, right) if isinstance(op, (ast.Eq, ast.NotEq)) else (left,):
                side = _same_value(side)
                if isinstance(side, ast.Name):
                    fn.skip.add(id(side))
                else:
                    fn.tested.add(id(side))

    def _method_test(self, node: ast.Compare) -> None:
        """`request.method == "POST"` / `request.method in ("PUT", "PATCH")`: the verbs a function view
        branches on are verbs it serves (a view that never looks at the method serves GET)."""
        sides = [node.left, *node.comparators]
        if not any(isinstance(s, ast.Attribute) and s.attr == "method" and self._request_kind(s.value)
                   for s in sides):
            return
        for side in sides:
            values = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and \
                        v.value.upper() in _HTTP_METHOD_NAMES:
                    self.stack[-1].methods_seen.add(v.value.upper())

    def visit_Name(self, node: ast.Name) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        if isinstance(node.ctx, ast.Load) and (node.id == "current_user" or node.id == "session" and (
                self.ctx.qualname(node) or "") in ("flask.session", "quart.session", "flask.globals.session")
                and self._session_user_read(node)):
            self._identity_read(fn, node)  # current_user, the session's user
        elif node.id in fn.identity_aliases and isinstance(node.ctx, ast.Load):
            self._identity_read(fn, node)  # `user` after `user = request.user`
        if node.id in fn.body_params and node.id not in fn.param_damage and isinstance(node.ctx, ast.Load):
            harm = damage(self.ctx.parents, node)
            if harm and not harm.startswith("built:"):
                fn.param_damage[node.id] = harm
            elif node.id not in fn.param_calls:
                handed = _handed_to(self.ctx.parents, node)
                if handed:
                    fn.param_calls[node.id] = handed  # `create(forms_in=forms_in)`: the callee may store it
        if node.id in fn.derived:
            return  # what an expression made of the read (`amount = Decimal(str(amount))`), used from here on
        if node.id in fn.raw_locals and id(node) not in fn.skip and fn.safe_depth == 0 and \
                not self._each_item_converted(node):
            fn.raw_bad_locals.add(node.id)
            parent = self.ctx.parents[-1] if self.ctx.parents else None
            callee = dotted(parent.func) if isinstance(parent, ast.Call) and any(a is node for a in parent.args) \
                else None
            if callee:
                fn.raw_into.setdefault(node.id, set()).add(callee)
                fn.raw_into_at[node.id] = next(i for i, a in enumerate(parent.args) if a is node)
            else:
                fn.raw_other.add(node.id)
            if fn.raw_damage.get(node.id, "built:").startswith("built:"):  # a store outranks a class built
                harm = damage(self.ctx.parents, node)
                if harm and not (harm.startswith("built:") and node.id in fn.raw_damage):
                    fn.raw_damage[node.id] = harm
                    owner = owner_scoped(self.ctx.parents, node, fn.locals_expr)
                    if owner:
                        fn.raw_owner[node.id] = owner
                    else:
                        fn.raw_owner.pop(node.id, None)
                    field = stored_field(self.ctx.parents, node, fn.locals_expr)
                    if field:
                        fn.raw_field[node.id] = field
                    else:
                        fn.raw_field.pop(node.id, None)
                    fn.raw_validated[node.id] = self._validated_holder(fn, node)
                    holder = _bound_object(self.ctx.parents) if harm.startswith("built:") else None
                    if holder:
                        fn.built_into[node.id] = holder
                        fn.built_at[node.id] = node.lineno
            if id(node) in fn.failed_uses:
                fn.failed_locals.add(node.id)
        elif node.id in fn.raw_locals and id(node) not in fn.skip and fn.safe_calls and fn.safe_calls[-1]:
            self._into_constructor(node, fn)

    def _session_user_read(self, node: ast.Name) -> bool:
        """Flask's session read under a key naming who is logged in (`session["user_id"]`,
        `session.get("id")`, `"username" in session`); a language, a cart, a write or the whole session handed
        to a template says nothing about a login."""
        return self._session_key(node) is True

    def _session_upkeep(self) -> bool:
        """`request.session.save()`, `request.session.session_key`: keeping the session itself (an anonymous
        visitor gets one too), which says nothing of who is logged in."""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        return isinstance(parent, ast.Attribute) and parent.attr in _SESSION_UPKEEP

    def _session_key(self, node: ast.expr) -> bool | None:
        """Whether a session read (Flask's `session`, Django's `request.session`) is under a literal key naming
        who is logged in (True), under another literal key (False: `request.session.pop("deleted_account")`,
        a one-shot value an earlier step left; a write or a pop: a pending value of a flow), or not a read under
        a literal key (None)."""
        parents = self.ctx.parents
        parent = parents[-1] if parents else None
        key = None
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if not isinstance(parent.ctx, ast.Load):
                # `request.session["user_pk"] = user.pk`: a step of a flow leaving a pending user for the next
                # one (a recovery code, a second factor); writing the session reads nobody's login
                return False
            key = parent.slice
        elif isinstance(parent, ast.Attribute) and parent.attr == "pop" and len(parents) > 1 and \
                isinstance(parents[-2], ast.Call):
            # `request.session.pop("user_pk")`: consuming what an earlier step of the flow left, once; the
            # logged-in user's own key is not popped by the views that serve them
            return False
        elif isinstance(parent, ast.Attribute) and parent.attr in ("get", "setdefault") and len(parents) > 1 \
                and isinstance(parents[-2], ast.Call) and parents[-2].args:
            key = parents[-2].args[0]
        elif isinstance(parent, ast.Compare) and any(c is node for c in parent.comparators):
            key = parent.left
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        return bool(_SESSION_IDENTITY.search(key.value) or key.value.lower() in ("id", "uid"))

    def _each_item_converted(self, node: ast.Name) -> bool:
        """`{uuid.UUID(str(raw)) for raw in form_data.getlist("ids")}`: the raw local is only walked by a
        comprehension whose every element is a conversion (or validator) of the item: each value is parsed,
        and one that does not parse raises."""
        parents = self.ctx.parents
        for i in range(len(parents) - 1, 0, -1):
            clause = parents[i]
            if not isinstance(clause, ast.comprehension):
                continue
            comp = parents[i - 1]
            element = getattr(comp, "elt", None)
            child = parents[i + 1] if i + 1 < len(parents) else node
            if child is not clause.iter or not isinstance(element, ast.Call):
                return False
            tail = last_name(dotted(element.func) or "") if dotted(element.func) else ""
            items = {n.id for n in ast.walk(clause.target) if isinstance(n, ast.Name)}
            return (tail in _CONVERSIONS or self._is_validator(element, tail or "")) and any(
                isinstance(n, ast.Name) and n.id in items for a in call_arguments(element) for n in ast.walk(a))
        return False

    # --- asserts (BA-AUTH-004) -------------------------------------------------------------
    def visit_Assert(self, node: ast.Assert) -> None:
        if not self.stack:
            return
        fn = self.stack[-1]
        fn.in_assert += 1
        segment = self.ctx.segment(node.test)
        term = authz_term(node.test, segment)
        if term and not role_of_data(node.test, fn.locals_expr):
            fn.auth_asserts.append({**pos(self.ctx, node), "term": term,
                                    "authn_only": only_authentication(node.test, segment)})
            if not names_a_subject(node.test):
                fn.auth_asserts[-1]["data_only"] = True
            names = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
            if names == {"self"} and not any(isinstance(n, ast.Attribute) and n.attr in ("request", "scope")
                                             for n in ast.walk(node.test)):
                fn.auth_asserts[-1]["own_state"] = True  # `assert self.is_authenticated()`: the object's own user

    def leave_Assert(self, node: ast.Assert) -> None:
        if self.stack and self.stack[-1].in_assert:
            self.stack[-1].in_assert -= 1

    # --- what the handler returns (BA-API-001, BA-API-004) ----------------------------------
    def visit_Return(self, node: ast.Return) -> None:
        if not self.stack or node.value is None:
            return
        fn = self.stack[-1]
        if fn.acknowledges >= 0:
            fn.acknowledges = 1 if _fixed_literal(node.value) else -1
        if isinstance(node.value, ast.Tuple) and any(_refusal_status(el) for el in node.value.elts[1:]):
            fn.auth_check = True  # Flask: `return jsonify(error=...), 401`
        first = _first_argument(node.value) if isinstance(node.value, ast.Call) else None
        if isinstance(first, ast.Name) and first.id in fn.request_names and dotted(node.value.func):
            fn.handoffs.append(dotted(node.value.func))  # a dispatcher: `return create_check(request)`
        info = self._returned(node.value, fn, depth=0)
        if not info and _over_constant(node.value):
            info = {"fixed": True}  # built from a module-level table: as many items as the code has
        if info:
            info.update(pos(self.ctx, node))
            info["symbol"] = fn.qualname
            fn.returns.append(info)

    def _returned(self, expr: ast.expr, fn: _Fn, depth: int) -> dict[str, Any]:
        if depth > 3:
            return {}
        if isinstance(expr, ast.Await):
            expr = expr.value
        if isinstance(expr, ast.Name) and expr.id in fn.locals_expr:
            return self._returned(fn.locals_expr[expr.id], fn, depth + 1)
        if isinstance(expr, ast.Call):
            callee = dotted(expr.func) or ""
            tail = last_name(callee) or (expr.func.attr if isinstance(expr.func, ast.Attribute) else "")
            if tail.endswith("Response") and tail not in ("JsonResponse", "Response"):
                return {"response": True}
            if tail in ("JsonResponse", "Response", "jsonify", "list", "tuple", "make_response", "ORJSONResponse"):
                # Django/DRF/Flask responses wrapping a queryset: look inside, only the data matters
                inner = positional(expr, 0)
                found = self._returned(inner, fn, depth + 1) if inner is not None else {}
                if tail in ("JsonResponse", "Response") and "unbounded" not in found:
                    found["response"] = True
                found.pop("orm_model", None) if tail != "list" else None
                return found
            if _SCHEMA_CLASS.match(tail) and tail.endswith("Serializer"):
                many = keyword(expr, "many")
                inner = positional(expr, 0)
                if isinstance(many, ast.Constant) and many.value is True and inner is not None:
                    return self._returned(inner, fn, depth + 1)
                return {}
        if isinstance(expr, ast.Attribute) and expr.attr == "data":
            return self._returned(expr.value, fn, depth + 1)
        if isinstance(expr, ast.Dict):  # JsonResponse({"results": list(qs.values())}): the table inside
            for value in expr.values:
                found = self._returned(value, fn, depth)  # a container, not a hop: keep the depth budget
                if "unbounded" in found:
                    return found
            return {}
        return _query_shape(expr, fn, self.ctx, depth)


def _over_constant(expr: ast.expr) -> bool:
    """`[Role(id=r, ...) for r, p in ROLE_PERMISSIONS.items()]`: a comprehension whose every loop walks a
    literal or a module-level UPPER_CASE table (or its keys, values, items): a fixed set of items."""
    if not isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return False
    for gen in expr.generators:
        source = gen.iter
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args and \
                source.func.attr in ("items", "keys", "values"):
            source = source.func.value
        if isinstance(source, (ast.List, ast.Tuple, ast.Set)) and all(isinstance(e, ast.Constant) for e in source.elts):
            continue
        if not (isinstance(source, ast.Name) and source.id.isupper()):
            return False
    return True


# Calls that build a response from what they are given (a template name, a literal, a URL).
_RESPONSE_BUILDERS = frozenset({"render", "render_template", "TemplateResponse", "HttpResponse", "JsonResponse",
                                "jsonify", "redirect", "HttpResponseRedirect", "HttpResponsePermanentRedirect",
                                "RedirectResponse", "make_response", "Response", "PlainTextResponse", "HTMLResponse",
                                "render_to_response", "reverse", "url_for", "dict", "_", "gettext", "gettext_lazy"})
_PAGE_BUILDERS = frozenset({"render", "render_template", "TemplateResponse", "render_to_response", "redirect",
                            "HttpResponseRedirect", "HttpResponsePermanentRedirect", "RedirectResponse",
                            "HttpResponse", "PlainTextResponse", "HTMLResponse"})
# Where a static page may take values from: configuration, and the request itself (query string, path) but
# not who is asking (`request.user`, `request.session`).
_PRIVATE_REQUEST_PARTS = frozenset({"user", "session", "auth", "META", "environ", "headers", "COOKIES", "cookies",
                                    "body", "data", "POST", "form", "json", "FILES", "files"})
_STATIC_ROOTS = frozenset({"settings", "config", "app.config", "current_app.config"})


_LEAVE_CALLS = frozenset({"redirect", "abort", "HttpResponseRedirect", "RedirectResponse", "redirect_to"})


def _first_run_gate(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A view whose first `if` sends the caller away once the work is done: `if current_org != None: return
    redirect("/")` before the form, or `if not config.is_setup(): <the wizard>` followed by `return
    redirect(...)`. What a first-run setup wizard looks like (public until the site is installed)."""
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    first = next((s for s in body if isinstance(s, ast.If)), None)
    if first is None:
        return False

    def leaves(stmts: list[ast.stmt]) -> bool:
        return len(stmts) == 1 and isinstance(stmts[0], (ast.Return, ast.Expr)) and isinstance(
            stmts[0].value, ast.Call) and (dotted(stmts[0].value.func) or "").rsplit(".", 1)[-1] in _LEAVE_CALLS
    if leaves(first.body) or leaves(first.orelse):
        return True
    return body[-1] is not first and body.index(first) == len(body) - 2 and leaves(body[-1:])


def _static_response(node: ast.FunctionDef | ast.AsyncFunctionDef, request_names: set[str]) -> bool:
    """A handler that answers from constants, settings and the request's own URL only: assignments of such
    values and a return of a response built from them (`return render(request, "help.html", {"page": "x"})`,
    `return redirect("/posts")`, `return "hello"`). It reads no stored data, so there is nothing to guard."""
    local: set[str] = set(request_names) | {a.arg for a in node.args.args}
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    returned = False
    for st in body:
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) and \
                _static_expr(st.value, local):
            local.add(st.targets[0].id)
        elif isinstance(st, ast.Return) and st.value is not None and _static_expr(st.value, local) and (
                isinstance(st.value, ast.Constant) and isinstance(st.value.value, str) or
                isinstance(st.value, ast.Call) and last_name(dotted(st.value.func) or "") in _PAGE_BUILDERS):
            returned = True  # a page, a text or a redirect: an API answer echoing its input is not a page
        else:
            return False
    return returned


def _static_expr(node: ast.expr, local: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_static_expr(v.value if isinstance(v, ast.FormattedValue) else v, local) for v in node.values)
    if isinstance(node, (ast.Dict,)):
        return all(k is None or _static_expr(k, local) for k in node.keys) and \
            all(_static_expr(v, local) for v in node.values)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_static_expr(e, local) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in local
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        name = dotted(node) if isinstance(node, ast.Attribute) else None
        parts = (name or "").split(".")
        if parts[0] in local and len(parts) > 1 and parts[1] in _PRIVATE_REQUEST_PARTS:
            return False  # who is asking, or the server's environment: not a static page
        root = node
        while isinstance(root, (ast.Attribute, ast.Subscript)):
            root = root.value
        return isinstance(root, ast.Name) and (root.id in local or root.id in _STATIC_ROOTS or
                                               name is not None and any(name.startswith(r + ".") for r in
                                                                        _STATIC_ROOTS))
    if isinstance(node, ast.Call):
        tail = last_name(dotted(node.func) or "")
        if tail in ("get", "GET") and isinstance(node.func, ast.Attribute):
            return _static_expr(node.func.value, local) and all(_static_expr(a, local) for a in node.args)
        return tail in _RESPONSE_BUILDERS and all(_static_expr(a, local) for a in node.args) and \
            all(_static_expr(k.value, local) for k in node.keywords)
    return False


def _refuses(call: ast.Call) -> bool:
    """A response or helper built with a 401/403 status: `error("missing api key", 401)`,
    `HttpResponse(status=403)`, `HTTPException(status_code=401)`."""
    if any(_refusal_status(a) for a in call.args):
        return True
    return any(kw.arg in ("status", "status_code", "code") and _refusal_status(kw.value) for kw in call.keywords)


def _refusal_status(node: ast.expr) -> bool:
    """401 / 403, or a named constant for them (`status.HTTP_403_FORBIDDEN`, `HTTPStatus.UNAUTHORIZED`)."""
    if _is_int(node, (401, 403)):
        return True
    name = (dotted(node) or "").upper()
    return bool(name) and any(w in last_name(name) for w in ("401", "403", "UNAUTHORIZED", "FORBIDDEN"))


# `serializer.get_user()`, `form.get_user()`: the user the submitted data names (an e-mail to send a reset to,
# the credentials of a login form), not the caller
_SUBMITTED = re.compile(r"(?i)(serializer|form)\.get_user$")


def _looks_up_a_user(call: ast.Call) -> bool:
    """`get_user(username=username)`, `get_user(user_id)`: a user looked up by a key, not the caller that
    Django's `get_user(request)` returns."""
    args = [*call.args, *(k.value for k in call.keywords)]
    return bool(args) and not (len(args) == 1 and "request" in (dotted(args[0]) or "").lower())


_CALLER_REFS = frozenset({"request.user", "self.request.user", "current_user", "g.user", "flask.g.user",
                          "flask_login.current_user"})


def _caller_ref(expr: ast.expr) -> bool:
    """`request.user`, `current_user.id`, `g.user.pk`: the caller, or the caller's key."""
    name = dotted(expr) or ""
    for suffix in (".id", ".pk", ".username"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name in _CALLER_REFS


def _mode_switch(test: ast.expr) -> bool:
    """`if source == "mine":` with an `else`: the caller picks one of several listings by a word it sends; a
    branch that reads who is calling (`for_user(request.user)`) is one mode of a read served to anyone
    otherwise. Not the request's method (`if request.method == "POST"`), which picks the view's action."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.In))):
        return False
    right = test.comparators[0]
    words = [right] if not isinstance(right, (ast.Tuple, ast.List, ast.Set)) else right.elts
    if not words or not all(isinstance(w, ast.Constant) and isinstance(w.value, str) for w in words):
        return False
    left = test.left
    return isinstance(left, ast.Name) and left.id not in ("method", "action") or \
        isinstance(left, ast.Call) and last_name(dotted(left.func) or "") == "get" and \
        not any(isinstance(n, ast.Attribute) and n.attr in ("method", "POST", "data") for n in ast.walk(left))


# every identifier _identity_presence_test looks for (with "session"): a file without them has no such test
_PRESENCE_WORDS = ("user", "is_authenticated", "is_anonymous")


def _identity_presence_test(test: ast.expr) -> bool:
    """`"username" in session`, `request.user.is_authenticated`, `current_user.is_authenticated`: is there a
    logged-in caller at all (not who it is)."""
    if _session_user_test(test):
        return True
    bare = test.operand if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) else test
    if isinstance(bare, ast.Attribute) and bare.attr == "user" or isinstance(bare, ast.Name) and bare.id == "current_user":
        return True  # `blocked = request.user.blocked_books.all() if request.user else []`
    return any(isinstance(n, ast.Attribute) and n.attr in ("is_authenticated", "is_anonymous") for n in ast.walk(test))


def _applied_limiter(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """`return app.limiter.limit(*args, **kwargs)` in a project's own `limit` decorator: the limiter's call it
    hands its arguments to, as written, or None."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("limit", "shared_limit") \
                and (dotted(n.func.value) or "").lower().endswith("limiter"):
            return dotted(n.func) or None
    return None


def _actions_named(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """`if self.action in ["destroy", "kill"]:` in a DRF `get_permissions`: the actions it gives permissions of
    their own (an owner check added to the default), so an action it leaves out keeps only the default."""
    names: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Compare) and dotted(n.left) == "self.action" and \
                all(isinstance(op, (ast.In, ast.Eq)) for op in n.ops):
            for c in n.comparators:
                elts = c.elts if isinstance(c, (ast.List, ast.Tuple, ast.Set)) else [c]
                names |= {e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return sorted(names)


def _url_value_keys(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """`values.pop("project_id")` in a Flask `url_value_preprocessor(endpoint, values)`: the URL parameters
    the hook works on, so a check it makes holds for the routes that carry them, not every route."""
    args = [*node.args.posonlyargs, *node.args.args]
    if len(args) < 2:
        return []
    values = args[1].arg
    keys = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("pop", "get") and \
                any(isinstance(v, ast.Name) and v.id == values for v in ast.walk(n.func.value)) and n.args and \
                isinstance(n.args[0], ast.Constant) and isinstance(n.args[0].value, str):
            keys.add(n.args[0].value)
        elif isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id == values and \
                isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str):
            keys.add(n.slice.value)
    return sorted(keys)


def _session_login(node: ast.Subscript) -> str | None:
    """`request.session["user"] = dict(idinfo)`, `session["user_id"] = user.id`: the caller's session now says who
    they are, which is how a view without a login library signs the caller in (an admin flag is not a login)."""
    key = node.slice
    if last_name(dotted(node.value) or "") != "session" or not (
            isinstance(key, ast.Constant) and isinstance(key.value, str)) or "admin" in key.value.lower():
        return None
    if not (_SESSION_IDENTITY.search(key.value) or key.value.lower() in ("id", "uid")):
        return None
    return f'{dotted(node.value)}["{key.value[:30]}"] = ...'


def _session_user_test(test: ast.expr, local_exprs: dict[str, ast.expr] | None = None) -> bool:
    """`"username" not in session`, `not session.get("user_id")`: a test of who is logged in, by session.
    With the function's locals, `is_admin = session.get("is_admin")` ... `if is_admin or ...:` reads the same."""
    parts = [test]
    for n in ast.walk(test):
        if isinstance(n, ast.Name) and local_exprs and n.id in local_exprs:
            parts.append(local_exprs[n.id])
    for part in parts:
        # a name or dotted name ending in `session` (its last part is the node's own): no dotted text built
        if any(isinstance(n, ast.Name) and n.id == "session" or isinstance(n, ast.Attribute) and
               n.attr == "session" and dotted_parts(n) for n in ast.walk(part)) and any(
                isinstance(n, ast.Constant) and isinstance(n.value, str) and _SESSION_IDENTITY.search(n.value)
                for n in ast.walk(part)):
            return True
    return False


def _mentions_login(call: ast.Call) -> bool:
    """`redirect(url_for("auth.login"))`, `redirect("/login?next=...")`, `Redirect303(url_for(".authenticate"))`:
    a guard sending the user to log in."""
    for node in ast.walk(call):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _LOGIN_TARGET.search(node.value):
            return True
        if isinstance(node, (ast.Name, ast.Attribute)) and _LOGIN_TARGET.search(dotted(node) or ""):
            return True
    return False


# Query, header or cookie keys that carry a credential: `?token=`, `X-Api-Key`, `access_key`.
_TOKEN_KEY = re.compile(r"(?i)^(?!.*(csrf|xsrf)).*(token|api[_-]?key|access[_-]?key|secret)")
_TOKEN_PLACES = frozenset({"args", "GET", "query_params", "headers", "cookies", "COOKIES", "META", "values"})


def _request_read(node: ast.expr | None) -> bool:
    """`request.cookies.get("x")`, `form.get("x")` of `form = await request.form()`: read from the request."""
    return node is not None and any(isinstance(n, ast.Attribute) and n.attr in _TOKEN_PLACES | {"form", "json"}
                                    and last_name(dotted(n.value) or "") in ("request", "req", "form")
                                    for n in ast.walk(node)) or isinstance(node, ast.Call) and isinstance(
        node.func, ast.Attribute) and node.func.attr == "get" and last_name(dotted(node.func.value) or "") == "form"


def keyed_read(node: ast.AST | None) -> tuple[ast.expr, ast.expr] | None:
    """`x.get("k")` or `x["k"]`: (x, the key's node), else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        return node.func.value, node.args[0]
    if isinstance(node, ast.Subscript):
        return node.value, node.slice
    return None


def _request_token(node: ast.expr | None) -> str | None:
    """`request.args.get("token")`, `request.headers["X-Api-Key"]`: the key of a credential the request carries
    (the request by its name: a helper handed it as its second parameter is not known as a view's)."""
    read = keyed_read(node)
    if read is None:
        return None
    base, key = read
    if not (isinstance(base, ast.Attribute) and base.attr in _TOKEN_PLACES and
            last_name(dotted(base.value) or "") in ("request", "req")):
        return None
    if isinstance(key, ast.Constant) and isinstance(key.value, str) and _TOKEN_KEY.search(key.value):
        return key.value
    return None


def _fixed_literal(node: ast.expr) -> bool:
    """`"ok"`, `{"status": "ok", "message": "Logged"}`: an answer made of constants only."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Dict):
        return all(k is not None and _fixed_literal(k) for k in node.keys) and all(map(_fixed_literal, node.values))
    return isinstance(node, (ast.List, ast.Tuple)) and all(map(_fixed_literal, node.elts))


def _constant_like(node: ast.expr) -> bool:
    """A literal, or a tuple/list/set of literals (what an allowlist comparison compares with)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return False


# Collections built from a read hold the read (`set(request.GET.getlist("tag"))`, `dict(request.data)`).
# Not str()/strip(): a read cleaned up where it is taken stays a read of its own line.
_RESHAPE_CALLS = frozenset({"set", "frozenset", "list", "tuple", "dict", "sorted"})


def _unwrap_reshape(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _RESHAPE_CALLS \
            and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    return node


def _unwrap_case(node: ast.expr) -> ast.expr:
    """`request.GET.get("format", "json").lower()` -> the read: the local holds the same text, re-cased or
    trimmed, and a check of the local is a check of the read."""
    for _ in range(4):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args and
                not node.keywords and node.func.attr in _RECASE):
            break
        node = node.func.value
    return node


def _same_value(node: ast.expr) -> ast.expr:
    """`str(x)`, `x.strip().lower()` -> x: wrappers an equality test sees through."""
    for _ in range(4):
        if not isinstance(node, ast.Call):
            break
        if isinstance(node.func, ast.Name) and node.func.id in _SAME_VALUE_CALLS and len(node.args) == 1:
            node = node.args[0]
        elif isinstance(node.func, ast.Attribute) and node.func.attr in _SAME_VALUE_CALLS and not node.args:
            node = node.func.value
        else:
            break
    return node


# What a parse of bad input raises (int(), json.loads, Decimal, bytes.decode, a schema, a dict read by key)
_BAD_INPUT = re.compile(r"^(Value|Type|Key|Validation|DjangoValidation|(JSON|Unicode)?Decode|Parse|Parameter|Format)"
                        r"Error$|^InvalidOperation$")


def _handed_to(parents: list[ast.AST], node: ast.Name) -> list[Any] | None:
    """[callee, keyword or position] when the name is itself an argument of a named call."""
    parent = parents[-1] if parents else None
    if isinstance(parent, ast.keyword) and parent.arg and len(parents) > 1 and isinstance(parents[-2], ast.Call):
        callee = dotted(parents[-2].func)
        return [callee, parent.arg] if callee else None
    if isinstance(parent, ast.Call) and dotted(parent.func):
        index = next((i for i, a in enumerate(parent.args) if a is node), None)
        if index is not None and not any(isinstance(a, ast.Starred) for a in parent.args[:index]):
            return [dotted(parent.func), index]
    return None


def _rejects_input(handler: ast.ExceptHandler) -> bool:
    """`except ValueError: return HttpResponse(status=400)`, `raise ParameterError(...)`, `return Response()`,
    `amount = 0`: the handler answers the failed parse (a response, a client error, a fallback value) instead of
    letting it become a 500. `pass` or a bare `raise` answers nothing."""
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type] if handler.type else []
    if not types or not all(_BAD_INPUT.match(last_name(dotted(t) or "") or "") for t in types):
        return False
    return any(isinstance(n, (ast.Return, ast.Assign)) or isinstance(n, ast.Raise) and n.exc is not None
               for n in iter_nodes(handler.body))


def _size_bound(s: ast.Slice) -> bool:
    """`[:100]`, `[:settings.PING_BODY_LIMIT]`: an upper bound the program fixes (a literal or a constant)."""
    upper = s.upper
    if s.step is not None or upper is None or s.lower is not None and not isinstance(s.lower, ast.Constant):
        return False
    if isinstance(upper, ast.Constant):
        return type(upper.value) is int and upper.value >= 0
    parts = dotted_parts(upper)
    return bool(parts) and parts[-1].isupper()


def _is_int(node: ast.expr | None, values: tuple[int, ...]) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value in values


def _code(ctx: FileContext, node: ast.AST) -> str:
    return " ".join(ctx.segment(node).split())


def _kw_value(ctx: FileContext, node: ast.expr) -> Any:
    value = literal(node)
    if value == "<expr>":
        return _code(ctx, node)
    return value


def _chain(expr: ast.expr) -> tuple[list[tuple[str, ast.Call | None]], ast.expr]:
    """`a.b(x).c()` -> ([("c", call), ("b", call)], a): methods from outermost in, and the base."""
    out: list[tuple[str, ast.Call | None]] = []
    while True:
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
            out.append((expr.func.attr, expr))
            expr = expr.func.value
        elif isinstance(expr, ast.Attribute):
            out.append((expr.attr, None))
            expr = expr.value
        elif isinstance(expr, ast.Subscript):
            out.append(("[]", None))
            expr = expr.value
        else:
            return out, expr


def _query_shape(expr: ast.expr, fn: _Fn, ctx: FileContext, depth: int) -> dict[str, Any]:
    """ORM model and boundedness of a query expression, or {} when it is not one."""
    chain, base = _chain(expr)
    names = [n for n, _ in chain]
    if not chain:
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id[:1].isupper() \
                and not _SCHEMA_CLASS.match(expr.func.id):
            return {"orm_model": expr.func.id, "orm_kind": "instance"}
        return {}
    if isinstance(base, ast.Name) and base.id in fn.locals_expr and depth < 3:
        # qs = M.objects.filter(...); return qs.values()
        inner = _query_shape(fn.locals_expr[base.id], fn, ctx, depth + 1)
        if inner.get("unbounded") and names[0] in _DJANGO_LIST_METHODS | {"all"} and "[]" not in names:
            return inner
        if inner.get("unbounded") and names[0] not in _AGGREGATES:
            return inner
        return {}
    terminal = names[0]
    # Django: M.objects.<...>
    if "objects" in names and isinstance(base, ast.Name):
        idx = names.index("objects")
        used = names[:idx]
        if "[]" in used or any(n in _AGGREGATES or n in _PAGINATE_CALLS for n in used):
            return {}
        if used and all(n in _DJANGO_LIST_METHODS for n in used):
            return {"unbounded": {"model": base.id, "orm": "django"}}
        return {}
    # SQLAlchemy: session.query(M)..., session.scalars(select(M))..., session.execute(select(M))..., M.query...
    model = _sqlalchemy_model(chain, base)
    if model is None:
        return {}
    if any(n in ("limit", "offset", "slice", "fetchmany", "paginate", "[]", "count", "exists") for n in names) or \
            _select_bounded(chain):
        bounded = True
    else:
        bounded = False
    if terminal == "all":
        out: dict[str, Any] = {"orm_model": model, "orm_kind": "list"}
        if not bounded:
            out["unbounded"] = {"model": model, "orm": "sqlalchemy"}
        return out
    if terminal in _ORM_INSTANCE_TERMINALS:
        return {"orm_model": model, "orm_kind": "instance"}
    return {}


def _selected_model(call: ast.expr) -> str | None:
    """M in `select(M)`: a capitalised dotted name as the first argument."""
    if isinstance(call, ast.Call) and last_name(dotted(call.func)) == "select":
        first = dotted(_first_argument(call))
        if first and first[:1].isupper():
            return first
    return None


def _sqlalchemy_model(chain: list[tuple[str, ast.Call | None]], base: ast.expr) -> str | None:
    for name, call in reversed(chain):
        if call is None:
            continue
        first_arg = _first_argument(call)
        if first_arg is None:
            continue
        if name in ("query", "get", "get_or_404"):
            first = dotted(first_arg)
            if first and first[:1].isupper():
                return first
        if name in ("scalars", "execute", "scalar"):
            _, inner_base = _chain(first_arg)
            model = _selected_model(inner_base) or _selected_model(first_arg)
            if model:
                return model
    if isinstance(base, ast.Name) and base.id[:1].isupper() and chain and chain[-1][0] == "query":
        return base.id  # Flask-SQLAlchemy: M.query.filter_by(...).all()
    return None


def _select_bounded(chain: list[tuple[str, ast.Call | None]]) -> bool:
    for name, call in chain:
        first_arg = _first_argument(call) if call is not None else None
        if first_arg is not None and name in ("scalars", "execute"):
            inner, _ = _chain(first_arg)
            if any(n in ("limit", "offset", "slice", "fetch") for n, _ in inner):
                return True
    return False


def _names(call: ast.Call) -> list[str]:
    """Dotted names among positional arguments, lists flattened: `@permission_classes([IsAdmin])`."""
    out: list[str] = []
    for a in call.args:
        if isinstance(a, ast.Starred):
            continue
        values = a.elts if isinstance(a, (ast.List, ast.Tuple)) else [a]
        for v in values:
            v = v.value if isinstance(v, ast.Starred) else v
            name = name_text(v.func if isinstance(v, ast.Call) else v)
            if name:
                out.append(name)
    return out


def _bound_object(parents: list[ast.AST]) -> str | None:
    """`user = User(username=<the read>, ...)`: the local the class built from the read is bound to."""
    for i in range(len(parents) - 1, max(len(parents) - 6, 0) - 1, -1):
        if isinstance(parents[i], ast.Call):
            outer = parents[i - 1] if i > 0 else None
            if isinstance(outer, ast.Assign) and outer.value is parents[i] and len(outer.targets) == 1 and \
                    isinstance(outer.targets[0], ast.Name):
                return outer.targets[0].id
            return None
    return None
