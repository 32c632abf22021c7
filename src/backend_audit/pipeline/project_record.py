"""The project pass's results kept between scans: a scan whose project inputs are unchanged reuses them.

The project pass (endpoint inventory, taint linking, the whole-repository rules) is a deterministic function
of what it reads:

* every analysed file's facts, identified by their digest (`cache.encode`): a file whose bytes changed but
  whose facts did not (a comment, a docstring) leaves the pass's inputs equal;
* the Settings it runs under (the cache's salt already covers our code, the rule pack and rule options);
* anything else in the tree: requirements, Dockerfiles, coverage data, pytest config, `git ls-files`. The
  name, type, mode and size of every entry under the root are in the key (what a checkout reproduces: never
  its mtime, ctime or inode, which differ on every fresh CI checkout); the contents of the files the pass
  opened are in the record by digest; `git ls-files` by the digest of the listing discovery made (the same
  command), else by the stat of the git index and config files;
* the text of an analysed file read directly (a taint finding's source line): such reads are journalled while
  the pass runs (audit hooks see every `open`), and the record keeps those files' content keys;
* a file's mtime, where the pass compares one (coverage data older than a source file): the code that reads
  it raises the `backend_audit.stat` audit event, and the record keeps that file's full stat.

The journal also makes the record refuse to exist when the pass did something it cannot account for: open a
file inside `.git` or the cache directory, list a folder the tree walk skips, or run any process other than
`git ls-files`, `rev-parse` or `config` (whose inputs the walk, the git index and config files cover). A tree
of more than MAX_ENTRIES entries (a checked-in virtualenv) gets no record: walking it would cost what it saves.

The record lives in the cache pack under the same HMAC as the entries; its findings, report sections and
endpoints round-trip through JSON exactly (checked before it is written), so a reusing scan's reports are
byte-identical to a cold scan's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from ..config import Settings
from ..findings import FileResult, Finding
from ..records import dataclass
from ..untrusted import user_cache
from .git import ANSWERED_EVENT

RECORD_FORMAT = 2
STAT_EVENT = "backend_audit.stat"  # raised (sys.audit) by pass code that reads a file's mtime
_MAX_HASHED = 64 << 20  # a file the pass opened and is bigger than this: no record (hashing it costs a pass)
MAX_ENTRIES = 20000
# Settings that cannot change what the project pass computes.
_IGNORED_FIELDS = frozenset({"jobs", "file_timeout"})
# changed_since: a --changed-since scan never writes a record; its base pass may use a plain scan's record
# for the rules that do not read the ref (ProjectCheck.READS_CHANGED_SINCE).
_IGNORED_EXTRA = frozenset({"cache_dir", "no_cache", "baseline", "agents", "changed_since"})
_SKIPPED_DIRS = frozenset({"__pycache__"})  # rewritten whenever Python runs; nothing of ours reads them
_GIT_FILES = ("index", "HEAD", "config", "info/exclude")
_GIT_COMMANDS = frozenset({"ls-files", "rev-parse", "config"})


def settings_digest(settings: Settings) -> str:
    data = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.name not in _IGNORED_FIELDS}
    data["extra"] = {k: v for k, v in settings.extra.items() if k not in _IGNORED_EXTRA}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=repr).encode()).hexdigest()


def _stat_line(st: os.stat_result) -> bytes:
    return b"%o %d %d %d %d" % (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _shape_line(st: os.stat_result) -> bytes:
    """What a checkout of the same commit reproduces (a fresh CI checkout changes every mtime and inode)."""
    return b"%o %d" % (st.st_mode, st.st_size)


def world_digest(root: Path, analysed: set[str], skip: set[str]) -> str | None:
    """Digest of the tree's shape as the project pass can see it: every entry's name, type, mode and size
    (symlinks: their target), beyond the analysed files' contents; `.git` is left to `git_digest`. `skip`:
    absolute real paths not walked (the cache directory). None when the tree has more than MAX_ENTRIES."""
    h = hashlib.sha256()
    count = 0
    stack = [(os.path.realpath(root), "")]  # real paths, as `skip` holds
    while stack:
        base, prefix = stack.pop()
        try:
            with os.scandir(base) as it:
                # bounded before sorting: a folder of a million entries must not be listed whole
                entries = sorted(itertools.islice(it, MAX_ENTRIES - count + 1), key=lambda e: e.name)
        except OSError as exc:
            h.update(b"E %s %d\0" % (prefix.encode("utf-8", "surrogateescape"), exc.errno or 0))
            continue
        for entry in entries:
            count += 1
            if count > MAX_ENTRIES:
                return None
            rel = prefix + entry.name
            name = rel.encode("utf-8", "surrogateescape")
            if not prefix and entry.name == ".git":
                try:  # its type here (a worktree's `.git` is a file); what git reads of it: git_digest
                    h.update(b"G %o\0" % stat.S_IFMT(entry.stat(follow_symlinks=False).st_mode))
                except OSError:
                    h.update(b"G ?\0")
                continue
            if entry.path in skip:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                h.update(b"? %s\0" % name)
                continue
            if stat.S_ISDIR(st.st_mode):
                h.update(b"D %s\0" % name)
                if entry.name not in _SKIPPED_DIRS:
                    stack.append((entry.path, rel + "/"))
            elif rel in analysed and stat.S_ISREG(st.st_mode):
                h.update(b"A %s\0" % name)  # its facts' digest stands for its bytes
            else:
                h.update(b"F %s %s\0" % (name, _shape_line(st)))
                if stat.S_ISLNK(st.st_mode):
                    try:
                        h.update(os.readlink(entry.path).encode("utf-8", "surrogateescape") + b"\0")
                    except OSError:
                        pass
    return h.hexdigest()


def _file_digest(path: str) -> str | None:
    """sha256 of a regular file's bytes, "-" when it is absent or not a regular file, None when it is too big
    to be worth keying (the record is then not written)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return "-"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return "-"
        if st.st_size > _MAX_HASHED:
            return None
        h = hashlib.sha256()
        left = _MAX_HASHED + 1  # a file growing while it is read stays bounded
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            h.update(chunk)
            left -= len(chunk)
        return h.hexdigest() if left > 0 else None
    except OSError:
        return "-"
    finally:
        os.close(fd)


