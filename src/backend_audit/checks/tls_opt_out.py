"""BA-SEC-002 by-mode notes whose opt-out switch is an app-config key (`self.skip_verify =
app.config["SMTP_SKIP_SSL_VERIFY"]`, then `if self.skip_verify:` before `verify_mode = CERT_NONE`): the file
check (secrets.TlsVerificationDisabled) leaves them to this project pass. Where every module the app's config
loads that sets the key sets it off (`SMTP_SKIP_SSL_VERIFY = False`), verification is the default and only an
operator who turns the switch on drops it: the code's own choice is safe, nothing is reported. A key no
loaded module sets, or one set on (or from an expression), keeps the note."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from .app_config import config_loaded
from .base import ProjectCheck
from ..model.semantic.values import UNKNOWN
from .secrets import TLS_OPT_OUTS

_OFF = (False, 0, "", None, "false", "False", "0", "no", "off")


class TlsOptOutDefault(ProjectCheck):
    RULE_ID = "BA-SEC-002"
    # only a default in view drops a note: on a few files they stay notes
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        entries = [e for path in sorted(project.facts) for e in project.facts[path].get(TLS_OPT_OUTS, ())]
        if not entries:
            return []
        files, _, _ = config_loaded(project)
        semantic = project.semantic
        modules = [m for m in (semantic.module_of(p) for p in sorted(files)) if m]
        out = []
        for entry in entries:
            values = [v for v in (semantic.constant(m, entry["key"]) for m in modules) if v is not UNKNOWN]
            if values and all(v in _OFF and not isinstance(v, (list, dict)) for v in values):
                continue  # off by default in the config the app loads: the operator opts in
            out.append(Finding.from_dict(entry["finding"]))
        return out
