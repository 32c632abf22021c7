"""Injection checks (non-SQL)."""

from __future__ import annotations

import ast
from .lazy_re import re  # compiled on first use
from typing import Any

from ..findings import Finding
from ..model.taint.intra import FS_PATH, HASHED_LEAF, POSIX_ARGV, TAIL_AFTER_PREFIX
from ..model.taint.values import PARSED
from ..model.taint.models import MARKS
from .endpoint_base import EndpointCheck
from .host_checks import ssrf_check
from .upload_fields import server_written_path
from .taint_base import TaintCheck
from .util import in_admin_site


# sinks whose value is a program to start, not a shell command line (the models' `shell` kind covers both)
_SPAWNED_PROGRAMS = frozenset({"StdioServerParameters"})


class ShellInjection(TaintCheck):
    """Commands run by a shell (`shell=True`, os.system/popen, `["sh", "-c", cmd]`, asyncio's shell API):
    request data in the command is an error, a command of untraced origin a warning, a constant nothing."""

    RULE_ID = "BA-INP-003"
    KINDS = ("shell",)
    # a command of untraced origin: what the code cannot tell from a request's is a note (taint level policy)
    UNKNOWN = "note"
    UNKNOWN_NEEDS_BUILT = False
    NOUN = "shell command"
    WHAT = "reaches a shell command"
    FIX = "Pass an argument list without a shell (or shlex.quote() each value)."

    def judge(self, tf) -> tuple[str, str] | None:
        judged = super().judge(tf)
        if judged is not None and tf.api.rpartition(".")[2] in _SPAWNED_PROGRAMS:
            # no shell: the value is the program (and its arguments) the backend starts, which is worse
            return judged[0], judged[1].replace(f"{self.WHAT} ({tf.api}) unsanitised. {self.FIX}",
                                                f"chooses the program the backend spawns ({tf.api}): any command "
                                                "runs on the server. Spawn only servers the deployment configures, "
                                                "picked by name from an allowlist.")
        if judged is not None and judged[0] != "note" and POSIX_ARGV in tf.flow.sanitised:
            # an item after the first of an argument list: with shell= set, only Windows' cmd.exe parses it
            return "note", (f"{judged[1].split(' unsanitised.', 1)[0].split(' (through', 1)[0]} as an item of an "
                            f"argument list after the program: with shell= set, a shell parses it only on Windows "
                            f"(list2cmdline); on POSIX it is a positional parameter of the shell. Drop shell= for "
                            f"a list.")
        if judged is None or judged[0] == "error" or tf.flow.root.startswith("src:") or \
                FS_PATH not in tf.flow.sanitised:
            return judged
        # a file path the server holds (`cp -r {os.path.dirname(media.hls_file)}/* ...`): whether a name in it
        # can hold shell syntax depends on who named the file, which the source does not show
        return "note", (f"the shell command passed to {tf.api} is built from a filesystem path whose origin is not "
                        f"traced (origin not traced): whether the file's name can hold shell syntax was not traced. "
                        f"{self.FIX}")


class CodeInjection(TaintCheck):
    RULE_ID = "BA-INP-005"
    KINDS = ("code",)
    UNKNOWN = "note"  # code of untraced origin: a note saying so (taint level policy)
    UNKNOWN_NEEDS_BUILT = False
    NOUN = "code"
    WHAT = "reaches dynamic code execution"
    FIX = "Never evaluate request data: parse it (json, ast.literal_eval) or map it to allowed operations."

    def judge(self, tf) -> tuple[str, str] | None:
        judged = super().judge(tf)
        if judged is not None and judged[0] == "note" and not tf.flow.root.startswith("src:") and \
                self._restricted(tf):
            return "note", (f"the code passed to {tf.api} comes from a value whose origin is not traced (origin not "
                            "traced), and it runs with `__builtins__` replaced (a restricted namespace); whether the "
                            "code is checked before (an AST allowlist, no dunder attributes) was not traced. "
                            f"{self.FIX}")
        if judged is not None and judged[0] == "note" and not tf.flow.root.startswith("src:") and \
                _settings_module(tf.path):
            # a settings module runs once at start-up, before any request: code it executes comes from the
            # deployment's own files (`include("local/*.py")`), which only whoever can edit the settings writes
            return "note", (f"the code passed to {tf.api} in a settings module comes from a value whose origin is "
                            "not traced (origin not traced); settings run at start-up, before any request, so it "
                            "is most likely the deployment's own configuration files, which was not traced. "
                            f"{self.FIX}")
        if judged is not None and judged[0] == "note" and not tf.flow.root.startswith("src:") and \
                tf.api == "builtins.eval":
            # one expression from a value no trace reaches: most often the app's own data written out and read
            # back (`eval(str(box))`), which the source shown cannot tell from text an attacker wrote
            return "note", (f"the expression passed to {tf.api} comes from a value whose origin is not traced "
                            "(origin not traced): whether it is only data the app wrote itself was not traced. "
                            f"{self.FIX}")
        if judged is not None and judged[0] == "error" and _staff_source(tf):
            # the module or object is named in a view of the staff-only admin site: no code is supplied and no
            # attacker chooses it unless a staff account is theirs
            return "warning", (f"{judged[1].split(' unsanitised.', 1)[0]} in a view of the staff-only admin site "
                               f"({tf.flow.steps[0][0]}): whether anyone but staff reaches it was not traced. "
                               f"{self.FIX}")
        if judged is None or judged[0] != "error" or tf.api not in _IMPORTS or not _submodule_only(tf.snippet):
            return judged
        # `import_module(f"{package}.{name}")`: the value picks a module the package ships, it cannot name
        # `os` or a file of its own; which modules that reaches was not traced
        return "warning", (f"request data picks the module imported by {tf.api} under a fixed package prefix: "
                           "only modules the package ships can load (which ones was not traced). Map the value to "
                           "an allowed list of modules.")

    def _restricted(self, tf) -> bool:
        from ..untrusted.files import read_tree_text
        from .restricted_eval import replaces_builtins

        root = getattr(self, "_root", None)
        text = read_tree_text(root, root / tf.path) if root is not None else None
        return bool(text) and replaces_builtins(text, tf.line)


