"""BA-AUTH-002: unverified decodes in a method nothing calls: a debugging helper left in a service class
(`def decode_auth_token(token): return jwt.decode(token, options={"verify_signature": False})`, "only used
for debugging") forges nothing while no code reaches it. The file check (tokens.JwtVerificationOff) leaves
to this project pass the decodes in methods of base-less classes that their file never names again; here the rest of the project is
asked: a call whose callee text ends with the name (any receiver: `AuthService.decode_auth_token(t)`,
`svc.decode_auth_token(t)`), an import of it, or a route whose handler it is keeps the error. With none, a
note: the finding stands if something reaches it in a way the model does not see (getattr, a string)."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .endpoint_base import EndpointCheck
from .tokens import UNCALLED_DECODES


def _referenced(project: Any, names: set[str]) -> set[str]:
    """Which of `names` a call, an import or a module-level call of any analysed file names."""
    found: set[str] = set()
    for path in sorted(project.facts):
        semantic = project.facts[path].get("semantic") or {}
        texts = [callee for fn in (semantic.get("functions") or {}).values() if isinstance(fn, dict)
                 for _line, callee in fn.get("calls") or ()]
        texts += [callee for _line, callee in semantic.get("module_calls") or ()]
        texts += [str(v) for v in (semantic.get("imports") or {}).values()]
        texts += [str(v) for fn in (semantic.get("functions") or {}).values() if isinstance(fn, dict)
                  for v in (fn.get("imports") or {}).values()]
        for text in texts:
            last = str(text).rsplit(".", 1)[-1]
            if last in names:
                found.add(last)
    return found


class UncalledUnverifiedDecode(EndpointCheck):
    RULE_ID = "BA-AUTH-002"
    # a caller may sit in a file not scanned: on a subset the findings keep their level
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        entries = [e for path in sorted(project.facts) for e in project.facts[path].get(UNCALLED_DECODES, ())]
        if not entries:
            return []
        used = _referenced(project, {e["name"] for e in entries})
        handlers = {e.handler.rsplit(".", 1)[-1] for e in self.inventory(project).endpoints}
        out = []
        for entry in entries:
            finding = Finding.from_dict(entry["finding"])
            if entry["name"] not in used and entry["name"] not in handlers:
                finding.level = "note"
                finding.message = (f"{finding.message} (in {entry['name']}(), which nothing in the scanned files calls, "
                                   "imports or routes to: a leftover helper unless it is reached another way, "
                                   "by getattr or a name in a string, which was not traced)")
                finding.properties = {**finding.properties, "sub": "no-verify-uncalled"}
            out.append(finding)
        return out
