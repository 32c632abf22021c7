"""BA-API-002 for flask-cors with no `origins=`: the origins are the app config's CORS_ORIGINS, which another
module may set. The file check (api.PermissiveCors) leaves these findings to this project pass, which follows
the app's config loading (`config.from_object("pkg.settings")`, `from_pyfile`, writes to `app.config`):

- a CORS_ORIGINS the app loads that allows every origin: the finding stays, naming where it is set;
- one the app loads that lists origins: nothing to report;
- one whose value, or whose loading, cannot be traced, or config read from files and the environment the
  repository does not hold: a note, "CORS origins come from app config not traced";
- no CORS_ORIGINS and no outside config at all: flask-cors' default, every origin, as the file check said.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .api import DEFAULT_ORIGINS, ORIGINS_SET
from .app_config import config_loaded
from .base import ProjectCheck, deferred_findings


class CorsDefaultOrigins(ProjectCheck):
    RULE_ID = "BA-API-002"
    # on a few files the config may be out of view: the findings stay what the file check made them
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = deferred_findings(project, DEFAULT_ORIGINS)
        if not deferred:
            return []
        files, classes, outside = config_loaded(project)
        traced: list[tuple[str, dict]] = []
        untraced: list[str] = []
        for path in sorted(project.facts):
            for entry in project.facts[path].get(ORIGINS_SET, ()):
                owner = (entry.get("class") or "").rpartition(".")[2]
                where = f"{path}:{entry['line']}"
                if entry["how"] == "config" or (path in files and not owner) or (owner and owner in classes):
                    if entry["value"] == "unknown":
                        untraced.append(f"CORS_ORIGINS set from an expression at {where}")
                    else:
                        traced.append((where, entry))
                else:
                    untraced.append(f"CORS_ORIGINS at {where}, in a module the app was not seen loading")
        wildcard = next((where for where, e in traced if e["value"] == "wildcard"), None)
        if wildcard is None and traced:
            return []  # the app's config lists its origins
        out = []
        for finding in deferred:
            what = finding.message.partition(" allows every origin")[0]
            creds = finding.level == "error"
            if wildcard is not None:
                finding.message = finding.message.replace(
                    "(no origins, no CORS_ORIGINS)", f"(no origins: the app config's CORS_ORIGINS, {wildcard})")
            elif untraced or outside:
                source = (untraced + outside)[0]
                finding.level = "note"
                finding.message = (f"{what} takes its origins from the app config: CORS origins come from app config "
                                   f"not traced ({source}); where it sets no CORS_ORIGINS, flask-cors allows every "
                                   f"origin{' and, with supports_credentials, echoes it' if creds else ''}: pass "
                                   "origins= or make sure CORS_ORIGINS lists them")
                finding.properties = {**finding.properties, "sub": "config-not-traced"}
            out.append(finding)
        return out