def _settings_module(path: str) -> bool:
    """`settings.py`, `settings_local.py`, or a module of a `settings/` package (`config/settings/base.py`)."""
    parts = path.split("/")
    return parts[-1].startswith("settings") or "settings" in parts[:-1]


class PathTraversal(TaintCheck):
    RULE_ID = "BA-INP-006"
    KINDS = ("path",)
    WHAT = "reaches a filesystem path"
    FIX = ("Use secure_filename()/os.path.basename(), or resolve() the path and check is_relative_to(base) "
           "before using it.")

    def run(self, project: Any) -> list[Finding]:
        self._semantic = project.semantic
        return super().run(project)

    def judge(self, tf) -> tuple[str, str] | None:
        if TAIL_AFTER_PREFIX <= tf.flow.sanitised:
            return None  # a caller passed only a file name's tail, which a callee put after its own name part
        judged = super().judge(tf)
        if judged is not None and judged[0] != "note" and tf.flow.root.startswith("src:") and tf.flow.steps:
            upload = self._upload_source(tf)
            if upload is not False:
                return upload
        if judged is not None and judged[0] == "error":
            gate = _admin_only(getattr(self, "_semantic", None), tf.path, tf.symbol) or \
                (f"a view of the staff-only admin site, {tf.flow.steps[0][0]}" if _staff_source(tf) else "")
            if gate:
                # a route only administrators reach (a server file browser to pick a library or certificate
                # path is the feature there): no attacker chooses the path unless the admin account is theirs
                return "warning", (f"{judged[1].split(' unsanitised.', 1)[0]} in code only administrators reach "
                                   f"({gate}): browsing the server's files may be the feature; whether anyone else "
                                   f"reaches it was not traced. {self.FIX}")
        if judged is not None and judged[0] == "error" and HASHED_LEAF in tf.flow.sanitised:
            # `media/<request text>/<generate_hash(key)>/...`: the path leaves the directory, but ends under a
            # digest nobody made before, so it creates or removes only what the same request names
            return "warning", (f"{judged[1].split(' unsanitised.', 1)[0]}, followed in the path by a hash "
                               f"component: it can leave the base directory, but names only a new hash-named "
                               f"entry, not an existing file. {self.FIX}")
        if judged is None or judged[0] == "note" or "guard-untraced" not in tf.flow.sanitised:
            return judged
        # `if not inside_root(path): abort(400)` with inside_root in code the summaries do not hold: a check
        # the path passed may be the containment this rule asks for, which the source shown does not tell
        return "note", (f"{judged[1].split(' unsanitised.', 1)[0].split(' (through', 1)[0]} after a check by "
                        f"project code that could not be read (containment check not traced). {self.FIX}")


    def _upload_source(self, tf) -> tuple[str, str] | None | bool:
        """Request data that is no path a client wrote: an upload front end's temp-file field (lowered), or
        Django's uploaded file object itself handed to the sink (`ZipFile(request.FILES["archive"])`: None,
        dropped). False when neither."""
        path, line = tf.flow.steps[0][0], tf.flow.steps[0][1]
        lines = self.source_lines(path)
        if tf.flow.root.endswith(".FILES") and len(tf.flow.steps) <= 2 and 0 < line <= len(lines) and \
                _FILE_OBJECT_ARG.search(lines[line - 1]):
            return None  # a file object, read through; its name (`.name`) is not what reaches the sink
        field = server_written_path(lines, line)
        if not field:
            return False
        return "note", (f"the form field {field} reaches a filesystem path ({tf.api}): it is named like the "
                        f"temp-file path an upload front end writes for a streamed upload (`<field>.path`, as "
                        f"nginx's upload module and streaming upload handlers do, refusing client fields with "
                        f"that suffix); whether clients can set it here was not traced (origin not traced). "
                        f"{self.FIX}")


# `ZipFile(request.FILES["archive"])`, `open(self.request.FILES.get("f"))`: the uploaded file object is the argument
_FILE_OBJECT_ARG = re.compile(r"\w\(\s*(?:self\.)?request\.FILES(?:\[[^\]]+\]|\.get\([^)]*\))\s*[,)]")


def _staff_source(tf) -> bool:
    """The request data comes from a module of the staff-only admin site (`app/admin/views/list.py`)."""
    return bool(tf.flow.root.startswith("src:") and tf.flow.steps and in_admin_site(tf.flow.steps[0][0]))


