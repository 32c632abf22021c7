"""Compiled regular-expression programs kept in the user cache between runs of the command.

Python's pattern compiler (parser and code generator) is pure Python: the 250 patterns a small app's scan
compiles (ours, pathspec's translations of the default excludes, the tokenizer's) cost about a tenth of its
CPU, every run. What it produces is a list of opcodes that the C engine takes as it is (`_sre.compile`, which
validates it). So a run of the command records, after its scan, the program of each pattern that `re`'s own
cache holds; the next run puts patterns rebuilt from those programs into that cache before anything is
compiled, and every `re.compile` / `re.search(pattern, ...)` of the same pattern and flags, in any module,
returns one of them: about 2 ms for what cost 25.

A program is recorded only when the pattern rebuilt from it equals the one `re` compiled (same flags and
opcodes, same group names): a Python whose compiler works otherwise records nothing and loses nothing. And
only for a pattern a second run compiles too: some patterns are made by joining a set, so their text
changes with the string hash seed from run to run (the tokenizer's), and keeping those would add a useless
entry, and a write, to every run; a first sighting leaves a digest in a small second file. The files are
named by the interpreter's version, the engine's magic number and the stat of the compiler's files, so
another Python never reads them; only the user's private file is read (user_cache.read_json). Scanned
repositories choose some patterns (configured excludes, a glob turned into a regex), so both are bounded:
at most MAX_ENTRIES programs of at most MAX_CODE opcodes, MAX_BYTES in all, and MAX_SEEN digests, the
oldest making room.
"""

from __future__ import annotations

import _sre
import array
import base64
import hashlib
import re
import sys
from pathlib import Path

from . import user_cache

try:
    from re import _compiler, _parser  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    try:
        import sre_compile as _compiler  # type: ignore[no-redef]
        import sre_parse as _parser  # type: ignore[no-redef]
    except ImportError:
        _compiler = _parser = None  # type: ignore[assignment]

MAX_ENTRIES = 400  # below `re`'s own cache size (512): a seeded pattern is not pushed out by the others
MAX_CODE = 16 * 1024  # opcodes of one program (the joined default excludes take about 3,000)
MAX_BYTES = 1024 * 1024  # of stored programs in all (a small app's 244 take 280 KB)
MAX_SEEN = 256

_stored: dict[str, list] | None = None  # what this process read (and seeded), by key


def _digest() -> str | None:
    cache = getattr(re, "_cache", None)
    if _compiler is None or not isinstance(cache, dict):
        return None
    try:
        files = [Path(_compiler.__file__), Path(_parser.__file__)]
        return user_cache.files_digest(files, f"{sys.version} {_sre.MAGIC} {_sre.CODESIZE} 2")
    except (OSError, AttributeError, TypeError):
        return None


def _key(pattern: str, flags: int) -> str:
    return f"{flags}\0{pattern}"


def _build(pattern: str, entry: list) -> re.Pattern:
    final_flags, code, groups, groupindex, indexgroup = entry
    if isinstance(code, str):
        code = _opcodes(code)
    return _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))


# A program is stored as its opcodes' machine words in base64: JSON's integer lists took 2.3 ms of a small
# app's 2.6 ms to read back, this a fifth of that. The words' size is the engine's (CODESIZE, in the name).
_WORD = next((t for t in "IL" if array.array(t).itemsize == getattr(_sre, "CODESIZE", 4)), "I")


def _opcodes(text: str) -> list[int]:
    return array.array(_WORD, base64.b64decode(text.encode("ascii"), validate=True)).tolist()


def _encoded(code: list[int]) -> str:
    return base64.b64encode(array.array(_WORD, code).tobytes()).decode("ascii")


