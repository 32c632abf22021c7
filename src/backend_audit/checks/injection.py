"""Injection checks (non-SQL)."""

from __future__ import annotations

from typing import Any

from .endpoint_base import EndpointCheck
from .taint_base import TaintCheck


class ShellInjection(TaintCheck):
    """Commands run by a shell (`shell=True`, os.system/popen, `["sh", "-c", cmd]`, asyncio's shell API):
    request data in the command is an error, a command of untraced origin a warning, a constant nothing."""

    RULE_ID = "BA-INP-003"
    KINDS = ("shell",)
    UNKNOWN = "lower"
    UNKNOWN_NEEDS_BUILT = False
    NOUN = "shell command"
    WHAT = "reaches a shell command"
    FIX = "Pass an argument list without a shell (or shlex.quote() each value)."


class CodeInjection(TaintCheck):
    RULE_ID = "BA-INP-005"
    KINDS = ("code",)
    UNKNOWN = "lower"
    UNKNOWN_NEEDS_BUILT = False
    NOUN = "code"
    WHAT = "reaches dynamic code execution"
    FIX = "Never evaluate request data: parse it (json, ast.literal_eval) or map it to allowed operations."


class PathTraversal(TaintCheck):
    RULE_ID = "BA-INP-006"
    KINDS = ("path",)
    WHAT = "reaches a filesystem path"
    FIX = ("Use secure_filename()/os.path.basename(), or resolve() the path and check is_relative_to(base) "
           "before using it.")


class ServerSideRequestForgery(TaintCheck):
    RULE_ID = "BA-INP-007"
    KINDS = ("url",)
    WHAT = "reaches the URL of an outbound request"
    FIX = "Check the host against an allowlist (urlparse(url).netloc in ALLOWED_HOSTS) before the request."


class CrossSiteScripting(TaintCheck):
    RULE_ID = "BA-INP-008"
    KINDS = ("html",)
    UNKNOWN = "lower"
    UNKNOWN_NEEDS_BUILT = True
    NOUN = "HTML"
    WHAT = "reaches HTML output that is not escaped"
    FIX = "Render a template with autoescaping, or escape() the value (format_html in Django)."


class OpenRedirect(TaintCheck):
    RULE_ID = "BA-INP-009"
    KINDS = ("redirect",)
    WHAT = "reaches the target of a redirect"
    FIX = ("Redirect only to relative paths or allowed hosts (url_has_allowed_host_and_scheme), or to a "
           "named route.")


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

    def judge(self, tf) -> tuple[str, str] | None:
        # any check or conversion on the way (an allowlist, url_has_allowed_host_and_scheme, urlencode)
        # is the validation this rule asks for
        return None if tf.flow.sanitised else super().judge(tf)


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


class RequestDataWithoutValidation(EndpointCheck):
    """Raw request payloads read in an endpoint and used without a validator; untyped FastAPI bodies."""

    RULE_ID = "BA-INP-001"

    def run(self, project: Any) -> list:
        from ..model.frameworks.inventory import untyped_body_params

        out = []
        seen: set[tuple[str, int, int]] = set()
        for e in self.inventory(project).endpoints:
            sub = {"fastapi": "fastapi-raw", "starlette": "fastapi-raw", "flask": "flask-raw"}.get(e.framework,
                                                                                               "django-raw")
            for read in e.fn.get("raw_reads", []):
                key = (e.file, read["line"], read["col"])
                if key in seen:
                    continue
                seen.add(key)
                out.append(self.finding(e.file, read, f"request data `{read['snippet'][:60]}` is used without "
                                        "schema validation; parse it with a pydantic model, serializer or form first",
                                        rule_id=f"BA-INP-001/{sub}"))
            if e.framework == "fastapi" and set(e.methods) & {"POST", "PUT", "PATCH"}:
                for param in untyped_body_params(e.fn):
                    key = (e.file, e.line, -1)
                    if key not in seen:
                        seen.add(key)
                        out.append(self.finding(e.file, e.line, f"body parameter `{param}` of {e.handler} is an "
                                                "untyped dict/Any: declare a pydantic model", symbol=e.handler,
                                                rule_id="BA-INP-001/untyped-body", snippet=f"{e.handler}({param})"))
        return out