def _admin_only(sm: Any, path: str, symbol: str) -> str:
    """The admin/operator/staff-only decorator that gates the function `symbol` of `path`, or that gates every
    caller of it (a route that only calls the helper holding the sink), or ""."""
    module = sm.module_of(path) if sm is not None and symbol else None
    if not module:
        return ""
    qualname = f"{module}.{symbol}"

    def gate(qn: str) -> str:
        info = sm.functions.get(qn)
        return next((d for d in (info.decorators if info else ()) if _PRIVILEGED_GATE.search(d)), "")

    own = gate(qualname)
    if own or qualname not in sm.functions:
        return own
    gates = [gate(c) for c in sorted(sm.callers(qualname))]
    return gates[0] if gates and all(gates) else ""


class ServerSideRequestForgery(TaintCheck):
    RULE_ID = "BA-INP-007"
    KINDS = ("url",)
    WHAT = "reaches the URL of an outbound request"
    FIX = "Check the host against an allowlist (urlparse(url).netloc in ALLOWED_HOSTS) before the request."

    def judge(self, tf) -> tuple[str, str] | None:
        judged = super().judge(tf)
        flow = tf.flow
        checked = ssrf_check(self._project, tf.path, tf.symbol) if judged and judged[0] != "note" else None
        if checked:
            return "note", (f"request data ({flow.root.split(':', 3)[3] if flow.root.startswith('src:') else 'a value'}) "
                            f"reaches the URL of an outbound request ({tf.api}) after {checked}() resolved its host "
                            "and refused private, loopback and link-local addresses: the request resolves the name "
                            "again, so a host that answers a public address to the check and an internal one to the "
                            "request (DNS rebinding) still gets through. Connect to the checked address (pin it in "
                            "the transport) or fetch through an egress proxy that applies the same rule.")
        if judged is None or judged[0] != "note" or PARSED not in flow.sanitised or flow.built or \
                not flow.root.startswith("src:") or {"host", "validated"} & flow.sanitised:
            return judged
        # the whole URL is one parsed field: a field that accepts a URL to fetch checks its form (a URL field),
        # not where it points, so the server fetches what the user names
        what = flow.root.split(":", 3)[3]
        return self.rule.level, (f"request data ({what}, a form or serializer field) is the whole URL of an "
                                 f"outbound request ({tf.api}): a URL field checks the form of the text, not where "
                                 f"it points. {self.FIX}")


class CrossSiteScripting(TaintCheck):
    RULE_ID = "BA-INP-008"
    KINDS = ("html",)
    UNKNOWN = "lower"
    UNKNOWN_NEEDS_BUILT = True
    NOUN = "HTML"
    WHAT = "reaches HTML output that is not escaped"
    FIX = "Render a template with autoescaping, or escape() the value (format_html in Django)."

    def judge(self, tf) -> tuple[str, str] | None:
        # a browser sends an X-... header cross-site only after a CORS preflight the app would have to allow:
        # the value comes from the client itself or the reverse proxy in front of it, so injecting markup
        # through it takes the victim's own client (self-XSS) or a shared cache keyed without the header
        return _note_when_marked(super().judge(tf), tf, "custom-header", (
            f"a custom request header reaches HTML output that is not escaped ({tf.api}): only the requesting "
            f"client or the proxy in front of the app sets it (self-XSS, or a shared cache that ignores the "
            f"header). {self.FIX}"))


def _note_when_marked(judged: tuple[str, str] | None, tf, mark: str, message: str) -> tuple[str, str] | None:
    """A finding on request data whose source carries `mark` (a header only the client sets) becomes a note."""
    if judged is None or mark not in tf.flow.sanitised or not tf.flow.root.startswith("src:"):
        return judged
    return "note", message


