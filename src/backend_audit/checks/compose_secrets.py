"""BA-SEC-001 sub-check `compose-default-key`: the compose file a repository ships for running it
(`docker-compose.yml`, not one named for development or tests) that gives the app's signing or encryption key a
fixed value (`DD_SECRET_KEY: "${DD_SECRET_KEY:-hhZC...}"`, blind set W). `docker compose up` without an override
runs every such install with the same key, public in the repository: sessions, reset links and whatever the
key encrypts are forgeable or readable by anyone who reads it. No Python file holds the value, so the file
check never sees it."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..untrusted.files import read_small_text
from .base import ProjectCheck
from .compose_values import _COMPOSE, _MAX_FILES, _MAX_SIZE, is_dev_compose_path
from .lazy_re import re  # compiled on first use
from .recognise import is_placeholder, is_placeholder_template
from .secrets import _EXAMPLE_PATH, _SIGNING_NAME, _candidate_files

# a key that encrypts stored data (`DD_CREDENTIAL_AES_256_KEY`, `FIELD_ENCRYPTION_KEY`, `FERNET_KEY`)
_ENCRYPTION_KEY = re.compile(r"^([A-Z0-9]+_)*(AES|ENCRYPTION|ENCRYPT|FERNET|CRYPTO|CIPHER)(_[A-Z0-9]+)*_KEY$")
# `KEY: value`, `- KEY=value`, the value optionally `${KEY:-default}`; quotes optional. The value is the rest of
# the line, stripped in Python: a lazy value before `\s*$` backtracked quadratically on a long run of blanks
_ENTRY = re.compile(r"^\s*(?:-\s*)?[\"']?(?P<key>[A-Z][A-Z0-9_]*)[\"']?\s*[:=](?P<value>.*)$")
# what the file's opening comment says it is: "mostly for browser-based tests" (no deployment), "This is an
# example. Please change the configuration variables" (a template the operator adapts)
_FOR_TESTS = re.compile(r"(?i)\b(tests?|testing|ci)\b")
_AN_EXAMPLE = re.compile(r"(?i)\b(example|sample|template)\b")
_DEFAULT = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(?P<value>[^}]*)\}$")
# folders of compose files no deployment runs: tests, CI, a development container
_NOT_DEPLOYED = frozenset({"tests", "test", "fixtures", "testdata", "e2e", "ci", ".devcontainer"})
# a `*_SECRET_KEY` that is a credential for another service (an S3 or MinIO secret key, an OIDC client's
# secret), which a compose file hands its own local container: not a key the app signs or encrypts with
_OTHER_SERVICE = frozenset({"S3", "AWS", "MINIO", "STORAGE", "BUCKET", "CLIENT", "OIDC", "OAUTH", "ACCESS"})


def _fixed_value(raw: str) -> str | None:
    """The value the container gets when nothing overrides it: a literal or a `${VAR:-default}` default."""
    raw = raw.split(" #", 1)[0].strip().strip("\"'")
    m = _DEFAULT.match(raw)
    value = m.group("value").strip("\"'") if m else raw
    if not value or value.startswith(("$", "{", "<")) or " " in value or is_placeholder_template(value):
        return None
    return value


def _opening_comment(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


class ComposeDefaultKey(ProjectCheck):
    RULE_ID = "BA-SEC-001"

    def run(self, project: Any) -> list[Finding]:
        picked = [rel for rel in _candidate_files(project)
                  if any(fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], p) for p in _COMPOSE)
                  and project.in_scope(rel) and not is_dev_compose_path(rel) and not _EXAMPLE_PATH.search(rel)
                  and not _NOT_DEPLOYED & set(rel.split("/")[:-1])]
        out = []
        for rel in picked[:_MAX_FILES]:
            text = read_small_text(Path(project.root) / rel, _MAX_SIZE) or ""
            header = _opening_comment(text)
            sites = [] if _FOR_TESTS.search(header) else self._sites(text)
            if sites:
                out.append(self._finding(rel, sites, bool(_AN_EXAMPLE.search(header))))
        return out

    @staticmethod
    def _sites(text: str) -> list[tuple[int, str, bool]]:
        """(line, key, a placeholder word) of each signing or encryption key given a fixed value."""
        sites = []
        for number, line in enumerate(text.splitlines(), 1):
            entry = _ENTRY.match(line)
            if not entry or line.lstrip().startswith("#"):
                continue
            key = entry.group("key")
            if not (_SIGNING_NAME.match(key) or _ENCRYPTION_KEY.match(key)) or _OTHER_SERVICE & set(key.split("_")):
                continue
            value = _fixed_value(entry.group("value"))
            if value is not None:
                sites.append((number, key, is_placeholder(value)))
        return sites

    def _finding(self, rel: str, sites: list[tuple[int, str, bool]], example: bool) -> Finding:
        line = sites[0][0]
        keys = ", ".join(dict.fromkeys(k for _, k, _ in sites))
        more = f" (lines {', '.join(str(n) for n, _, _ in sites)})" if len(sites) > 1 else ""
        if example:
            level, what = "note", "a value in a file its opening comment calls an example to adapt"
        elif all(p for _, _, p in sites):
            # `SECRET_KEY: changeme`: the file tells the operator to replace it; whether anything refuses to
            # start with it is not traced
            level, what = "note", "a placeholder the operator is meant to replace, which nothing is seen refusing"
        else:
            level, what = "warning", "a fixed value every install that does not override it runs with"
        return Finding(
            rule_id=self.RULE_ID, path=rel, line=line, column=1, end_line=line, end_column=1, level=level,
            message=f"{rel.rsplit('/', 1)[-1]}, a compose file for running the app (not named for development or "
                    f"tests), gives {keys}{more} {what}: the key is public in the repository, so sessions, reset "
                    "links and what it encrypts can be forged or read on such an install; leave it unset "
                    "(`${VAR:?set VAR}`) so compose refuses to start without one",
            engine=self.ENGINE, snippet=f"{sites[0][1]} in {rel}", properties={"sub": "compose-default-key"})
