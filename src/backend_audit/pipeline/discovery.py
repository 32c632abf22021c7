"""Find the files to scan: `git ls-files` inside a work tree (so .gitignore holds), a walk elsewhere.

Every candidate ends either in `files` or in `skipped` with a reason; nothing is dropped silently
except what the user excluded. Symlinks that leave the root are never followed.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import stat
import subprocess
import sys
from dataclasses import field
from pathlib import Path
from typing import Iterator

from ..config import DEFAULT_EXCLUDES, Settings, matches_any
from ..errors import ConfigError
from ..findings import Skipped
from . import git as gitexec
from ..records import dataclass

PY_SUFFIXES = (".py", ".pyi")
# Notebooks are listed so they are never silently left out, and skipped with what to do: their JSON is
# not Python, and their cells' positions would not map onto lines GitHub can show.
NOTEBOOK = ".ipynb"
NOTEBOOK_REASON = ("Jupyter notebook: code cells are not analysed; export it with 'jupyter nbconvert --to script' "
                   "to scan its code")


@dataclass(frozen=True)
class SourceRef:
    """A file to analyse: the path reports show and the path to open."""
    rel: str  # repo-relative POSIX path, printable (undecodable bytes shown as \xNN)
    abs: str  # what to open


@dataclass
class Discovery:
    """What discovery found under the scan's root: the files to analyse and what it left out."""
    root: Path
    files: list[SourceRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    in_git: bool = False
    # sha256 of `git ls-files` over the whole root (the project record keys the same command's output on it)
    git_listing: str | None = None
    # Python files left out because they sit in a hidden tooling folder (.github/, .semgrep/, .claude/):
    # folder -> file count, reported in the summary so nothing is lost silently
    excluded: dict[str, int] = field(default_factory=dict)


def display_path(rel: str) -> str:
    """A path safe to print and to put in JSON: undecodable file-name bytes become \\xNN escapes."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def git_root(path: Path) -> Path | None:
    return gitexec.work_tree_root(path)


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    return matches_any(rel, patterns)


def discover(targets: list[Path], settings: Settings, use_git: bool = True) -> Discovery:
    if not targets:
        targets = [Path.cwd()]
    for t in targets:
        if not t.exists() and not t.is_symlink():
            raise ConfigError(f"target '{t}' does not exist; pass a file or folder to scan")
    first = targets[0].resolve() if targets[0].exists() else targets[0].absolute()
    stdin_root = settings.extra.get("stdin_root")  # code from stdin: its private folder is the root
    groot = git_root(first) if use_git and not stdin_root else None
    if stdin_root:
        root = Path(stdin_root).resolve()
    elif groot is not None:
        root = groot
    else:
        root = first if first.is_dir() else first.parent
    disc = Discovery(root=root, in_git=groot is not None)
    excludes = DEFAULT_EXCLUDES + settings.exclude
    force_exclude = bool(settings.extra.get("force_exclude"))
    seen: set[str] = set()
    hidden_ok = settings.extra.get("include_hidden") or False
    base = {"rel": ""}  # the target being listed: hidden folders it names itself are scanned

    def consider(abs_path: Path, explicit: bool = False, rel: str | None = None) -> None:
        if rel is None:
            try:
                rel = abs_path.absolute().relative_to(root).as_posix()
            except ValueError:
                rel = os.path.relpath(abs_path.absolute(), root).replace(os.sep, "/")
        shown = display_path(rel)
        if rel in seen:
            return
        seen.add(rel)
        # Like ruff/black: a file named on the command line is scanned even when excluded, unless
        # --force-exclude (pre-commit passes every staged file by name).
        if not explicit and not rel.endswith((*PY_SUFFIXES, NOTEBOOK)):
            return
        if (force_exclude or not explicit) and _excluded(rel, excludes):
            return
        if not explicit:
            folder = hidden_folder(rel, base["rel"], hidden_ok)
            if folder is not None:
                disc.excluded[folder] = disc.excluded.get(folder, 0) + 1
                return
        if rel.endswith(NOTEBOOK):
            disc.skipped.append(Skipped(shown, NOTEBOOK_REASON))
            return
        reason = _unreadable_reason(abs_path, root)
        if reason:
            disc.skipped.append(Skipped(shown, reason))
            return
        disc.files.append(SourceRef(shown, str(abs_path)))

    for target in targets:
        tpath = target.absolute()
        try:
            tpath.relative_to(root)
        except ValueError:
            raise ConfigError(f"target '{target}' is outside the scanned root {root}; scan one repository at a time") from None
        rel_target = os.path.relpath(tpath, root).replace(os.sep, "/")
        base["rel"] = "" if rel_target == "." else rel_target
        if tpath.is_file() and not tpath.is_symlink():
            consider(tpath, explicit=True)
            continue
        if tpath.is_symlink() and not tpath.is_dir():
            consider(tpath, explicit=True)
            continue
        if disc.in_git:
            _git_files(root, tpath, excludes, consider, disc)
        else:
            _walk(root, tpath, excludes, consider, disc)
    disc.files.sort(key=lambda s: s.rel)
    disc.skipped.sort(key=lambda s: (s.path, s.reason))
    return disc


def hidden_folder(rel: str, target_rel: str, include: bool | list[str]) -> str | None:
    """The hidden folder (`.github`, `.semgrep/rules`' `.semgrep`) a file sits in below the scanned target,
    unless the configuration includes it: other tools' fixtures and scripts, not application code."""
    if include is True:
        return None
    prefix = target_rel.rstrip("/") + "/" if target_rel else ""
    below = rel[len(prefix):] if prefix and rel.startswith(prefix) else rel
    parts = below.split("/")[:-1]
    for i, part in enumerate(parts):
        if part.startswith(".") and part not in (".", ".."):
            if isinstance(include, list) and part in {f.strip("/") for f in include}:
                continue
            return prefix + "/".join(parts[:i + 1])
    return None


def _unreadable_reason(path: Path, root: Path) -> str | None:
    try:
        st = path.lstat()
    except OSError as exc:
        return f"cannot stat file: {exc.strerror}"
    if stat.S_ISLNK(st.st_mode):
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "broken or looping symlink"
        try:
            real.relative_to(root)
        except ValueError:
            return "symlink points outside the scanned root (not followed)"
        try:
            st = real.stat()
        except OSError as exc:
            return f"cannot stat symlink target: {exc.strerror}"
    if stat.S_ISDIR(st.st_mode):
        return "a directory named like a Python file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (FIFO, socket or device)"
    if not os.access(path, os.R_OK):
        return "file is not readable (permission denied)"
    return None


def _git_files(root: Path, target: Path, excludes: tuple[str, ...], consider, disc: Discovery) -> None:
    rel = os.path.relpath(target, root)
    try:
        out = gitexec.listing(root) if rel == "." else gitexec.run(root, *gitexec.LISTING, "--", rel, filters=False)
    except (OSError, gitexec.GitUnavailable, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"'git ls-files' failed in {root}: {exc}") from None
    if out.returncode != 0:
        raise ConfigError(f"'git ls-files' failed in {root}: {out.stderr.decode(errors='replace').strip()}")
    if rel == ".":
        disc.git_listing = hashlib.sha256(out.stdout).hexdigest()
    _submodules(root, rel, disc)
    for raw in sorted(set(out.stdout.split(b"\0"))):
        if not raw:
            continue
        if raw.endswith(b"/"):
            # An untracked nested repository: git lists only its folder. Its files are part of this
            # tree all the same, so walk it (excludes apply) rather than lose them silently.
            nested = root / os.fsdecode(raw.rstrip(b"/"))
            if nested.is_dir() and not nested.is_symlink() and not _excluded(os.fsdecode(raw.rstrip(b"/")), excludes):
                _walk(root, nested, excludes, consider, disc)
            continue
        if not raw.endswith((b".py", b".pyi", b".ipynb")):
            continue
        name = os.fsdecode(raw)
        abs_path = root / name
        # Tracked but deleted in the work tree: not a file of this tree, nothing to report.
        if not abs_path.exists() and not abs_path.is_symlink():
            continue
        consider(abs_path, rel=name)


def _submodules(root: Path, rel: str, disc: Discovery) -> None:
    """Registered submodules (gitlinks) hold another repository's files, which `git ls-files` does not
    list: one skipped entry per submodule says they were not scanned."""
    if not (root / ".gitmodules").is_file():
        return
    try:
        out = gitexec.run(root, "ls-files", "-z", "--stage", "--", rel, filters=False)
    except (OSError, gitexec.GitUnavailable, subprocess.TimeoutExpired):
        return
    for record in out.stdout.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        if meta.startswith(b"160000 "):
            disc.skipped.append(Skipped(display_path(os.fsdecode(name)),
                                        "git submodule: another repository, not scanned (scan it on its own)"))


def _walk(root: Path, target: Path, excludes: tuple[str, ...], consider, disc: Discovery) -> None:
    def descend(rel: str, entry: os.DirEntry) -> bool:
        if _excluded(rel, excludes):
            return False
        if entry.name.endswith(PY_SUFFIXES):
            disc.skipped.append(Skipped(display_path(rel), "a directory named like a Python file"))
        return True

    def unreadable(rel: str, exc: OSError) -> None:
        disc.skipped.append(Skipped(display_path(rel or "."), f"cannot list directory: {exc.strerror or exc}; its "
                                                               "files were not scanned"))

    for rel, entry in scan_tree(str(target), target.relative_to(root).as_posix(), descend, unreadable):
        if not entry.is_symlink():
            if entry.name.endswith((*PY_SUFFIXES, NOTEBOOK)):
                consider(Path(entry.path), rel=rel)
        elif _is_dir(entry):
            # Directory symlinks are not followed: a loop or an escape would otherwise be possible.
            if entry.name.endswith(PY_SUFFIXES) and not _excluded(rel, excludes):
                disc.skipped.append(Skipped(display_path(rel), "symlink to a directory (not followed)"))
        else:
            consider(Path(entry.path), rel=rel)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def scan_tree(top: str, rel: str = ".", descend=lambda rel, entry: True,
              on_error=lambda rel, exc: None, listed: list[str] | None = None) -> Iterator[tuple[str, os.DirEntry]]:
    """(path relative to the root, entry) of every file, symlink and special file under `top`: one scandir
    per directory, whose entries already know their type (os.walk stats every directory again). Real
    directories are entered when descend(rel, entry) says so; symlinked ones never. A directory that
    cannot be listed goes to on_error(rel, exc). `listed`: each directory is appended as it is listed."""
    stack = [(top, "" if rel == "." else rel)]
    while stack:
        path, prefix = stack.pop()
        if listed is not None:
            listed.append(path)
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError as exc:
            on_error(prefix, exc)
            continue
        for entry in entries:
            child = f"{prefix}/{entry.name}" if prefix else entry.name
            try:
                real_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                real_dir = False
            if not real_dir:
                yield child, entry
            elif descend(child, entry):
                stack.append((entry.path, child))


def repository_files(root: Path, limit: int | None = None) -> list[str]:
    """Files of the tree (the first `limit` found), relative and sorted, without the usual vendored or
    derived folders: what the whole-repository rules read (committed key files, CI configs, requirements).
    Inside `walks_once()`, the tree is walked once per root and limit."""
    memo = _walks_memo
    key = (os.path.realpath(root), limit)
    if memo is not None and key in memo:
        listed, files = memo[key]
        for path in listed:  # as the walk would have: the project record's journal counts what was listed
            sys.audit("os.scandir", path)
        return list(files)
    skip = {p for p in DEFAULT_EXCLUDES if "*" not in p}
    listed = []
    found = scan_tree(str(root), ".", lambda rel, e: e.name not in skip and not e.name.endswith(".egg-info"),
                      listed=listed)
    files = sorted(rel for rel, _ in itertools.islice(found, limit))
    if memo is not None:
        memo[key] = (listed, files)
    return list(files) if memo is not None else files


# Inside `walks_once()` (one scan): (real root, limit) -> (the folders listed, the files) of repository_files.
# Four whole-repository rules and the checklist's evidence each walked the tree (2,000 files: about 15 ms a
# walk); a scan reads the tree as it was when it started.
_walks_memo: dict[tuple[str, int | None], tuple[list[str], list[str]]] | None = None


@contextlib.contextmanager
def walks_once() -> Iterator[None]:
    global _walks_memo
    outer = _walks_memo
    if _walks_memo is None:
        _walks_memo = {}
    try:
        yield
    finally:
        _walks_memo = outer