class OpenRedirect(TaintCheck):
    RULE_ID = "BA-INP-009"
    KINDS = ("redirect",)
    WHAT = "reaches the target of a redirect"
    FIX = ("Redirect only to relative paths or allowed hosts (url_has_allowed_host_and_scheme), or to a "
           "named route.")

    def run(self, project: Any) -> list[Finding]:
        self._semantic = project.semantic
        return super().run(project)

    def judge(self, tf) -> tuple[str, str] | None:
        # the browser sets the Referer to the page the user came from: a link from another site sends them
        # back to that site, a page the attacker could have linked to directly; forging it takes the client
        # itself (an extension, a proxy). Lower impact than a `next=` parameter, not none (CWE-601)
        judged = _note_when_marked(super().judge(tf), tf, "referer", (
            f"a redirect back to the Referer header ({tf.api}): the user's browser sets it to the page they came "
            f"from, so another site linking here only sends its users back to itself. {self.FIX}"))
        if judged is not None and judged[0] == "warning" and tf.flow.root.startswith("src:") and \
                tf.flow.root.split(":", 3)[3] == "request.POST" and not _csrf_exempt(self._semantic, tf.flow.steps[0]):
            if not in_admin_site(tf.flow.steps[0][0]) and _logged_in_only(self._semantic, tf.flow.steps[0]):
                return "note", (f"request data (request.POST) reaches the target of a redirect ({tf.api}) in a view "
                                f"only signed-in users reach (login_required): Django's CSRF check refuses a POST "
                                f"another site makes the user send, so the user's own form chooses the target "
                                f"(whether the form echoes a query parameter into it was not traced). {self.FIX}")
        if judged is not None and judged[0] == "warning" and tf.flow.root.startswith("src:") and \
                tf.flow.root.split(":", 3)[3] == "request.POST" and in_admin_site(tf.flow.steps[0][0]) and \
                not _csrf_exempt(self._semantic, tf.flow.steps[0]):
            # the POST body of a form of the staff-only admin site: Django's CSRF middleware refuses a form
            # another site makes the user send, so only the staff user's own form sets the target (a login
            # form that echoes `?next=` into a hidden field is another matter: not in the admin site's views)
            return "note", (f"request data (request.POST) reaches the target of a redirect ({tf.api}) in a view of "
                            f"the staff-only admin site: Django's CSRF check refuses a POST another site makes the "
                            f"user send, so the admin's own form chooses the target (whether the form echoes a "
                            f"query parameter into it was not traced). {self.FIX}")
        helper = _returned_by_project_code(tf)
        if judged is None or judged[0] != "warning" or not helper:
            return judged
        # blind, every `next` URL that came back from a project helper (get_next_url(), a same-host check
        # returning the URL) had been checked there in a way the guards did not recognise; every true open
        # redirect read the request in the function that redirects
        what = tf.flow.root.split(":", 3)[3] if tf.flow.root.startswith("src:") else "request data"
        return "note", (f"request data ({what}) reaches the target of a redirect ({tf.api}) as the value project "
                        f"code returns ({helper}): whether that code checks where the URL goes was not traced. "
                        f"{self.FIX}")


def _csrf_exempt(sm: Any, step: tuple) -> bool:
    """The function reading the request (or its class) is exempt from CSRF, or may be (`method_decorator`
    on the class hides which decorator it applies)."""
    decorators = _decorators_at(sm, step)
    return decorators is None or any(d in ("csrf_exempt", "method_decorator") for d in decorators)


def _logged_in_only(sm: Any, step: tuple) -> bool:
    """The function reading the request is behind `@login_required` (or its class takes LoginRequiredMixin): a
    login page echoing `?next=` into its form is not, so the POST body is the signed-in user's own form."""
    decorators = _decorators_at(sm, step)
    return decorators is not None and any(d in ("login_required", "LoginRequiredMixin") for d in decorators)


def _decorators_at(sm: Any, step: tuple) -> list[str] | None:
    """The last names of the decorators (and class bases) around the functions holding the step's line, or
    None when no function of the project's model holds it."""
    module = sm.module_of(step[0]) if sm is not None else None
    if not module:
        return None
    line = step[1]
    inside = [(q, f) for q, f in sm.functions.items() if q.startswith(module + ".") and
              f.line <= line <= f.end_line]
    names: list[str] = []
    for qual, info in inside:
        decorators = list(info.decorators)
        cls = sm.class_(qual.rpartition(".")[0])
        if cls is not None:
            decorators += list(cls.decorators) + list(cls.bases)
        names += [str(d).rpartition(".")[2] for d in decorators]
    return names if inside else None


def _returned_by_project_code(tf) -> str:
    """`path:line` of the first project function's `return` the flow passes through, or ""."""
    for path, line, _col, text in tf.flow.steps:
        if text.startswith("returned:"):
            return f"{path}:{line}"
    return ""


class LdapInjection(TaintCheck):
    RULE_ID = "BA-INP-010"
    KINDS = ("ldap",)
    WHAT = "reaches an LDAP search filter"
    FIX = "Escape each value with escape_filter_chars() (or filter_format()) before building the filter."


class XPathInjection(TaintCheck):
    RULE_ID = "BA-INP-011"
    KINDS = ("xpath",)
    WHAT = "reaches an XPath expression"
    FIX = "Keep the expression constant and pass values as XPath variables (xpath(\"//u[@n=$n]\", n=value))."


