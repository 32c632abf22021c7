"""Find the files to scan: `git ls-files` inside a work tree (so .gitignore holds), a walk elsewhere.

Every candidate ends either in `files` or in `skipped` with a reason; nothing is dropped silently
except what the user excluded. Symlinks that leave the root are never followed.
"""

from __future__ import annotations

import itertools
import os
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..config import DEFAULT_EXCLUDES, Settings, matches_any
from ..errors import ConfigError
from ..findings import Skipped

PY_SUFFIXES = (".py", ".pyi")
# Notebooks are listed so they are never silently left out, and skipped with what to do: their JSON is
# not Python, and their cells' positions would not map onto lines GitHub can show.
NOTEBOOK = ".ipynb"
NOTEBOOK_REASON = ("Jupyter notebook: code cells are not analysed; export it with 'jupyter nbconvert --to script' "
                   "to scan its code")


@dataclass(frozen=True)
class SourceRef:
    rel: str  # repo-relative POSIX path, printable (undecodable bytes shown as \xNN)
    abs: str  # what to open


@dataclass
class Discovery:
    root: Path
    files: list[SourceRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    in_git: bool = False


def display_path(rel: str) -> str:
    """A path safe to print and to put in JSON: undecodable file-name bytes become \\xNN escapes."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def git_root(path: Path) -> Path | None:
    cwd = path if path.is_dir() else path.parent
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return Path(os.fsdecode(out.stdout.strip())).resolve()


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
        if tpath.is_file() and not tpath.is_symlink():
            consider(tpath, explicit=True)
            continue
        if tpath.is_symlink() and not tpath.is_dir():
            consider(tpath, explicit=True)
            continue
        if disc.in_git:
            _git_files(root, tpath, consider, disc)
        else:
            _walk(root, tpath, excludes, consider, disc)
    disc.files.sort(key=lambda s: s.rel)
    disc.skipped.sort(key=lambda s: (s.path, s.reason))
    return disc


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


def _git_files(root: Path, target: Path, consider, disc: Discovery) -> None:
    rel = os.path.relpath(target, root)
    cmd = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", rel]
    try:
        out = subprocess.run(cmd, cwd=root, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"'git ls-files' failed in {root}: {exc}") from None
    if out.returncode != 0:
        raise ConfigError(f"'git ls-files' failed in {root}: {out.stderr.decode(errors='replace').strip()}")
    for raw in sorted(set(out.stdout.split(b"\0"))):
        if not raw:
            continue
        if not raw.endswith((b".py", b".pyi", b".ipynb")):
            continue
        name = os.fsdecode(raw)
        abs_path = root / name
        # Tracked but deleted in the work tree: not a file of this tree, nothing to report.
        if not abs_path.exists() and not abs_path.is_symlink():
            continue
        consider(abs_path, rel=name)


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
              on_error=lambda rel, exc: None) -> Iterator[tuple[str, os.DirEntry]]:
    """(path relative to the root, entry) of every file, symlink and special file under `top`: one scandir
    per directory, whose entries already know their type (os.walk stats every directory again). Real
    directories are entered when descend(rel, entry) says so; symlinked ones never. A directory that
    cannot be listed goes to on_error(rel, exc)."""
    stack = [(top, "" if rel == "." else rel)]
    while stack:
        path, prefix = stack.pop()
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
    derived folders: what the whole-repository rules read (committed key files, CI configs, requirements)."""
    skip = {p for p in DEFAULT_EXCLUDES if "*" not in p}
    found = scan_tree(str(root), ".", lambda rel, e: e.name not in skip and not e.name.endswith(".egg-info"))
    return sorted(rel for rel, _ in itertools.islice(found, limit))
