"""Content-hash cache of per-file results, so an unchanged file is never parsed twice.

One pack file per configuration (`v2/<salt>.pack`), read once per scan: a header line, one line per
entry (`mac TAB content-key TAB result-JSON`), and a stat index line (path -> size, mtime_ns, inode,
content key) so an untouched file is neither read nor hashed. The content key is sha256(salt,
repo-relative path, file bytes); the salt covers everything else a FileResult depends on (the tool's own
code, the rule pack, the enabled rules and their options, the Settings fields the per-file step reads).

Trust: every line carries an HMAC-SHA256 under a key the cache's writers cannot read (`cache_key`): a
shared CI cache edited to drop a finding fails the check and the file is analysed again. JSON, never
pickle: loading an entry must not be able to run code. The cache directory of a scanned repository is
attacker-controlled input: a symlinked cache directory or `v2` is refused (the scan runs without cache),
and every open, create, replace and delete goes through a directory descriptor with O_NOFOLLOW.

Updates append: a scan whose pack was read appends its new entries, the stat index's changes and the
project record as whole HMAC'd lines (readers keep the last line of each key), under an exclusive flock, in
one O_APPEND write that starts with a newline so a torn line left by a killed writer ends there and fails its
MAC alone (the lock is waited for LOCK_WAIT_S at most, then this update is skipped). When dead lines
(superseded, rejected, torn) would pass a quarter of the pack, or the pack half the cap, it is compacted:
written whole to a fresh temporary name and renamed over the old one, so a reader sees one whole pack or the
other; an append racing a compaction lands in the replaced file and is lost (those files are analysed again
next time), never mixed into the new one.
"""

from __future__ import annotations

try:
    import fcntl
except ImportError:  # not on Windows: appends there rely on O_APPEND alone
    fcntl = None  # type: ignore[assignment]
import hashlib
import hmac
import json
import os
import secrets
import stat
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable

from .. import __version__
from ..config import Settings
from .discovery import SourceRef
from ..findings import FileResult, Finding, Skipped
from ..untrusted.files import InputError, read_bounded

FORMAT = 2
ENTRY_LAYOUT = 3  # eager facts TAB the others (EAGER_FACTS); a pack of another layout is another configuration
DEFAULT_DIR = ".backend-audit-cache"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# backend-audit result cache: safe to delete.\n"
# Results of these kinds depend on the run (a slow machine, a crashed worker), not on the file.
_TRANSIENT = ("internal error", "timed out", "timeout", "time limit", "worker")


# larger files are skipped by the size guard anyway (max-file-size); this only bounds the read
KEY_READ_LIMIT = 64 * 1024 * 1024


def _code_files() -> list[Path]:
    """Every module and data file of the package (checks, engines, model, taint models...)."""
    package = Path(__file__).resolve().parent.parent
    # the taint models ship as YAML beside the code: a changed model changes the per-file summaries
    return sorted([*package.rglob("*.py"), *package.rglob("*.yaml")])


def _code_digest() -> str:
    """Stat of our own modules: an editable install picks up code changes without a version bump."""
    h = hashlib.sha256(__version__.encode())
    base = Path(__file__).resolve().parent.parent
    for p in _code_files():
        st = p.stat()
        h.update(f"{p.relative_to(base).as_posix()}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def salt_for(settings: Settings, enabled: Iterable[str], options: dict[str, dict[str, Any]],
             pack_version: str) -> str:
    payload = {
        "format": FORMAT, "layout": ENTRY_LAYOUT, "code": _code_digest(), "pack": pack_version,
        "enabled": sorted(enabled),
        "options": options, "max_file_size": settings.max_file_size, "max_nesting": settings.max_nesting,
        "test_paths": list(settings.test_paths), "per_file_ignores": [list(p) for p in settings.per_file_ignores],
        "fixes": bool(settings.extra.get("fixes")),  # results with fixes computed are kept apart
        # user taint models change what the per-file summaries hold
        "taint_models": settings.extra.get("taint_models_data", []),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=repr).encode()).hexdigest()


def cache_dir_for(root: Path, settings: Settings) -> Path | None:
    """Where this scan's cache lives, or None when caching is off (--no-cache)."""
    if settings.extra.get("no_cache"):
        return None
    configured = settings.extra.get("cache_dir")
    if not configured:
        return root / DEFAULT_DIR
    path = Path(str(configured)).expanduser()
    if not path.is_absolute():
        base = Path(settings.config_source).parent if settings.config_source else root
        path = base / path
    return path