class TrustBoundaryViolation(TaintCheck):
    RULE_ID = "BA-INP-012"
    KINDS = ("trust-store",)
    WHAT = "is written into the session (a store the application trusts)"
    FIX = "Validate the value (type, allowlist) before storing it in the session."

    def run(self, project: Any) -> list[Finding]:
        from ..model.taint.project import analyse

        # keys whose every read that reaches a sink is checked for that sink (`next = session.get("next")`
        # then `redirect(get_next_path(next))`): storing request data under them trusts nothing unchecked
        checked: set[str] = set()
        unchecked: set[str] = set()
        for tf in analyse(project):
            if tf.flow.root.startswith("store:") and tf.kind != "trust-store":
                kinds = tf.flow.sanitised
                (checked if "all" in kinds or tf.kind in kinds else unchecked).add(tf.flow.root[6:])
        self._checked_at_read = checked - unchecked
        self._unchecked_at_read = unchecked
        reads = {k for f in project.facts.values() for fn in (f.get("taint") or {}).get("functions", ())
                 for k in fn.get("store_reads", ())}
        # a read under a computed key may be any key: then every key counts as read back
        self._read_keys = None if "" in reads else reads
        return super().run(project)

    def judge(self, tf) -> tuple[str, str] | None:
        # any check or conversion on the way (an allowlist, url_has_allowed_host_and_scheme, urlencode)
        # is the validation this rule asks for; so is one wherever the value is read back
        if tf.flow.sanitised - set(MARKS) or (tf.store_key and tf.store_key in getattr(self, "_checked_at_read", ())):
            return None
        judged = super().judge(tf)
        if judged is None or judged[0] != "warning":
            return judged
        reads = getattr(self, "_read_keys", None)
        if tf.store_key and reads is not None and tf.store_key not in reads:
            # the harm is in the code that trusts the value once it is read back, and no code reads this key
            return "note", (f"request data is written into the session under {tf.store_key}, but no code of the "
                            f"project reads that key back (reads from templates or of the whole session not "
                            f"traced). {self.FIX}")
        if "referer" in tf.flow.sanitised:
            # the page the user's own browser came from, kept in that user's session as where to send them
            # back (never who the user is, whatever the key says): what its read does with it is the redirect
            # rule's business, not a trusted value
            return "note", (f"the Referer header is written into the user's own session under "
                            f"{tf.store_key or 'a computed key'} (a redirect-back target): the user's browser set "
                            f"it, and what its read does with it is judged there. {self.FIX}")
        if tf.store_key in getattr(self, "_unchecked_at_read", ()):
            return judged  # a read of the key is traced to a sink with no check: the trust is visible
        # below, no read of the key is traced to a sink unchecked; reviewed blind, none of the warnings left that
        # way was real (0 TP of 7 on R-V, the one TP a redirect pinned note; issue 17, wlevels)
        if not tf.store_key:
            return "note", (f"request data is written into the session under a key computed at run time: which "
                            f"read trusts it, and for what, is not traced. {self.FIX}")
        if reads is None:
            return "note", (f"request data is written into the session under {tf.store_key}; the project also "
                            f"reads the session under computed keys, and no read of this key is traced to a sink "
                            f"unchecked: what the code trusts it for is not established. {self.FIX}")
        if _names_identity_or_right(tf.store_key):
            # the key's name is the only sign: none of the reviewed warnings of the rule was real (11 verdicts,
            # one TP pinned at note), so what the code trusts it for is not established
            return "note", (f"request data is written into the session under {tf.store_key}, a key named for an "
                            f"identity or a right, but no read of it is traced to a sink unchecked: that the code "
                            f"trusts it for who the user is or what they may do is not established. {self.FIX}")
        # blind, request data kept under a key for a flow's own state (an LTI hint, a pending 2FA method, a
        # checked redirect target) was never trusted for more than that flow; a key naming who the user is or
        # what they may do, or one whose read reaches a sink unchecked, is what the code visibly trusts
        return "note", (f"request data is written into the session under {tf.store_key}, a key that names no "
                        f"identity or right and whose reads reach no sink unchecked: what the code trusts it for "
                        f"once read back was not traced. {self.FIX}")


# words of a session key that say the app trusts it for who the user is or what they may do
_IDENTITY_WORDS = frozenset({"user", "uid", "userid", "username", "login", "account", "email", "role", "roles",
                             "admin", "staff", "superuser", "permission", "permissions", "perms", "group", "groups",
                             "tenant", "org", "organization", "organisation", "authenticated", "verified",
                             "authorized", "authorised", "privilege", "privileges", "scope", "scopes", "owner",
                             "member", "impersonate", "impersonating", "sudo"})


def _names_identity_or_right(key: str) -> bool:
    words = re.split(r"[^a-z0-9]+", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower())
    return any(w in _IDENTITY_WORDS for w in words)


class RequestDeserialization(TaintCheck):
    RULE_ID = "BA-INP-013"
    KINDS = ("deserialize",)
    WHAT = "is deserialised by a loader that can run code"
    FIX = "Parse request data with json or a schema; never pickle/marshal/yaml.load it."


class XmlExternalEntities(TaintCheck):
    RULE_ID = "BA-INP-014"
    KINDS = ("xxe",)
    WHAT = "is parsed as XML with external entities or DTD loading turned on"
    FIX = "Keep resolve_entities=False and no_network=True, or parse with defusedxml."


# Bases whose classes check what they are built from (a class with one of these anywhere in its MRO validates).
_VALIDATING = ("pydantic", "marshmallow", "msgspec", "rest_framework", "django.forms", "wtforms", "flask_wtf",
               "sqlmodel", "attrs", "attr", "cattrs", "typing.TypedDict")


def _plain_class(project: Any, path: str, ref: str) -> bool:
    """A project class whose MRO shows no validating library (a plain class or dataclass): building it from
    request data checks nothing. Unknown or library classes are not claimed either way."""
    sm = project.semantic
    module = sm.module_of(path)
    sym = sm.resolve(module, ref) if module else None
    if sym is None or sym.kind != "class":
        return False
    external = [q for q in sm.mro(sym.qualname) if q not in sm.classes]
    return all(not q.startswith("?") and q in ("object", "builtins.object") for q in external) and \
        not any(q.startswith(_VALIDATING) for q in external)


def _function_facts(project: Any, path: str, ref: str) -> dict:
    """The per-file facts of the project function `ref` names where it is called in `path` ({} if none)."""
    sm = project.semantic
    module = sm.module_of(path)
    sym = sm.resolve(module, ref) if module else None
    if sym is None or sym.kind != "function" or not sym.path or not sym.module:
        return {}
    local = sym.qualname[len(sym.module) + 1:] if sym.qualname.startswith(sym.module + ".") else sym.qualname
    return ((project.facts.get(sym.path) or {}).get("functions") or {}).get(local) or {}