# `git ls-files` as discovery runs it (`-- .` from the root lists what no pathspec does) and the root check:
# their output is the listing discovery digested and the root's path.
_LISTING_ARGS = frozenset({"-z", "--cached", "--others", "--exclude-standard", "--", "."})
_ROOT_ARGS = ("rev-parse", "--show-toplevel", "--absolute-git-dir")


def _listing_only(commands: list[list[str]]) -> bool:
    for argv in commands:
        if "ls-files" in argv:
            if not set(argv[argv.index("ls-files") + 1:]) <= _LISTING_ARGS:
                return False
        elif tuple(argv[-3:]) != _ROOT_ARGS:
            return False
    return True


def git_digest(root: Path, listing: str | None, by_listing: bool) -> str:
    """What the pass's git commands answered. By the listing: the digest of discovery's `git ls-files` output
    (content, not stat: the same on a fresh checkout of the same commit), the root's path and what a `.git`
    file names. Else by the stat of everything git reads (the index, HEAD, configs, excludes)."""
    git = Path(root) / ".git"
    if by_listing and listing is not None:
        named = _file_digest(str(git)) if git.is_file() and not git.is_symlink() else "dir"
        return "L" + hashlib.sha256(f"{listing}\0{os.path.realpath(root)}\0{named}".encode()).hexdigest()
    return "S" + hashlib.sha256(_git_state(git)).hexdigest()


def _user_git_configs() -> list[str]:
    """The runner's own git config files: `pipeline.git` keeps their safe.directory entries."""
    home = os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    return [os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig",
            os.environ.get("GIT_CONFIG_GLOBAL") or os.path.join(home, ".gitconfig"), os.path.join(xdg, "git", "config")]


def _git_state(git: Path) -> bytes:
    """What `git ls-files` reads besides the work tree: the index, HEAD, the repository's config and excludes,
    and the safe.directory entries of the runner's own config (our git reads nothing else of it)."""
    out = []
    for path in [*(str(git / name) for name in _GIT_FILES), *_user_git_configs()]:
        try:
            out.append(_stat_line(os.stat(path, follow_symlinks=False)))
        except OSError:
            out.append(b"-")
    try:
        out.append(_stat_line(os.lstat(git)))  # a `.git` file (a worktree) names its git dir by content
    except OSError:
        out.append(b"-")
    return b" ".join(out)