def to_dict(result: FileResult) -> dict[str, Any]:
    return {"path": result.path, "lines": result.lines, "analysed": result.analysed, "facts": result.facts,
            "findings": [dict(f.__dict__) for f in result.findings],  # serialised at once: no copy needed
            "skipped": [asdict(s) for s in result.skipped]}


def from_dict(data: dict[str, Any]) -> FileResult:
    return FileResult(path=data["path"], lines=data["lines"], analysed=data["analysed"], facts=data["facts"],
                      findings=[Finding(**f) for f in data["findings"]],
                      skipped=[Skipped(**s) for s in data["skipped"]])


# The facts the stages after the project pass read (suppressions, the checklist's evidence, the Python-version
# notice): decoded with the entry. The rest (semantic and taint summaries, classes, functions: most of the
# bytes) only the project pass reads; it stays encoded until then, so a scan that reuses the project pass's
# results (project_record) never decodes it.
EAGER_FACTS = frozenset({"is_test", "imports", "evidence", "settings", "suppressions", "rules_run", "needs_python"})


def encode(result: FileResult) -> tuple[bytes, str]:
    """(entry payload, digest of the facts). The payload is the result with the eager facts, TAB, the other
    facts: JSON never holds a raw TAB, so the split is unambiguous."""
    facts = result.facts
    head = to_dict(result)
    head["facts"] = {k: v for k, v in facts.items() if k in EAGER_FACTS}
    rest = json.dumps({k: v for k, v in facts.items() if k not in EAGER_FACTS}, separators=(",", ":")).encode()
    head["order"] = list(facts)  # the facts come back in the order the analysis made them
    h = hashlib.sha256(json.dumps([head["facts"], head["order"]], separators=(",", ":")).encode())
    h.update(b"\0" + rest)
    head["digest"] = digest = h.hexdigest()
    return json.dumps(head, separators=(",", ":")).encode() + b"\t" + rest, digest


class CachedResult(FileResult):
    """A hit whose facts beyond EAGER_FACTS are decoded on first use of `facts`; `digest` identifies them."""

    def __init__(self, head: dict[str, Any], rest: bytes) -> None:
        super().__init__(path=head["path"], lines=head["lines"], analysed=head["analysed"], facts=head["facts"],
                         findings=[Finding(**f) for f in head["findings"]],
                         skipped=[Skipped(**s) for s in head["skipped"]])
        self.digest: str = head["digest"]
        self._order: list[str] = head["order"]
        self._rest: bytes | None = rest

    @property  # type: ignore[override]
    def facts(self) -> dict[str, Any]:
        if self._rest is not None:
            rest, eager = json.loads(self._rest), self._facts
            self._rest = None
            self._facts = {k: eager[k] if k in eager else rest[k] for k in self._order}
        return self._facts

    @facts.setter
    def facts(self, value: dict[str, Any]) -> None:
        self._facts = value
        self._rest = None

    def fact(self, key: str, default: Any = None) -> Any:
        if self._rest is not None and key in EAGER_FACTS:
            return self._facts.get(key, default)
        return self.facts.get(key, default)


def decode(payload: bytes, rel: str) -> CachedResult | None:
    head, sep, rest = payload.partition(b"\t")
    try:
        data = json.loads(head)
        if not sep or data["path"] != rel or not isinstance(data["order"], list) \
                or not isinstance(data["facts"], dict) or not isinstance(data["digest"], str):
            return None
        return CachedResult(data, rest)
    except (ValueError, KeyError, TypeError):
        return None


def cacheable(result: FileResult) -> bool:
    return not any(any(t in s.reason for t in _TRANSIENT) for s in result.skipped)


KEY_ENV = "BACKEND_AUDIT_CACHE_KEY"
# A file modified within this many ns of the scan may change again within the clock's granularity without
# changing its stat (git's "racily clean" entries): such files are hashed next time, never trusted by stat.
_RACY_NS = 2_000_000_000
_HEADER = b"backend-audit-cache 2\n"
_INDEX = b"index"
# Compact when more than 1/_DEAD_SHARE of the pack is dead. Every scan reads and MACs the dead lines too
# (netbox: about 4 ms per MB at load), and a change to the project's facts appends a 1.7 MB record: a
# quarter keeps that under 20 ms a read while a rewrite (25 ms CPU, 0.1-0.2 s wall at load) happens once in
# three such edits; an edit that leaves the facts alone (a comment) or a pull-request scan appends a few KB.
_DEAD_SHARE = 4
_INDEX_DELTA = b"index+"  # changes to the stat index (path -> entry, or null: forget it), applied in order
_PROJECT = b"project"  # the project pass's results and what they were computed from (project_record)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class CacheRefused(Exception):
    """The cache cannot be used safely: the scan runs without it and says why."""


