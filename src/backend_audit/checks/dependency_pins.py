"""The lowest major version of a package the project's manifests let it install: requirement lines
(requirements*.txt, pyproject's PEP 508 strings, setup.cfg/setup.py install_requires), poetry tables
(`pyjwt = "^2.8"`, `pyjwt = {version = ">=2"}`) and lock files (`name = "pyjwt"` then `version = "2.13.0"`;
Pipfile.lock's `"version": "==2.8.0"`). Read as text: a manifest is data, never run."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from .dependencies import LOCK_FILES, is_requirements_file
from .lazy_re import re  # compiled on first use
from .repo_text import texts

_MANIFESTS = frozenset({"pyproject.toml", "setup.cfg", "setup.py", "Pipfile"}) | LOCK_FILES
# a specifier's bound: `>=2.13`, `==2.*`, `~=2.4`, `^2.8`, `>1.9`, `<2`
_BOUND = re.compile(r"(?P<op>===|==|~=|>=|<=|!=|>|<|\^|~)\s*v?(?P<major>\d+)")


def _spec_pattern(package: str) -> "re.Pattern[str]":
    name = re.escape(package).replace(r"\-", "[-_.]")
    # `pyjwt[crypto]>=2.13.0`, `PyJWT (>=2,<3)`, poetry's `pyjwt = "^2.8"` / `pyjwt = {version = "^2"`; one way
    # only to split the blanks around a comma: `\s*,?\s*` made a long blank run backtrack quadratically (a hostile
    # manifest of spaces held the scan for minutes)
    return re.compile(rf"(?im)(?<![\w.-]){name}(?:\[[^\]]*\])?[\"']?\s*(?:=\s*\{{[^}}\n]*?version\s*=\s*|=\s*|\(\s*)?"
                      rf"[\"']?(?P<spec>(?:===|==|~=|>=|<=|!=|>|<|\^|~)\s*v?\d[\w.*]*"
                      rf"(?:\s*(?:,\s*)?(?:===|==|~=|>=|<=|!=|>|<|\^|~)\s*v?\d[\w.*]*)*)")


def _lock_pattern(package: str) -> "re.Pattern[str]":
    name = re.escape(package).replace(r"\-", "[-_.]")
    # poetry.lock / uv.lock / pdm.lock: `name = "pyjwt"` then `version = "2.13.0"`; Pipfile.lock's JSON entry
    return re.compile(rf"(?is)name\s*=\s*\"{name}\"\s*\n\s*version\s*=\s*\"(?P<v1>\d+)|"
                      rf"\"{name}\"\s*:\s*\{{[^{{}}]*?\"version\"\s*:\s*\"==(?P<v2>\d+)")


def _manifest(rel: str) -> bool:
    return PurePosixPath(rel).name in _MANIFESTS or is_requirements_file(rel)


def lowest_major(project: Any, package: str) -> tuple[int, str] | None:
    """(the lowest major version any manifest or lock file lets the project install, where it is said), or
    None when no manifest gives the package a lower bound; a file allowing an older major (`<2`, `==1.7.1`,
    a lock at 1.x) wins over the others."""
    def build() -> tuple[int, str] | None:
        spec, lock = _spec_pattern(package), _lock_pattern(package)
        found: list[tuple[int, str]] = []
        for rel, text in texts(project, _manifest):
            for m in spec.finditer(text):
                low = _lower_major(m.group("spec"))
                if low is not None:
                    found.append((low, rel))
            for m in lock.finditer(text):
                found.append((int(m.group("v1") or m.group("v2")), rel))
        return min(found) if found else None
    return project.memo(f"lowest_major:{package.lower()}", build)


def _lower_major(spec: str) -> int | None:
    """The lowest major a specifier set allows: `>=2.13` -> 2, `>=1.7,<3` -> 1, `<2` -> 1, `!=2.0` -> None (no
    lower bound: not evidence either way)."""
    low: int | None = None
    for m in _BOUND.finditer(spec):
        op, major = m.group("op"), int(m.group("major"))
        if op in ("==", "===", "~=", ">=", "^", "~"):
            low = major if low is None else max(low, major)
        elif op == ">":
            low = max(low or 0, major)
        elif op in ("<", "<=") and low is None:
            return max(major - 1, 0)  # only an upper bound: every older major is allowed
    return low
