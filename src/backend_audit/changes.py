"""Which lines a change adds or modifies: `git diff` from the merge base with REF to the work tree.

Shared by --changed-since (report only new findings) and diff coverage (BA-TEST-004). Read-only: it
never checks anything out. A shallow clone that lacks the history gets one line saying how to fetch it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass
class ChangeSet:
    ref: str
    base: str  # merge-base commit
    lines: dict[str, set[int]] = field(default_factory=dict)  # path -> added/modified lines (new side)
    new_files: set[str] = field(default_factory=set)  # untracked or added: every line counts

    def touches(self, path: str, line: int, end_line: int | None = None) -> bool:
        if path in self.new_files:
            return True
        changed = self.lines.get(path)
        if not changed:
            return False
        return any(n in changed for n in range(line, (end_line or line) + 1))

    @property
    def files(self) -> set[str]:
        return set(self.lines) | self.new_files


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True,
                              timeout=120)
    except FileNotFoundError:
        raise ConfigError("--changed-since needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"git {args[0]} timed out in {root}") from None


def _unquote(path: str) -> str:
    """git C-quotes paths with unusual bytes even with core.quotepath=off."""
    if len(path) >= 2 and path[0] == path[-1] == '"':
        raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw.encode("latin-1").decode("utf-8", "surrogateescape")
    return path


def parse_diff(diff: str) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    current: str | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:].strip()
            if target == "/dev/null":
                current = None
            else:
                target = _unquote(target)
                current = target[2:] if target.startswith("b/") else target
                out.setdefault(current, set())
        elif line.startswith("@@") and current is not None:
            m = _HUNK.match(line)
            if m:
                start, count = int(m.group(1)), int(m.group(2)) if m.group(2) is not None else 1
                out[current].update(range(start, start + count))
    return {p: s for p, s in out.items() if s}


def changed_lines(root: Path, ref: str) -> ChangeSet:
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise ConfigError(f"--changed-since needs a git work tree; {root} is not one")
    if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        hint = (" This is a shallow clone: fetch the base too (actions/checkout with 'fetch-depth: 0', or "
                f"'git fetch --unshallow origin {ref}')." if shallow else
                f" Fetch it first (e.g. 'git fetch origin {ref}').")
        raise ConfigError(f"--changed-since: '{ref}' is not a known commit or branch here.{hint}")
    mb = _git(root, "merge-base", ref, "HEAD")
    if mb.returncode != 0:
        shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        if shallow:
            raise ConfigError(f"--changed-since: no common history with '{ref}' in this shallow clone; fetch "
                              "more history (actions/checkout with 'fetch-depth: 0')")
        raise ConfigError(f"--changed-since: '{ref}' has no common ancestor with HEAD")
    base = mb.stdout.decode().strip()
    diff = _git(root, "diff", "--no-color", "--no-ext-diff", "-U0", "-M", base, "--")
    if diff.returncode != 0:
        raise ConfigError(f"git diff failed: {diff.stderr.decode(errors='replace').strip()}")
    changes = ChangeSet(ref=ref, base=base, lines=parse_diff(diff.stdout.decode("utf-8", "surrogateescape")))
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    for raw in untracked.stdout.split(b"\0"):
        if raw:
            changes.new_files.add(raw.decode("utf-8", "surrogateescape"))
    return changes
