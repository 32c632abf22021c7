"""BA-SEC-001 sub-check `well-known-default`: `SECRET_KEY = "changeme"` left by the file check
(secrets.HardcodedSecret) is reported where the app runs with it: a module (or config class) Flask's config
loads (`config.from_object("pkg.settings")`, `from_pyfile`), or a Django settings module that a production
settings module is, or star-imports without setting the key again. A module the app was not seen loading
(an example, a leftover), or a value some module refuses to start with (`if app.config["SECRET_KEY"] ==
"changeme": raise`), is not reported."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from ..model.django_settings import SettingsIndex
from .app_config import config_loaded
from .base import ProjectCheck
from .secrets import DEFAULT_SECRETS, DEFERRED_SETTINGS_SECRETS, REFUSED_SECRETS, SETTINGS_SELF_READS


def _django_runs_with(index: SettingsIndex, path: str, name: str) -> bool:
    """Whether some production settings module ends up with this file's value of `name`."""
    for module in index.production_modules():
        if module == path or path in index.star_bases(module):
            value = index.fold(module).get(name)
            if value is None or value.path == path:
                return True
    return False


class WellKnownDefaultSecret(ProjectCheck):
    RULE_ID = "BA-SEC-001"

    def run(self, project: Any) -> list[Finding]:
        entries = [e for path in sorted(project.facts) for e in project.facts[path].get(DEFAULT_SECRETS, ())]
        if not entries:
            return []
        refused = {tuple(pair) for path in sorted(project.facts)
                   for pair in project.facts[path].get(REFUSED_SECRETS, ())}
        files, classes, _ = config_loaded(project)
        index = SettingsIndex(project.facts)
        out = []
        for entry in entries:
            if (entry["name"], entry.get("literal")) in refused:
                continue  # `if app.config["SECRET_KEY"] == "changeme": raise`: the app will not run with it
            finding = Finding.from_dict(entry["finding"])
            owner = (entry.get("class") or "").rpartition(".")[2]
            # a pydantic settings class its own module instantiates runs with its defaults (placeholder_keys.py)
            loaded = owner in classes or entry.get("built", False) if owner else finding.path in files
            if loaded or (not owner and _django_runs_with(index, finding.path, entry["name"])):
                out.append(finding)
        return out


class OverriddenSettingsSecret(ProjectCheck):
    """A `SECRET_KEY` literal in base Django settings that every production settings module star-imports and
    then sets again (read from a file, generated): production never runs with the literal, so it is a
    development value and nothing is reported. A production module that keeps it, or re-reads it as a
    fallback (`env("SECRET_KEY", SECRET_KEY)`), leaves the finding as the file check made it."""

    RULE_ID = "BA-SEC-001"
    # only an override in view drops a finding: on a few files they stay as the file check made them
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        entries = [e for path in sorted(project.facts) for e in project.facts[path].get(DEFERRED_SETTINGS_SECRETS, ())]
        if not entries:
            return []
        index = SettingsIndex(project.facts)
        production = index.production_modules()
        out = []
        for entry in entries:
            finding, name = Finding.from_dict(entry["finding"]), entry["name"]
            using = [m for m in production if m == finding.path or finding.path in index.star_bases(m)]
            if not using or not all(_replaced(project, index, m, finding.path, name) for m in using):
                out.append(finding)
        return out


def _replaced(project: Any, index: SettingsIndex, module: str, path: str, name: str) -> bool:
    """Whether `module` ends up with its own value of `name`, one that does not read the base value."""
    if module == path:
        return False
    value = index.fold(module).get(name)
    if value is None or value.path == path:
        return False
    # any assignment there that reads the old value may hand the base literal on: not a replacement
    return not any(r[0] == name for r in project.facts.get(value.path, {}).get(SETTINGS_SELF_READS, ()))