def _flag_argument(project: Any, path: str, ref: str, index: int) -> bool:
    """The argument at `index` of project function `ref` is a flag (the callee only tests it for truth), a
    mapping it only reads through typed getters (`params.get("page", 1, int)`; model/frameworks/flags.py), or
    a payload it type-checks and refuses before building from it (model/frameworks/sanitiser.py): the request
    text itself goes nowhere unchecked."""
    facts = _function_facts(project, path, ref)
    return index in facts.get("flag_params", ()) or index in facts.get("parsed_params", ())


def _stored_by_callee(project: Any, path: str, handed: list | None) -> str:
    """What the project function an untyped body is handed to as is (`create(forms_in=forms_in)`) does with
    that parameter, when it stores or spreads it there (its own `param_damage`); "" otherwise."""
    if not handed:
        return ""
    ref, where = handed
    facts = _function_facts(project, path, ref)
    names = [p["name"] for p in facts.get("params", []) if p["name"] not in ("self", "cls")]
    name = where if isinstance(where, str) else names[where] if where < len(names) else None
    harm = (facts.get("param_damage") or {}).get(name) if name else None
    return f"{harm} by {ref}()" if harm else ""


def _built_by_project(project: Any, path: str, arg_of: list | None) -> bool:
    """The read's local was made by a project function from the read (`x = helper(request.GET)`; the
    collector's `arg_of` [helper, 0]) that does not itself spread or store that parameter."""
    if not arg_of or arg_of[1] != 0:
        return False
    facts = _function_facts(project, path, arg_of[0])
    names = [p["name"] for p in facts.get("params", []) if p["name"] not in ("self", "cls")]
    return bool(facts) and bool(names) and not (facts.get("param_damage") or {}).get(names[0])


def _sanitiser(project: Any, path: str, ref: str) -> bool:
    """`ref`, called in `path`, is a project function that returns its input only where a check of it
    passed (model/frameworks/sanitiser.py)."""
    return bool(_function_facts(project, path, ref).get("sanitises"))


def _view_model(project: Any, e: Any, field: list) -> list | None:
    """[model, field] for a store on `self.get_object()` of a class view: the class's `model = X`, or None."""
    cls = (project.facts.get(e.file, {}).get("classes") or {}).get(e.handler.split(".")[0]) or {}
    model = (cls.get("attrs") or {}).get("model")
    return [model, field[1]] if isinstance(model, str) and model else None


