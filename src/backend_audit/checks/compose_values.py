"""The credentials a repository's development docker-compose files give their local services
(`POSTGRES_PASSWORD: polar`, `${MINIO_PWD:-polar123}` in `dev/docker-compose.yml`): a committed value equal
to one of them is the local container's password, a development value, not a production secret."""

from __future__ import annotations

import fnmatch
import hashlib
from .lazy_re import re  # compiled on first use
from pathlib import Path

from ..untrusted.files import read_small_text
from .recognise import is_credential_name, is_password_kind

_COMPOSE = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
# the shell scripts that set up a development stack, read only under a development folder (`dev-env/`)
_SCRIPT_SUFFIXES = (".sh",)
_SCRIPTS = tuple(f"*{s}" for s in _SCRIPT_SUFFIXES)
_MAX_FILES = 20
_MAX_SIZE = 256 * 1024
# `KEY: value`, `- KEY=value` (both environment forms), quotes optional
_ENTRY = re.compile(r"^\s*(?:-\s*)?[\"']?(?P<key>[A-Za-z_][A-Za-z0-9_]*)[\"']?\s*[:=]\s*[\"']?(?P<value>[^\"'#\s]+)")
_DEFAULT = re.compile(r"\$\{(?P<key>[A-Za-z_][A-Za-z0-9_]*):?-(?P<value>[^}\s]+)\}")


# compose files for development or tests (`dev/docker-compose.yml`, `docker-compose.dev.yml`,
# `compose.test.yaml`); another one may be what self-hosters deploy with
_DEV_COMPOSE = re.compile(r"(?i)(^|[/._-])(dev|devel|develop|development|local|test|testing|tests|ci|e2e)([/._-]|$)")


def compose_credentials(root: str | Path, files: list[str], *, scripts: bool = False) -> dict[str, str]:
    """Value -> the development compose file (relative path) that gives it to a credential-named variable;
    a value some other compose file also gives (a deployment's default password) is left out. With
    `scripts`, the shell scripts under a development folder count as well (`dev-env/run-docker-compose.sh`
    inserting the local OAuth application's client pair)."""
    patterns = (*_COMPOSE, *_SCRIPTS) if scripts else _COMPOSE
    found = _compose_values(root, files, patterns)
    return {value: paths[0] for value, paths in found.items() if all(_DEV_COMPOSE.search(p) for p in paths)}


def _compose_values(root: str | Path, files: list[str], patterns: tuple[str, ...] = ()) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    picked = [rel for rel in files if any(fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], p) for p in patterns or _COMPOSE)]
    # compose files first, then a development folder's scripts: the cap keeps what matters most
    picked = [rel for rel in picked if not rel.endswith(_SCRIPT_SUFFIXES)] + \
        [rel for rel in picked if rel.endswith(_SCRIPT_SUFFIXES) and "/" in rel and _DEV_COMPOSE.search(rel.rsplit("/", 1)[0])]
    for rel in picked[:_MAX_FILES]:
        text = read_small_text(Path(root) / rel, _MAX_SIZE)
        for line in (text or "").splitlines():
            entry = _ENTRY.match(line)
            # `MINIO_ROOT_PASSWORD=${APP_MINIO_PWD:-app123}`: the default belongs to the credential the line sets
            line_key = _secret_key(entry.group("key")) if entry else False
            for m in (*_DEFAULT.finditer(line), entry):
                if m is not None and (line_key or _secret_key(m.group("key"))) and \
                        not m.group("value").startswith("$"):
                    paths = out.setdefault(m.group("value"), [])
                    if rel not in paths:
                        paths.append(rel)
    return out


def is_dev_compose_path(path: str) -> bool:
    """A compose file (or folder) named for development or tests (`docker/dev.yml`, `compose.test.yaml`)."""
    return bool(_DEV_COMPOSE.search(path))


def _secret_key(key: str) -> bool:
    return is_credential_name(key) or is_password_kind(key)


def value_digest(value: str) -> str:
    """What facts keep of a literal secret: enough to compare it with a compose value, not to read it."""
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:32]
