"""The credentials a repository's docker-compose files give their local services (`POSTGRES_PASSWORD:
polar`, `${MINIO_PWD:-polar123}`): a committed value equal to one of them is the local container's
password, a development value, not a production secret."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from pathlib import Path

from ..untrusted.files import read_small_text
from .recognise import is_credential_name, is_password_kind

_COMPOSE = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
_MAX_FILES = 20
_MAX_SIZE = 256 * 1024
# `KEY: value`, `- KEY=value` (both environment forms), quotes optional
_ENTRY = re.compile(r"^\s*(?:-\s*)?[\"']?(?P<key>[A-Za-z_][A-Za-z0-9_]*)[\"']?\s*[:=]\s*[\"']?(?P<value>[^\"'#\s]+)")
_DEFAULT = re.compile(r"\$\{(?P<key>[A-Za-z_][A-Za-z0-9_]*):?-(?P<value>[^}\s]+)\}")


def compose_credentials(root: str | Path, files: list[str]) -> dict[str, str]:
    """Value -> the compose file (relative path) that gives it to a credential-named variable."""
    out: dict[str, str] = {}
    picked = [rel for rel in files if any(fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], p) for p in _COMPOSE)]
    for rel in picked[:_MAX_FILES]:
        text = read_small_text(Path(root) / rel, _MAX_SIZE)
        for line in (text or "").splitlines():
            entry = _ENTRY.match(line)
            # `MINIO_ROOT_PASSWORD=${APP_MINIO_PWD:-app123}`: the default belongs to the credential the line sets
            line_key = _secret_key(entry.group("key")) if entry else False
            for m in (*_DEFAULT.finditer(line), entry):
                if m is not None and (line_key or _secret_key(m.group("key"))) and \
                        not m.group("value").startswith("$"):
                    out.setdefault(m.group("value"), rel)
    return out


def _secret_key(key: str) -> bool:
    return is_credential_name(key) or is_password_kind(key)


def value_digest(value: str) -> str:
    """What facts keep of a literal secret: enough to compare it with a compose value, not to read it."""
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:32]
