"""BA-DEP-001 for `DEBUG = True` in Django settings modules: the file check (deploy.DebugModeEnabled) leaves
these findings to this project pass, which follows the production settings module's star imports. Base
settings that every production module imports and then overrides (`from .common import *` then
`DEBUG = False`, the module wsgi.py selects) do not run with debug: nothing to report. An override the
production module computes (an expression) is not traced: a note. A module that reads a deployment's local
settings file when present (`try: from .local_settings import *`) ships DEBUG = True as a default those
settings may replace: a warning. Otherwise the error stands."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from ..model.django_settings import SettingsIndex
from .base import ProjectCheck, deferred_findings
from .deploy import DEFERRED_DEBUG


class DebugOverridden(ProjectCheck):
    RULE_ID = "BA-DEP-001"
    # only an override in view lowers or drops a finding: on a few files they stay errors
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = deferred_findings(project, DEFERRED_DEBUG)
        if not deferred:
            return []
        index = SettingsIndex(project.facts)
        production = [(m, index.fold(m).get("DEBUG")) for m in index.production_modules()]
        out = []
        for finding in deferred:
            using = [(m, v) for m, v in production if m == finding.path or finding.path in index.star_bases(m)]
            if not using or any(v is None or v.path == finding.path for _, v in using):
                local = next((index.local_overlay(m) for m, _ in using if index.local_overlay(m)), None)
                if local and finding.level == "error":
                    # a shipped default the deployment's own settings file replaces when it sets DEBUG: on
                    # unless the operator remembers to turn it off there, a warning, not a proven error
                    finding.level = "warning"
                    finding.message += (f"; overridden by local settings when present ({local[0]}, {local[1]}): "
                                        "this is the shipped default, which runs wherever they do not set DEBUG")
                    finding.properties = {**finding.properties, "sub": "local-settings"}
                out.append(finding)  # a production module runs with this DEBUG = True
                continue
            computed = [(m, v) for m, v in using if not (v.known and v.value is False)]
            if computed:
                module, value = computed[0]
                finding.level = "note"
                finding.message = (f"DEBUG = True in base settings that the production settings module {module} "
                                   f"imports and sets again from an expression at line {value.line} (not traced): "
                                   "make sure it is off in every deployment")
                finding.properties = {**finding.properties, "sub": "override-not-traced"}
                out.append(finding)
        return out
