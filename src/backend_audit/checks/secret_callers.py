"""BA-AUTH-005: a parameter compared with a configured secret (`def validate_token(token, name): return token
== os.getenv(name)`) is a warning where a caller in the project hands that parameter a value read from the
request (`validate_token(token, ...)` with `token` cut from `req.get_header("Authorization")`): the caller can
probe the configured secret byte by byte (blind set T). The file check (sessions.SecretComparedWithEquals)
leaves those compares here as notes, with the calls of credential-checking functions that pass request data;
the semantic model links each call to the function it runs."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .base import ProjectCheck
from .sessions import PARAM_SECRET_COMPARES, REQUEST_ARG_CALLS


class SecretParamFromRequest(ProjectCheck):
    RULE_ID = "BA-AUTH-005"
    # on a subset the caller may be out of view: the compares stay notes
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        entries = [(path, e) for path in sorted(project.facts)
                   for e in project.facts[path].get(PARAM_SECRET_COMPARES, ())]
        if not entries:
            return []
        sm = project.semantic
        sent: dict[tuple[str, Any], str] = {}  # (function qualname, parameter index or name) -> the call's place
        for path in sorted(project.facts):
            module = sm.module_of(path)
            for call in project.facts[path].get(REQUEST_ARG_CALLS, ()):
                target = sm.call_target(f"{module}.{call['caller']}", call["callee"]) if module else None
                if target:
                    sent.setdefault((target, call["arg"]), f"{path}:{call['line']} ({call['sent']})")
        out = []
        for path, entry in entries:
            finding = Finding.from_dict(entry["finding"])
            qualname = f"{sm.module_of(path)}.{entry['function']}"
            where = sent.get((qualname, entry["index"])) or sent.get((qualname, entry["param"]))
            if where:
                finding.level = "warning"
                finding.message = finding.message.replace(
                    f"whether a caller hands the parameter {entry['param']} a value from the request is not traced",
                    f"origin traced: the caller at {where} hands {entry['param']} a value from the request, so "
                    "a request value meets a configured secret")
            out.append(finding)
        return out