def _user_cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"


def _shown(path: Path) -> str:
    """The key file as notes name it: under ~ when it is (a report must not carry the runner's home)."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except (ValueError, RuntimeError):
        return "$XDG_CACHE_HOME/" + path.relative_to(path.parent.parent).as_posix()


def cache_key() -> bytes:
    """The integrity key: $BACKEND_AUDIT_CACHE_KEY (CI: from a secret, so whoever can write the shared cache
    cannot forge entries), else a random key in the user's own cache home, created on first use (0600)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return hashlib.sha256(b"backend-audit cache key\0" + env.encode("utf-8", "surrogateescape")).digest()
    home = _user_cache_home() / "backend-audit"
    path = home / "cache-key"
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise CacheRefused(f"the cache integrity key {_shown(path)} cannot be read ({why}); "
                           f"set {KEY_ENV} or fix it") from None
    tmp = home / f".cache-key-{secrets.token_hex(8)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # atomic and exclusive: a concurrent first scan keeps the key it made
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _read_key(path)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise CacheRefused(f"no cache integrity key: {_shown(path)} cannot be created ({why}); "
                           f"set {KEY_ENV}") from None


def _read_key(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()) \
                or st.st_mode & 0o022:
            raise CacheRefused(f"the cache integrity key {_shown(path)} is not a private file of this user; "
                               f"delete it (a new one is made) or set {KEY_ENV}")
        data = fh.read(4096).strip()
    if len(data) < 32:
        raise CacheRefused(f"the cache integrity key {_shown(path)} is too short; delete it (a new one is made)")
    return hashlib.sha256(b"backend-audit cache key\0" + data).digest()


def _open_dir(parent: int | None, path: Path | str, create: bool, shown: str = "") -> int:
    """A descriptor for a directory that is not a symlink (CacheRefused when it is one)."""
    name = str(path)
    shown = shown or name
    try:
        st = os.lstat(name, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
        try:
            os.mkdir(name, 0o755, dir_fd=parent)
        except FileExistsError:
            pass
        st = os.lstat(name, dir_fd=parent)
    if stat.S_ISLNK(st.st_mode):
        raise CacheRefused(f"the cache directory {shown} is a symbolic link; refusing to use it "
                           "(the scan runs without the cache)")
    if not stat.S_ISDIR(st.st_mode):
        raise CacheRefused(f"the cache directory {shown} is not a directory; scanning without the cache")
    return os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=parent)


# How long an append waits for another scan's append to finish. Bounded: a process holding the lock forever
# (a stuck scan, or another user's on a shared cache) must not hang this scan at its end.
LOCK_WAIT_S = 2.0


def _locked(fd: int) -> bool:
    """An exclusive flock on the pack within LOCK_WAIT_S: two scans appending at once never interleave lines."""
    if fcntl is None:
        return True
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)