class RequestDataWithoutValidation(EndpointCheck):
    """Raw request payloads read in an endpoint and used without a validator; untyped FastAPI bodies.

    Level discipline: a warning only with positive evidence that bad input does damage where the value goes:
    stored (an attribute of an object, an ORM write's field, a table model's constructor) or spread as keyword
    arguments (model/frameworks/input_sinks.py), or reaching one of the taint engine's sinks (a redirect, a
    file path, an outbound URL, SQL, markup, the session) unsanitised. A value whose way on was not traced
    (handed to another function, formatted, returned) is a note that says so."""

    RULE_ID = "BA-INP-001"

    def run(self, project: Any) -> list:
        from ..model.frameworks.inventory import untyped_body_params

        from ..model.frameworks.orm import OrmIndex

        out = []
        seen: set[tuple[str, int, int]] = set()
        orm = OrmIndex(project.facts)
        sinks = _taint_sinks(project)
        for e in self.inventory(project).endpoints:
            sub = {"fastapi": "fastapi-raw", "starlette": "fastapi-raw", "flask": "flask-raw"}.get(e.framework,
                                                                                               "django-raw")
            for read in e.fn.get("constructor_reads", []):
                key = (e.file, read["line"], read["col"])
                # `Note(title=data["title"])`: a pydantic model would validate, an ORM table model does not
                table = orm.is_model(e.file, read["model"])
                if key in seen or not (table or _plain_class(project, e.file, read["model"])):
                    continue
                seen.add(key)
                what = f"the {read['model']} table model" if table else f"{read['model']}, a class that checks nothing,"
                out.append(self.finding(e.file, read, f"request data `{read['snippet'][:60]}` goes straight into "
                                        f"{what} without validation; parse it with a schema first",
                                        rule_id=f"BA-INP-001/{sub}"))
            for read in e.fn.get("raw_reads", []):
                key = (e.file, read["line"], read["col"])
                if key in seen or e.fn.get("signature_check") and _RAW_BODY.search(read["snippet"]):
                    continue  # a webhook reads the raw body to check its signature: that is the point
                if read.get("into") and (_sanitiser(project, e.file, read["into"]) or _flag_argument(
                        project, e.file, read["into"], read.get("into_at", -1))):
                    continue  # handed to the project's own sanitiser, which checks it, or as a flag
                if read.get("arg_of") and (_flag_argument(project, e.file, *read["arg_of"]) or (
                        read["arg_of"][1] == 0 and _sanitiser(project, e.file, read["arg_of"][0]))):
                    continue  # a flag or typed reads: the callee only asks whether it was sent, or parses it
                seen.add(key)
                if read.get("field") and read["field"][0] == "self.model":
                    read = {**read, "field": _view_model(project, e, read["field"])}
                level, harm = self._judge(e, read, sinks.get((e.file, read["line"])), orm)
                snippet = read["snippet"][:60]
                if level == "warning" and harm.startswith("written whole"):
                    # mass assignment: every key the client sends is set, the ones a serializer or form would
                    # refuse or does not declare included (`is_staff`, an owner id); a validation run before on
                    # the same payload does not narrow what this write takes
                    after = read.get("after_validation") or read.get("validated_by")
                    message = (f"request data `{snippet}` is {harm}{f' (after {after})' if after else ''}: every "
                               "field the client sends is written, undeclared or refused ones included (mass "
                               "assignment); write the validated data (`serializer.validated_data`, "
                               "`form.cleaned_data`) or name the fields")
                elif level == "warning" and read.get("after_validation") and read.get("damage"):
                    # the handler ran the form or serializer over the request first: the stored field is most
                    # likely one it checked, but which fields it covers is not traced. A value that reaches a
                    # command, a path or a query stays a warning: passing a form's checks does not make it safe
                    level = "note"
                    message = (f"request data `{snippet}` is {harm}, read again after {read['after_validation']} "
                               "validated the request; whether that validation covers this field was not traced: "
                               "read it from the validated data if it does")
                elif level == "warning" and harm.startswith("stored") and read.get("validated_by"):
                    # `profile.theme = value` then `profile.full_clean()` (a 400 on ValidationError), or a
                    # store on what a validated form made: the model's or form's own checks run before it is
                    # kept; whether they cover this field was not traced
                    level = "note"
                    message = (f"request data `{snippet}` is {harm}, on an object the view validates as a whole "
                               f"({read['validated_by']}); whether that validation covers this field was not "
                               "traced: read it from the validated data if it does")
                elif level == "warning" and harm.startswith("expanded") and _built_by_project(
                        project, e.file, read.get("arg_of")):
                    # `filters = issue_filters(request.query_params)` then `.filter(**filters)`: what is spread
                    # is the dict a project function built from the request, most often known parameters
                    # mapped to lookups the code names (only values come from the client); its keys not traced
                    level = "note"
                    message = (f"request data `{snippet}` is handed to {read['arg_of'][0]}() and what that "
                               f"returns is {harm}: which keys that function lets through was not traced; "
                               "build the keyword arguments from a fixed mapping or a schema")
                elif level == "warning" and harm.startswith("stored") and read.get("owner"):
                    # a row of the caller's own (`user=request.user`): bad input there is the caller's own data
                    # (UI preferences, a bookmark, a favourite); who else reads that row was not traced
                    level = "note"
                    message = (f"request data `{snippet}` is {harm} without schema validation, on a row of the "
                               f"caller's own ({read['owner']}); whether anyone but the caller reads it was not "
                               "traced: parse it with a form or schema all the same")
                elif level == "warning" and harm.startswith("stored") and read.get("field") and \
                        orm.checked_field(e.file, *read["field"]):
                    # a relation, a UUID or a flag: the field refuses (or converts) anything else before it is
                    # stored, so a bad value is an error answer, not bad data kept; which row it names (a key
                    # the caller may not own) is an access question this rule does not trace
                    kind = orm.checked_field(e.file, *read["field"])
                    level = "note"
                    message = (f"request data `{snippet}` is {harm} without schema validation; the field is a "
                               f"{kind} of {read['field'][0]}, which refuses or converts anything else before it "
                               "is stored (a 500 rather than a 400); whether the caller may name that row or "
                               "value was not traced: parse it with a form or schema all the same")
                elif level == "warning" and harm.startswith("stored") and read.get("field") and \
                        orm.free_text(e.file, *read["field"]):
                    # a text field without choices or validators: any string is a value it takes, so an unchecked
                    # one is not bad data kept; how the text is shown or used later is the output rules' question
                    level = "note"
                    message = (f"request data `{snippet}` is {harm} without schema validation; the field is a "
                               f"{orm.free_text(e.file, *read['field'])} of {read['field'][0]} without choices or "
                               "validators, which takes any text; whether a length or format matters where it is "
                               "used was not traced: parse it with a form or schema all the same")
                elif level == "warning" and harm.startswith("stored") and _privileged(e):
                    # a store behind an admin/operator gate: bad input there is a privileged user's own typo
                    # (a 500, an over-long value), not an attacker's; where it goes next was not traced
                    level = "note"
                    message = (f"request data `{snippet}` is {harm} without schema validation, in a view only "
                               f"privileged users reach ({_privileged(e)}); parse it with a form or schema all the "
                               "same")
                elif level == "warning":
                    message = (f"request data `{snippet}` is {harm} without schema validation; parse it with a "
                               "pydantic model, serializer or form first")
                else:
                    message = (f"request data `{snippet}` is used without schema validation; {harm}: parse it "
                               "with a pydantic model, serializer or form if it matters")
                out.append(self.finding(e.file, read, message, level=level, rule_id=f"BA-INP-001/{sub}"))
            if e.framework == "fastapi" and set(e.methods) & {"POST", "PUT", "PATCH"}:
                for param in untyped_body_params(e.fn):
                    key = (e.file, e.line, -1)
                    if key not in seen:
                        seen.add(key)
                        harm = (e.fn.get("param_damage") or {}).get(param) or \
                            _stored_by_callee(project, e.file, (e.fn.get("param_calls") or {}).get(param))
                        if harm:
                            level, message = "warning", (f"body parameter `{param}` of {e.handler} is an untyped "
                                                         f"dict/Any and is {harm}: declare a pydantic model")
                        else:
                            level, message = "note", (f"body parameter `{param}` of {e.handler} is an untyped "
                                                      "dict/Any; where it goes was not traced to a store: declare a "
                                                      "pydantic model if it matters")
                        out.append(self.finding(e.file, e.line, message, level=level, symbol=e.handler,
                                                rule_id="BA-INP-001/untyped-body", snippet=f"{e.handler}({param})"))
        return out

    @staticmethod
    def _judge(e: Any, read: dict, sink: tuple[str, str, str] | None, orm: Any) -> tuple[str, str]:
        """(level, what the value is made to do or what was not traced)."""
        sink_note = sink[2] if sink else ""
        sink = sink[:2] if sink else None
        harm = read.get("damage") or ""
        if harm.startswith("built:"):
            model = harm[len("built:"):]
            if orm.is_model(e.file, model):
                return "warning", f"stored in the {model} table model"
            harm = ""
        if harm:
            return "warning", harm
        if sink is not None:
            kind, api = sink
            if kind == "trust-store":
                # the caller's own session: bad input there harms only where a key is read back, which
                # BA-INP-012 judges key by key (a checked `next` read back through a safe-redirect helper)
                return "note", (f"it is kept in the caller's session ({api}); where it is read back was not traced "
                                "here (BA-INP-012 judges the session's keys)")
            if kind == "redirect" and sink_note:
                return "note", f"it reaches {api} {sink_note}"
            if kind == "redirect" and "GET" not in e.methods:
                # a POST-only view: another site cannot make a victim's browser send it past the CSRF check
                return "note", f"it reaches {api} in a view that serves POST only"
            return "warning", f"sent to {api}"
        return "note", "where it goes was not traced to a store, a redirect, a path or a query"


