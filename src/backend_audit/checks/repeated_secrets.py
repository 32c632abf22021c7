"""BA-SEC-001: a secret under a dict key (`defaults = {"secret_key": "e951..."}`) whose value a named setting
elsewhere in the project also holds (`SECRET_KEY = "e951..."`) is the same committed secret: the named
setting keeps the error, the repeat is a note pointing at it. Values are compared by digest only."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .base import ProjectCheck
from .secrets import NAMED_SECRET_SITES, REPEATED_SECRET_ENTRIES


class RepeatedSecret(ProjectCheck):
    RULE_ID = "BA-SEC-001"

    def run(self, project: Any) -> list[Finding]:
        entries = [e for path in sorted(project.facts) for e in project.facts[path].get(REPEATED_SECRET_ENTRIES, ())]
        if not entries:
            return []
        named: dict[str, list] = {}
        for path in sorted(project.facts):
            for site in project.facts[path].get(NAMED_SECRET_SITES, ()):
                named.setdefault(site[0], site)
        out = []
        for entry in entries:
            data = dict(entry["finding"])
            site = named.get(entry["digest"])
            if site is not None:
                _, path, line, name = site
                data["level"] = "note"
                data["message"] = (f"{data['message'].split(':')[0]}: the same value as {name} in {path}:{line}, "
                                   "reported there; whether this copy is ever used as a key was not traced")
                data["properties"] = {**(data.get("properties") or {}), "sub": "repeated"}
            out.append(Finding.from_dict(data))
        return out