class ResultCache:
    def __init__(self, directory: Path, salt: str, max_bytes: int = DEFAULT_MAX_BYTES,
                 key: bytes | None = None, shown: str = "") -> None:
        self.directory = directory
        self.shown = shown or str(directory)  # as notes name it: repo-relative when inside the repository
        self.entries = directory / f"v{FORMAT}"
        self.salt = salt
        self.max_bytes = max_bytes
        self._key = key if key is not None else cache_key()
        self.pack_name = f"{salt[:32]}.pack"
        self.hits = self.misses = self.written = 0
        self.rejected = 0  # lines whose MAC did not verify: tampered or written under another key
        self._lines: dict[str, tuple[bytes, bytes]] = {}  # content key -> (mac, result JSON), verified
        self._index: dict[str, list] = {}
        self._new_index: dict[str, list] = {}
        self.digests: dict[str, str] = {}  # rel path -> digest of its facts, for the files of this scan
        self.project: bytes | None = None  # the stored project record (verified), and the one to write
        self._project_out: bytes | None = None
        self._current: set[str] = set()
        self._fresh: set[str] = set()  # keys put by this scan: what an append writes
        # Bytes of the pack as read, and of the lines that still count (last line of each key, the index, the
        # project record): the difference is what a compaction would drop. None: no pack could be appended to.
        self._pack_bytes: int | None = None
        self._live_bytes = 0
        self._sizes: dict[bytes, int] = {}
        self._started_ns = time.time_ns()
        self._read_pack()

    # --- integrity -------------------------------------------------------------------------------
    def _mac(self, name: bytes, payload: bytes) -> bytes:
        msg = self.salt.encode() + b"\0" + name + b"\0" + payload
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest().encode()

    def _verified(self, name: bytes, mac: bytes, payload: bytes) -> bool:
        if hmac.compare_digest(self._mac(name, payload), mac):
            return True
        self.rejected += 1
        return False

    # --- reading ---------------------------------------------------------------------------------
    def _read_pack(self) -> None:
        try:
            top = _open_dir(None, self.directory, create=False, shown=self.shown)
        except FileNotFoundError:
            return
        try:
            sub = _open_dir(top, self.entries.name, create=False, shown=f"{self.shown}/{self.entries.name}")
        except FileNotFoundError:
            return
        finally:
            os.close(top)
        try:
            fd = os.open(self.pack_name, os.O_RDONLY | _NOFOLLOW, dir_fd=sub)
        except OSError:
            return  # no pack yet (or a symlink planted in its place: ELOOP)
        finally:
            os.close(sub)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode) or fh.read(len(_HEADER)) != _HEADER:
                return
            # Line by line, each MAC checked as it is read (HMAC is cheap next to json.loads): a pack planted
            # in a scanned repository (its name is predictable) costs bounded time and no memory.
            budget = self.max_bytes
            sizes: dict[bytes, int] = {}  # key -> length of its last verified line
            total = len(_HEADER)
            for line in fh:
                total += len(line)
                budget -= len(line)
                if budget < 0:
                    total = None
                    break
                parts = line.rstrip(b"\n").split(b"\t", 2)
                if len(parts) != 3 or not self._verified(parts[1], parts[0], parts[2]):
                    continue
                mac, name, payload = parts
                if name == _INDEX or name == _INDEX_DELTA:
                    try:
                        index = json.loads(payload)
                    except ValueError:
                        continue
                    if not isinstance(index, dict):
                        continue
                    if name == _INDEX:
                        self._index = index
                    else:  # a delta stays dead weight: compaction folds it into the whole index
                        for path, entry in index.items():
                            if entry is None:
                                self._index.pop(path, None)
                            else:
                                self._index[path] = entry
                        continue
                elif name == _PROJECT:
                    self.project = payload
                else:
                    self._lines[name.decode("ascii", "replace")] = (mac, payload)
                sizes[name] = len(line)
            if total is not None:
                self._pack_bytes = total
                self._live_bytes = sum(sizes.values())
                self._sizes = sizes

    def _content_key(self, ref: SourceRef) -> tuple[str | None, list | None]:
        """(content key, stat entry to record) from the stat index when the file is untouched since, else
        from its bytes. (None, None) when the file cannot be read: the analysis step reports that."""
        try:
            st = os.stat(ref.abs)
        except OSError:
            return None, None
        known = self._index.get(ref.rel)
        here = [st.st_size, st.st_mtime_ns, st.st_ino]
        if isinstance(known, list) and len(known) == 4 and known[:3] == here and isinstance(known[3], str):
            return known[3], known
        key = self.key(ref)
        if key is None:
            return None, None
        racy = self._started_ns - st.st_mtime_ns < _RACY_NS
        return key, None if racy else [*here, key]

    def key(self, ref: SourceRef) -> str | None:
        try:  # non-blocking: a file swapped for a FIFO after discovery must not hang the scan
            data = read_bounded(ref.abs, KEY_READ_LIMIT)
        except (OSError, InputError):
            return None  # not cached: the analysis then says why the file cannot be read
        h = hashlib.sha256(self.salt.encode())
        h.update(b"\0" + ref.rel.encode("utf-8", "surrogateescape") + b"\0")
        h.update(data)
        return h.hexdigest()

    def split(self, files: list[SourceRef]) -> tuple[list[SourceRef], list[SourceRef], dict[str, str]]:
        """(files with an entry, files to analyse, rel path -> key) without decoding any entry yet: the
        misses can go to the workers first and the entries load meanwhile (`load`)."""
        found: list[SourceRef] = []
        misses: list[SourceRef] = []
        keys: dict[str, str] = {}
        for ref in files:
            key, entry = self._content_key(ref)
            if key:
                keys[ref.rel] = key
                if entry is not None:
                    self._new_index[ref.rel] = entry
            if key and key in self._lines:
                found.append(ref)
            else:
                misses.append(ref)
        self.misses = len(misses)
        return found, misses, keys

    def get(self, key: str, rel: str) -> FileResult | None:
        line = self._lines.get(key)  # verified when read, or written by this scan
        if line is None:
            return None
        result = decode(line[1], rel)
        if result is not None:
            self.digests[rel] = result.digest
        return result

    def load(self, found: list[SourceRef], keys: dict[str, str]) -> tuple[dict[str, FileResult], list[SourceRef]]:
        """(results, files whose entry turned out unreadable, foreign or tampered with: analyse them too)."""
        hits: dict[str, FileResult] = {}
        bad: list[SourceRef] = []
        for ref in found:
            result = self.get(keys[ref.rel], ref.rel)
            if result is None:
                bad.append(ref)
                self._lines.pop(keys[ref.rel], None)  # rewritten from the fresh analysis
            else:
                hits[ref.rel] = result
        self.hits, self.misses = len(hits), self.misses + len(bad)
        return hits, bad

    # --- writing ---------------------------------------------------------------------------------
    def put(self, key: str, result: FileResult) -> None:
        if not cacheable(result):
            return
        try:
            payload, digest = encode(result)
        except (TypeError, ValueError):
            return  # a fact that is not plain JSON: analyse this file again next time
        self._lines[key] = (self._mac(key.encode("ascii"), payload), payload)
        self._fresh.add(key)
        self.digests[result.path] = digest
        self.written += 1

    def store(self, results: Iterable[FileResult], keys: dict[str, str]) -> None:
        """Serialise now (the project pass may still change facts in place); the pack is written by `flush`."""
        for result in results:
            key = keys.get(result.path)
            if key:
                self.put(key, result)
        self._current |= set(keys.values())

    def keep_project(self, payload: bytes) -> None:
        self._project_out = payload

    def flush(self) -> None:
        """Bring the pack up to date once per scan, when something in it changed: append what changed, or
        compact (`_write`) when the pack would carry too many dead lines."""
        project = self._project_out if self._project_out is not None and self._project_out != self.project \
            else None
        if not (self._fresh or project is not None or self._new_index != self._index):
            return
        if not self._append(project):
            self._write(self._current)

    def _append(self, project: bytes | None) -> bool:
        """Append this scan's new entries, the stat index's changes and the project record; False when the pack
        should be written whole instead (none was read, or dead lines or its size pass their threshold)."""
        if self._pack_bytes is None:
            return False
        out = [b"\n"]  # ends a torn line a killed writer may have left, so only that line fails its MAC
        superseded = 0
        for key in sorted(self._fresh):
            line = self._lines.get(key)
            if line is not None:
                name = key.encode("ascii")
                out.append(b"%s\t%s\t%s\n" % (line[0], name, line[1]))
                superseded += self._sizes.get(name, 0)
        delta = {path: entry for path, entry in self._new_index.items() if self._index.get(path) != entry}
        delta.update((path, None) for path in self._index if path not in self._new_index)
        dead = self._pack_bytes - self._live_bytes + superseded + 1  # the newline; the delta, below
        if delta:
            payload = json.dumps(delta, separators=(",", ":"), sort_keys=True).encode()
            out.append(b"%s\t%s\t%s\n" % (self._mac(_INDEX_DELTA, payload), _INDEX_DELTA, payload))
            dead += len(out[-1])  # compaction folds it into the whole index
        if project is not None:
            out.append(b"%s\t%s\t%s\n" % (self._mac(_PROJECT, project), _PROJECT, project))
            dead += self._sizes.get(_PROJECT, 0)
        chunk = b"".join(out)
        size = self._pack_bytes + len(chunk)
        if dead * _DEAD_SHARE > size or size > self.max_bytes // 2:
            return False
        try:
            top = _open_dir(None, self.directory, create=False)
        except (OSError, CacheRefused):
            return False
        try:
            sub = _open_dir(top, self.entries.name, create=False)
        except (OSError, CacheRefused):
            return False
        finally:
            os.close(top)
        try:
            # no O_CREAT: a pack deleted meanwhile is written whole; O_NONBLOCK: a FIFO planted in its place
            # fails (ENXIO) instead of hanging the scan
            fd = os.open(self.pack_name, os.O_WRONLY | os.O_APPEND | _NOFOLLOW | _NONBLOCK, dir_fd=sub)
        except OSError:
            os.close(sub)
            return False
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False  # replaced by name (never written through) by the whole write
            if not _locked(fd):
                return True  # another process holds the pack: skip this update (these files miss next time)
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
            self.evict(sub)
        except OSError:
            pass  # a full disk: the torn tail fails its MAC and the next append starts on a new line
        finally:
            os.close(fd)  # releases the lock
            os.close(sub)
        return True

    def _write(self, current: set[str]) -> None:
        """This scan's entries first, then older ones (other branches, earlier edits) while the pack stays
        under half the cap; entries whose MAC never verified are dropped."""
        out = [_HEADER]
        size = 0
        for key in sorted(current):
            line = self._lines.get(key)
            if line is not None:
                out.append(b"%s\t%s\t%s\n" % (line[0], key.encode("ascii"), line[1]))
                size += len(out[-1])
        for key, (mac, payload) in self._lines.items():
            if key in current or size > self.max_bytes // 2 or not key.isalnum():
                continue
            out.append(b"%s\t%s\t%s\n" % (mac, key.encode("ascii"), payload))
            size += len(out[-1])
        index = json.dumps(self._new_index, separators=(",", ":"), sort_keys=True).encode()
        out.append(b"%s\t%s\t%s\n" % (self._mac(_INDEX, index), _INDEX, index))
        project = self._project_out if self._project_out is not None else self.project
        if project is not None:
            out.append(b"%s\t%s\t%s\n" % (self._mac(_PROJECT, project), _PROJECT, project))
        try:
            top = _open_dir(None, self.directory, create=True)
        except (OSError, CacheRefused):
            return  # read-only tree or full disk: caching is an optimisation, never a failure
        try:
            self._mark(top)
            sub = _open_dir(top, self.entries.name, create=True)
        except (OSError, CacheRefused):
            os.close(top)
            return
        os.close(top)
        tmp = f".tmp-{secrets.token_hex(8)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644, dir_fd=sub)
            with os.fdopen(fd, "wb") as fh:
                fh.writelines(out)
            os.replace(tmp, self.pack_name, src_dir_fd=sub, dst_dir_fd=sub)
            self.evict(sub)
        except OSError:
            try:
                os.unlink(tmp, dir_fd=sub)
            except OSError:
                pass
        finally:
            os.close(sub)

    def _mark(self, top: int) -> None:
        """CACHEDIR.TAG keeps backup tools out; the .gitignore keeps the cache out of commits. Created only
        where nothing is (O_EXCL + O_NOFOLLOW: a planted symlink is never written through)."""
        for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n")):
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644, dir_fd=top)
            except OSError:
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)

    def evict(self, sub: int | None = None) -> None:
        """Packs of other configurations, least recently written first, until the directory fits its cap.
        Only regular `*.pack` files in our own `v2` directory are ever deleted."""
        own = sub is None
        if own:
            try:
                sub = _open_dir(None, self.entries, create=False)
            except (OSError, CacheRefused):
                return
        try:
            packs: list[tuple[int, int, str]] = []
            total = 0
            for name in os.listdir(sub):
                try:
                    st = os.lstat(name, dir_fd=sub)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                if name.startswith(".tmp-") and time.time_ns() - st.st_mtime_ns > 3600 * 10**9:
                    packs.append((0, st.st_size, name))  # left behind by a killed scan
                elif name.endswith(".pack"):
                    packs.append((st.st_mtime_ns, st.st_size, name))
                total += st.st_size
            if total <= self.max_bytes:
                return
            for _, size, name in sorted(packs):
                if name == self.pack_name:
                    continue
                try:
                    os.unlink(name, dir_fd=sub)
                except OSError:
                    continue
                total -= size
                if total <= self.max_bytes * 0.8:  # headroom, so the next scan does not evict again
                    break
        finally:
            if own:
                os.close(sub)


def open_cache(root: Path, settings: Settings, selection, notes: list[str] | None = None) -> ResultCache | None:
    directory = cache_dir_for(root, settings)
    if directory is None:
        return None
    from ..catalog import pack_version

    enabled = selection.enabled_ids()
    options = {rid: selection.options(rid) for rid in enabled}
    try:
        shown = directory.relative_to(root).as_posix() if directory.is_relative_to(root) else str(directory)
    except ValueError:
        shown = str(directory)
    try:
        return ResultCache(directory, salt_for(settings, enabled, options, pack_version()), shown=shown)
    except CacheRefused as exc:
        if notes is not None:
            notes.append(str(exc))
        return None
    except OSError as exc:
        if notes is not None:
            notes.append(f"the result cache in {shown} cannot be read ({exc.strerror or type(exc).__name__}); "
                         "scanning without it")
        return None