_RAW_BODY = re.compile(r"\.(body|get_data|data|read)\b")
# decorators that admit only administrators or operators: `@operator_role_required`, `@admin_required`,
# `@staff_member_required`, `@superuser_required`, `@require_admin`
_PRIVILEGED_GATE = re.compile(r"(?i)(^|[._])((admin|administrator|operator|staff|superuser)\w*_(required|only)|"
                              r"requires?_(admin|administrator|operator|staff|superuser)\w*)$")


def _privileged(e: Any) -> str:
    """The decorator of the handler that lets only administrators or operators in, or ""."""
    return next((d["ref"] for d in e.fn.get("decorators", ()) if _PRIVILEGED_GATE.search(d.get("ref") or "")), "")


def _taint_sinks(project: Any) -> dict[tuple[str, int], tuple[str, str, str]]:
    """(path, line) of a request read -> (kind, api, why a redirect is only a note or "") of a sink the taint
    engine saw it reach unsanitised. BA-INP-009's evidence decides a redirect's weight here too: a Referer
    sent back, or a URL that came back from a project function's `return` (which may check it), is a note."""
    from ..model.taint.project import analyse

    out: dict[tuple[str, int], tuple[str, str]] = {}
    for tf in analyse(project):
        flow = tf.flow
        if not flow.root.startswith("src:") or not flow.steps or "all" in flow.sanitised or \
                tf.kind in flow.sanitised or tf.kind in ("url", "redirect") and "host" in flow.sanitised:
            continue
        path, line = flow.steps[0][0], flow.steps[0][1]
        why = ""
        if tf.kind == "redirect" and "referer" in flow.sanitised:
            why = "as the Referer the browser sent (the page the user came from)"
        elif tf.kind == "redirect" and _returned_by_project_code(tf):
            why = (f"as the value project code returns ({_returned_by_project_code(tf)}): whether that code "
                   "checks where the URL goes was not traced")
        if (path, line) not in out or out[(path, line)][2] and not why:
            out[(path, line)] = (tf.kind, tf.api, why)  # a plain sink outweighs a redirect that is only a note
    return out


_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__"})


def _submodule_only(snippet: str) -> bool:
    """The module name is built as `<prefix>.<value>` (an f-string or `+` whose text before the last
    interpolated part holds a dot), so the caller only picks a submodule."""
    if len(snippet) > 2000:  # a hostile file's megabyte expression: not worth a second parse
        return False
    try:  # the sink's own snippet, parsed again: the taint trace keeps text, not nodes
        call = ast.parse(snippet.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    # the snippet is the sink's argument (or the whole call, depending on the trace)
    name = call.args[0] if isinstance(call, ast.Call) and call.args else call
    if isinstance(name, ast.JoinedStr):
        parts = name.values
    elif isinstance(name, ast.BinOp) and isinstance(name.op, ast.Add):
        parts = [name.left, name.right]
    else:
        return False
    last_dynamic = max((i for i, p in enumerate(parts) if not isinstance(p, ast.Constant)), default=None)
    if last_dynamic is None:
        return False
    # a dot before the last dynamic part: `f"{pkg}.{name}"`, `"app.plugins." + name`
    return any(isinstance(p, ast.Constant) and "." in str(p.value) for p in parts[:last_dynamic])