def seed() -> None:
    """Put the stored programs' patterns into `re`'s cache (once per process; best effort)."""
    global _stored
    if _stored is not None:
        return
    _stored = {}
    digest = _digest()
    data = user_cache.read_json(f"regex-programs-{digest}.json") if digest else None
    if not isinstance(data, dict):
        return
    cache = re._cache  # type: ignore[attr-defined]
    for key, entry in data.items():
        flags, sep, pattern = key.partition("\0")
        try:
            compiled = _build(pattern, entry)
            cache.setdefault((str, pattern, int(flags)), compiled)
        except Exception:  # noqa: BLE001 - a malformed entry: that pattern is compiled as usual
            continue
        _stored[key] = entry


def _program(pattern: str, flags: int, compiled: re.Pattern) -> list | None:
    """The program `re` made for `compiled`, when rebuilding it from this program gives the same pattern."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    if len(code) > MAX_CODE:
        return None
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for group_name, index in groupindex.items():
        indexgroup[index] = group_name
    entry = [flags | parsed.state.flags, _encoded(code), parsed.state.groups - 1, groupindex, indexgroup]
    again = _build(pattern, entry)
    same = again == compiled and dict(again.groupindex) == dict(compiled.groupindex)
    return entry if same else None


_adopted: set[tuple[str, int]] = set()  # compiled by a helper process of this scan (pipeline/helper.py)


def compiled_keys() -> set[tuple[str, int]]:
    """The (pattern, flags) of every text pattern in `re`'s cache."""
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return set()
    return {(key[1], key[2]) for key in list(cache) if len(key) == 3 and key[0] is str and isinstance(key[2], int)}


def adopt(keys: set[tuple[str, int]]) -> None:
    """Patterns a helper process compiled for this scan: recorded as if this process had compiled them (a
    pattern is compiled here only when its program is to be stored, on its second sighting)."""
    _adopted.update(key for key in keys if isinstance(key, tuple) and len(key) == 2
                    and isinstance(key[0], str) and isinstance(key[1], int))


def record() -> None:
    """Store the programs of the patterns `re` compiled in this process (or a helper of its scan), and a
    previous run too, that the file does not have yet; remember the others as seen."""
    cache = getattr(re, "_cache", None)
    digest = _digest()
    if _stored is None or not digest or not isinstance(cache, dict):
        return
    ours = [(key[1], key[2]) for key in list(cache) if len(key) == 3 and key[0] is str and isinstance(key[2], int)]
    fresh = [key for key in dict.fromkeys([*ours, *sorted(_adopted)]) if _key(*key) not in _stored]
    if not fresh:
        return
    seen_name = f"regex-seen-{digest}.json"
    seen = user_cache.read_json(seen_name)
    seen = [s for s in seen if isinstance(s, str)] if isinstance(seen, list) else []
    known = set(seen)
    first: list[str] = []
    new: dict[str, list] = {}
    for pattern, flags in fresh:
        key = _key(pattern, flags)
        sighting = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:24]
        if sighting not in known:
            first.append(sighting)
            continue
        try:
            compiled = cache.get((str, pattern, flags)) or re.compile(pattern, flags)
            entry = _program(pattern, flags, compiled)
        except Exception:  # noqa: BLE001 - a pattern this recorder cannot rebuild is just not kept
            continue
        if entry is not None:
            new[key] = entry
            known.discard(sighting)
    if first or new:
        seen = [s for s in seen if s in known] + first
        user_cache.write_json(seen_name, seen[-MAX_SEEN:], prune_prefix="regex-seen-")
    if not new:
        return
    kept = {**_stored, **new}
    for old in list(kept)[: max(0, len(kept) - MAX_ENTRIES)]:
        del kept[old]  # insertion order: the oldest first
    size = sum(len(k) + len(e[1]) for k, e in kept.items())
    for old in list(kept):
        if size <= MAX_BYTES:
            break
        size -= len(old) + len(kept.pop(old)[1])
    _stored.update(new)
    user_cache.write_json(f"regex-programs-{digest}.json", kept, prune_prefix="regex-programs-")