class Journal:
    """What the project pass opened, listed and ran (Python's audit hooks)."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.listed: list[str] = []
        self.commands: list[list[str]] = []
        self.stat: list[str] = []  # files whose mtime the pass compared (STAT_EVENT)


_active: list[Journal] = []
_hooked = False


def _hook(event: str, args: tuple) -> None:
    if not _active:
        return
    journal = _active[-1]
    if event == "open":
        path = args[0]
        if isinstance(path, (str, bytes, os.PathLike)):
            journal.opened.append(os.fsdecode(path))
    elif event in ("os.scandir", "os.listdir"):
        path = args[0]
        journal.listed.append(os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ".")
    elif event == STAT_EVENT:
        journal.stat.append(os.fsdecode(args[0]))
    elif event == "subprocess.Popen" or event == ANSWERED_EVENT:
        argv = args[1]
        journal.commands.append([os.fsdecode(a) for a in argv] if isinstance(argv, (list, tuple)) else [str(argv)])


class journal:
    """`with journal() as j:` records the open/list/run events made inside the block."""

    def __enter__(self) -> Journal:
        global _hooked
        if not _hooked:
            sys.addaudithook(_hook)  # once per process; costs a list check per event when no journal is open
            _hooked = True
        self._journal = Journal()
        _active.append(self._journal)
        return self._journal

    def __exit__(self, *exc: Any) -> None:
        _active.remove(self._journal)


@dataclass(frozen=True)
class Walked:
    """world_digest(root, paths, skip), made ahead."""

    root: Path
    paths: frozenset[str]
    skip: frozenset[str]
    digest: str | None

    @classmethod
    def of(cls, root: Path, paths: set[str], skip: set[str]) -> "Walked":
        return cls(root, frozenset(paths), frozenset(skip), world_digest(root, paths, skip))


@dataclass
class Inputs:
    """What this scan's project pass would read, as far as it is known before the pass runs."""

    root: Path
    key: str  # settings, tree and every file's facts digest
    content_keys: dict[str, str]  # rel path -> content key (the cache's)
    skip: set[str]
    discovered: frozenset[str] = frozenset()
    git_listing: str | None = None  # digest of discovery's `git ls-files` output, when it listed the whole tree

    @classmethod
    def of(cls, root: Path, settings: Settings, file_results: list[FileResult], digests: dict[str, str],
           content_keys: dict[str, str], skip: set[str], git_listing: str | None = None,
           walked: "Walked | None" = None) -> "Inputs | None":
        """`walked`: the tree's digest made ahead (while a worker analysed the misses), used when it was made
        for these very paths and skips."""
        files = []
        for fr in sorted(file_results, key=lambda fr: fr.path):
            digest = getattr(fr, "digest", None) or digests.get(fr.path)
            if digest is None:  # not stored (a transient failure, a fact that is not JSON): unknown facts
                return None
            files.append([fr.path, fr.analysed, digest])
        paths = {fr.path for fr in file_results}
        fits = walked is not None and walked.root == root and walked.paths == paths and walked.skip == skip
        world = walked.digest if fits else world_digest(root, paths, skip)
        if world is None:
            return None
        h = hashlib.sha256(b"%d\0" % RECORD_FORMAT)
        # where the tree is: stable across a CI job's fresh checkouts; a copy elsewhere starts its own record
        h.update(os.fsencode(os.path.realpath(root)) + b"\0")
        h.update(settings_digest(settings).encode() + b"\0" + world.encode() + b"\0")
        h.update(json.dumps(files, separators=(",", ":")).encode())
        return cls(root=root, key=h.hexdigest(), content_keys=content_keys, skip=skip,
                   discovered=frozenset(fr.path for fr in file_results), git_listing=git_listing)

    def lookup(self, payload: bytes | None) -> dict[str, Any] | None:
        """The stored outputs, when they were computed from these inputs."""
        if payload is None:
            return None
        try:
            record = json.loads(payload)
            if record["key"] != self.key:
                return None
            for rel, key in record["read"].items():
                if self.content_keys.get(rel) != key:
                    return None
            if record["git"] is not None and git_digest(self.root, self.git_listing,
                                                        record["git"].startswith("L")) != record["git"]:
                return None
            for rel, digest in record["files"].items():
                if _file_digest(os.path.join(self.root, rel)) != digest:
                    return None
            for path, line in itertools.chain(record["outside"].items(), record["stat"].items()):
                try:
                    if _stat_line(os.stat(path)).decode() != line:
                        return None
                except OSError:
                    return None
            out = record["out"]
            out["findings"] = [Finding(**f) for f in out["findings"]]
            return out
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def record(self, journal: Journal, findings: list[Finding], sections: dict[str, Any],
               endpoints: list[dict[str, Any]] | None, frameworks: dict[str, Any] | None,
               unreachable: dict[str, str] | None = None, uncalled: dict[str, list] | None = None,
               terminal: dict[str, str] | None = None, test_only: dict[str, str] | None = None) -> bytes | None:
        """The record to store, or None when the pass read something this record cannot account for."""
        read = self._reads(journal)
        if read is None:
            return None
        read, files = read
        outside = self._outside(journal)
        if outside is None:
            return None
        stats: dict[str, str] = {}
        for path in journal.stat:
            try:
                stats[os.path.realpath(os.path.abspath(path))] = _stat_line(os.stat(path)).decode()
            except OSError:
                return None
        git = git_digest(self.root, self.git_listing, _listing_only(journal.commands)) if journal.commands else None
        out = {"findings": [dict(f.__dict__) for f in findings], "sections": sections, "endpoints": endpoints,
               "frameworks": frameworks, "unreachable": unreachable, "uncalled": uncalled,
               "terminal": terminal, "test_only": test_only}
        try:
            text = json.dumps(out, separators=(",", ":"))
            if json.loads(text) != out or any(type(a) is not type(b) for a, b in _leaves(json.loads(text), out)):
                return None  # a tuple, a set, a non-string key: it would not come back as it was
        except (TypeError, ValueError):
            return None
        return json.dumps({"key": self.key, "read": read, "files": files, "git": git, "outside": outside,
                           "stat": stats, "out": json.loads(text)}, separators=(",", ":")).encode()

    def _reads(self, journal: Journal) -> tuple[dict[str, str], dict[str, str]] | None:
        """(content keys of the analysed files the pass opened, digests of the other files it opened), or None
        when it read something the record cannot account for."""
        for argv in journal.commands:
            if not (argv and os.path.basename(argv[0]) in ("git", "git.exe") and _GIT_COMMANDS & set(argv[1:])):
                return None
            if "ls-files" in argv and not (self.root / ".git").is_dir():
                return None  # the index of a worktree lives elsewhere: not in the tree's digest
        real_root = os.path.realpath(self.root)
        read: dict[str, str] = {}
        files: dict[str, str] = {}
        for path in journal.listed:
            rel = self._rel(path, real_root)
            if rel is not None and (rel.startswith(".git/") or rel == ".git" or self._skipped(path)):
                return None
        for path in journal.opened:
            rel = self._rel(path, real_root)
            if rel is None:
                continue
            if rel == ".git" or rel.startswith(".git/") or self._skipped(path):
                return None
            real = self._rel(os.path.realpath(path), real_root)
            for name in {rel, real} - {None}:
                if name in self.content_keys:
                    read[name] = self.content_keys[name]
                elif name in self.discovered:
                    return None  # an analysed file whose bytes could not be keyed: its text is unknown
                elif name not in files:  # requirements, coverage data: by content, as a checkout keeps them
                    digest = _file_digest(os.path.join(real_root, name))
                    if digest is None:
                        return None
                    files[name] = digest
        return read, files

    def _outside(self, journal: Journal) -> dict[str, str] | None:
        """Files outside the tree the pass opened (an explicit coverage file), our own code, Python's and the
        user cache excepted (imports: the cache salt covers our code; a user-cache file is named by a digest
        of what it was derived from, and a first scan writes them while the pass runs)."""
        real_root = os.path.realpath(self.root)
        ours = [os.path.realpath(p) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix,
                                              str(Path(__file__).resolve().parent.parent), str(user_cache.home())}]
        out: dict[str, str] = {}
        for path in journal.opened:
            real = os.path.realpath(os.path.abspath(path))
            if real == os.devnull or self._rel(real, real_root) is not None \
                    or any(real == p or real.startswith(p + os.sep) for p in ours):
                continue  # a subprocess's stdin, the tree (its walk covers it), our code and Python's
            try:
                out[real] = _stat_line(os.stat(real)).decode()
            except OSError:
                return None
        return out

    def _skipped(self, path: str) -> bool:
        real = os.path.realpath(os.path.abspath(path))
        parts = Path(real).parts
        return any(p in _SKIPPED_DIRS for p in parts) or any(real == s or real.startswith(s + os.sep)
                                                             for s in self.skip)

    @staticmethod
    def _rel(path: str, real_root: str) -> str | None:
        full = os.path.abspath(path)
        for candidate in (full, os.path.realpath(full)):
            if candidate == real_root or candidate.startswith(real_root + os.sep):
                return os.path.relpath(candidate, real_root).replace(os.sep, "/")
        return None


def _leaves(a: Any, b: Any):
    """Pairs of corresponding values of two equal JSON-like structures (type checks: 1 == 1.0 == True)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        yield x, y
        if isinstance(x, dict) and isinstance(y, dict):
            stack.extend((x[k], y[k]) for k in x)
        elif isinstance(x, list) and isinstance(y, list):
            stack.extend(zip(x, y))
