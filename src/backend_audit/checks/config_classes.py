"""Configuration classes that only a test run or a developer's machine selects: django-configurations'
`class Test(Base)` / `class Development(Base)`, Flask's `TestingConfig(Config)`, pydantic's
`DevAppSettings(AppSettings)`. A setting on one of them (MD5 hashing to speed the suite up, every CORS origin
for a local front end) is not what the deployment runs, as `settings/test.py` is not (recognise.is_dev_settings).

The class's name is the file check's evidence; the project pass then asks how the project selects its
configuration: a `DJANGO_CONFIGURATION` value given in a deployment's files (a Dockerfile, helm or Kubernetes
values, a production env file) that names the class puts its findings back at their own level. Values given
by compose files, CI workflows, test runners and the `setdefault` of manage.py/wsgi.py are a developer's.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath
from typing import Any

from ..findings import Finding
from .base import FileContext, ProjectCheck
from .lazy_re import re  # compiled on first use
from .recognise import snake
from .repo_text import texts

# fact key: {"finding": the finding at its own level, "kind": "test"|"dev", "class": name, "lowered": level|None}
DEFERRED_CONFIG_CLASS = "config_class_findings"

_TEST_WORDS = frozenset({"test", "tests", "testing", "ci", "e2e"})
_DEV_WORDS = frozenset({"dev", "devel", "develop", "development", "local", "debug"})
_SUFFIX = re.compile(r"(App|Django|Flask)?(Config|Configuration|Settings|Conf)$")
# `ContinuousIntegration(Test)`: the CI run's class
_CI = ("continuous", "integration")

# `DJANGO_CONFIGURATION=Production`, `DJANGO_CONFIGURATION: Feature`, `"DJANGO_CONFIGURATION", "Development"`
_SELECTION = re.compile(r"DJANGO_CONFIGURATION[\"']?\s*(?:[=:]|,)\s*[\"']?([A-Za-z_]\w*)")
# the files a deployment reads its configuration from; a path naming development or tests is a developer's
_DEPLOY_PATH = re.compile(r"(?i)(^|/)(dockerfile[^/]*|procfile|helm|charts?|k8s|kubernetes|kustomize|deploy\w*|"
                          r"prod|production[^/]*|staging|values[^/]*\.ya?ml(\.gotmpl)?)($|[/._-])")
_DEV_PATH = re.compile(r"(?i)(^|[/._-])(dev|devel|develop|development|local|test|tests|testing|ci|e2e|"
                       r"\.github|example|examples)($|[/._-])")
_TEXT_SUFFIXES = frozenset({"", ".yml", ".yaml", ".gotmpl", ".env", ".dist", ".sh", ".toml", ".ini", ".cfg", ".json",
                            ".tpl", ".conf"})


def class_kind(name: str) -> str | None:
    """"test" or "dev" when a configuration class's name says which run selects it (`Test`, `TestingConfig`,
    `ContinuousIntegration`, `Development`, `DevAppSettings`, `LocalSettings`); None for any other name
    (`Production`, `DeviceConfig`, `LatestSettings`)."""
    bare = _SUFFIX.sub("", name) or name
    words = snake(bare).strip("_").split("_")
    if set(words) & _TEST_WORDS or tuple(words[-2:]) == _CI:
        return "test"
    if set(words) & _DEV_WORDS:
        return "dev"
    return None


def enclosing_config_class(ctx: FileContext) -> tuple[str, str] | None:
    """(kind, class name) of the innermost class around the node being visited whose name says a test or
    development run selects it, or None."""
    for parent in reversed(ctx.parents):
        if isinstance(parent, ast.ClassDef):
            kind = class_kind(parent.name)
            if kind:
                return kind, parent.name
    return None


def defer(ctx: FileContext, found: tuple[str, str], lowered: str | None, why: str) -> None:
    """Move the finding just reported into the facts for the project pass: it comes back at `lowered`
    (None: not at all) with `why` added, unless a deployment selects the class."""
    finding = ctx.findings.pop()
    ctx.facts.setdefault(DEFERRED_CONFIG_CLASS, []).append(
        {"finding": finding.to_dict(), "kind": found[0], "class": found[1], "lowered": lowered, "why": why})


def deployed_classes(project: Any) -> dict[str, str]:
    """Configuration class name -> the deployment file that selects it by `DJANGO_CONFIGURATION`."""
    def build() -> dict[str, str]:
        out: dict[str, str] = {}
        for rel, text in texts(project, _deploy_file):
            for m in _SELECTION.finditer(text):
                out.setdefault(m.group(1), rel)
        return out
    return project.memo("deployed_config_classes", build)


def _deploy_file(rel: str) -> bool:
    p = PurePosixPath(rel)
    return p.suffix.lower() in _TEXT_SUFFIXES and bool(_DEPLOY_PATH.search(rel)) and not _DEV_PATH.search(rel)


class ConfigClassFindings(ProjectCheck):
    """Brings back the findings a file check left for a test or development configuration class."""

    # on a subset the deployment's files may be out of view: the lowered level stands, as the file check said
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        entries = [e for path in sorted(project.facts) for e in project.facts[path].get(DEFERRED_CONFIG_CLASS, ())
                   if e["finding"]["rule_id"].partition("/")[0] == self.RULE_ID]
        if not entries:
            return []
        deployed = deployed_classes(project)
        out = []
        for entry in entries:
            finding = Finding.from_dict(entry["finding"])
            where = deployed.get(entry["class"])
            if where:
                finding.message += f" (the {entry['class']} configuration is selected by {where})"
            elif entry["lowered"] is None:
                continue
            else:
                finding.level = entry["lowered"]
                finding.message += entry["why"]
            out.append(finding)
        return out


class HashersConfigClass(ConfigClassFindings):
    RULE_ID = "BA-AUTH-003"


class CorsConfigClass(ConfigClassFindings):
    RULE_ID = "BA-API-002"
