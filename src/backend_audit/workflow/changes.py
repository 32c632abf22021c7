"""Which lines a change adds or modifies: `git diff` from the merge base with REF to the work tree.

Shared by --changed-since (report only new findings) and diff coverage (BA-TEST-004). Read-only: it
never checks anything out and never refreshes the index (`--no-optional-locks`). A shallow clone that
lacks the history gets one line saying how to fetch it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import field
from pathlib import Path

from ..errors import ConfigError
from ..pipeline import git as gitexec
from ..records import dataclass

_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass
class ChangeSet:
    """The lines added or changed since the merge base with `ref`, per file."""
    ref: str
    base: str  # merge-base commit
    # path -> added/modified lines (new side); empty for a file whose hunks only delete lines
    lines: dict[str, set[int]] = field(default_factory=dict)
    new_files: set[str] = field(default_factory=set)  # untracked or added: every line counts
    renamed: dict[str, str] = field(default_factory=dict)  # new path -> path at the base
    deleted: set[str] = field(default_factory=set)

    def touches(self, path: str, line: int, end_line: int | None = None) -> bool:
        if path in self.new_files:
            return True
        changed = self.lines.get(path)
        if not changed:
            return False
        return any(n in changed for n in range(line, max(line, end_line or line) + 1))

    @property
    def files(self) -> set[str]:
        return set(self.lines) | self.new_files

    def base_path(self, path: str) -> str | None:
        """Where `path` lived at the base; None when the change created it."""
        if path in self.new_files:
            return None
        return self.renamed.get(path, path)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return gitexec.run(root, "--no-optional-locks", *args)
    except (FileNotFoundError, gitexec.GitUnavailable):
        raise ConfigError("--changed-since needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"git {args[0]} timed out in {root}") from None


def _decode(raw: bytes) -> str:
    """Git path bytes -> the printable form discovery uses (undecodable bytes as \\xNN)."""
    return raw.decode("utf-8", "backslashreplace")


def unquote(path: bytes) -> bytes:
    """Undo git's C-style quoting ("a\\tb", "\\303\\251") of a path in diff headers; bytes in, bytes out."""
    if len(path) < 2 or not (path.startswith(b'"') and path.endswith(b'"')):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch == 0x5C and i + 1 < len(body):  # backslash
            nxt = chr(body[i + 1])
            if i + 3 < len(body) and all(chr(c) in "01234567" for c in body[i + 1:i + 4]):
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
        out.append(ch)
        i += 1
    return bytes(out)


def parse_diff(diff: bytes) -> dict[str, set[int]]:
    """Added/modified line numbers (new side) per path from `git diff -U0` output.

    Hunk bodies are consumed by their counts, so a content line that happens to start with "+++ "
    is never mistaken for a file header.
    """
    out: dict[str, set[int]] = {}
    current: str | None = None
    old_left = new_left = 0
    new_line = 0
    for line in diff.split(b"\n"):
        if old_left > 0 or new_left > 0:
            if line.startswith(b"+"):
                if current is not None:
                    out[current].add(new_line)
                new_line += 1
                new_left -= 1
            elif line.startswith(b"-"):
                old_left -= 1
            elif line.startswith(b" "):
                new_line += 1
                old_left -= 1
                new_left -= 1
            continue  # "\ No newline at end of file" and anything else: no count
        if line.startswith(b"+++ "):
            target = line[4:]
            if target.endswith(b"\t"):  # git adds a tab after names that contain a space
                target = target[:-1]
            if target == b"/dev/null":
                current = None
            else:
                target = unquote(target)
                current = _decode(target[2:] if target.startswith(b"b/") else target)
                out.setdefault(current, set())
        elif line.startswith(b"@@"):
            m = _HUNK.match(line.decode("latin-1"))
            if m:
                old_left = int(m.group(1)) if m.group(1) is not None else 1
                new_line = int(m.group(2))
                new_left = int(m.group(3)) if m.group(3) is not None else 1
        elif line.startswith(b"diff "):
            current = None
    # a file whose hunks only delete lines stays, with no line: no per-file finding is on a changed line,
    # but the base pass must still analyse its base blob (a deleted permission check leaves a view open)
    return out


def parse_name_status(raw: bytes) -> tuple[dict[str, str], set[str], set[str]]:
    """(renamed new->old, deleted, added) from `git diff --name-status -z -M`."""
    renamed: dict[str, str] = {}
    deleted: set[str] = set()
    added: set[str] = set()
    parts = raw.split(b"\0")
    i = 0
    while i < len(parts) and parts[i]:
        status = parts[i].decode("ascii", "replace")
        if status[:1] in ("R", "C"):
            old, new = _decode(parts[i + 1]), _decode(parts[i + 2])
            if status[0] == "R":
                renamed[new] = old
            else:
                added.add(new)
            i += 3
            continue
        path = _decode(parts[i + 1])
        if status[0] == "D":
            deleted.add(path)
        elif status[0] == "A":
            added.add(path)
        i += 2
    return renamed, deleted, added


def _shallow(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"


def _remote_branch(ref: str) -> tuple[str, str]:
    """`origin/main` is fetched as `git fetch origin main`, not `git fetch origin origin/main`."""
    remote, sep, branch = ref.partition("/")
    if sep and remote in ("origin", "upstream") and branch:
        return remote, branch
    return "origin", ref


def changed_lines(root: Path, ref: str) -> ChangeSet:
    if ref.startswith("-"):  # git would read it as an option
        raise ConfigError(f"--changed-since: '{ref}' is not a branch or commit name")
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise ConfigError(f"--changed-since needs a git work tree; {root} is not one")
    if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        remote, branch = _remote_branch(ref)
        hint = (" This is a shallow clone: fetch the base too (actions/checkout with 'fetch-depth: 0', or "
                f"'git fetch --unshallow {remote} {branch}')." if _shallow(root) else
                f" Fetch it first (e.g. 'git fetch {remote} {branch}').")
        raise ConfigError(f"--changed-since: '{ref}' is not a known commit or branch here.{hint}")
    mb = _git(root, "merge-base", ref, "HEAD")
    if mb.returncode != 0:
        if _shallow(root):
            raise ConfigError(f"--changed-since: no common history with '{ref}' in this shallow clone; fetch "
                              "more history (actions/checkout with 'fetch-depth: 0')")
        raise ConfigError(f"--changed-since: '{ref}' has no common ancestor with HEAD")
    base = mb.stdout.decode().strip()
    common = ("diff", "--no-color", "--no-ext-diff", "--no-relative", "--no-textconv", "-M", base)
    diff = _git(root, *common[:-1], "-U0", "--src-prefix=a/", "--dst-prefix=b/", base, "--")
    if diff.returncode != 0:
        raise ConfigError(f"git diff failed: {diff.stderr.decode(errors='replace').strip()}")
    names = _git(root, *common, "--name-status", "-z", "--")
    renamed, deleted, added = parse_name_status(names.stdout)
    changes = ChangeSet(ref=ref, base=base, lines=parse_diff(diff.stdout), renamed=renamed, deleted=deleted,
                        new_files=added)
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard")
    for raw in untracked.stdout.split(b"\0"):
        if raw:
            changes.new_files.add(_decode(raw))
    return changes


def base_blob(root: Path, base: str, path: str) -> bytes | None:
    """The file's bytes at the base commit, read from the object store (no checkout)."""
    out = _git(root, "cat-file", "blob", f"{base}:{path}")
    return out.stdout if out.returncode == 0 else None
