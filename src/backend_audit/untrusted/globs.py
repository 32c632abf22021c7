"""gitignore-style matching without regex backtracking, for patterns from the scanned repository's config.

pathspec turns `*a*a*a*a*b` into `[^/]*a[^/]*a...b`; Python's backtracking regex engine then takes time
exponential in the number of stars on a long file name (a hang in discovery). This matcher gives the same
answers (tests/test_untrusted_patterns.py compares it with pathspec on generated patterns and paths) in
O(len(path) * len(pattern)): a segment is matched by the greedy star algorithm with one backtrack point,
and `**` by a set of reachable segment positions.

Semantics (git's): a pattern without a slash (other than a trailing one) matches at any depth; a leading
or inner slash anchors it at the root; a trailing slash matches directories only; `**` as a whole segment
matches any number of segments; a match on a directory covers everything below it; `\\` escapes.
"""

from __future__ import annotations

import functools

from ..records import dataclass

# Tokens: a one-character str is a literal; these two tuples cannot be confused with one.
_STAR = ("star",)
_ANY = ("any",)
_DSTAR = "**"  # a whole segment


@dataclass(frozen=True)
class _Class:
    """A `[...]` character class of a glob pattern."""
    negate: bool
    chars: frozenset[str]
    ranges: tuple[tuple[str, str], ...]

    def test(self, ch: str) -> bool:
        hit = ch in self.chars or any(lo <= ch <= hi for lo, hi in self.ranges)
        return hit != self.negate and ch != "/"


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class Glob:
    """One gitignore-style pattern, compiled to segments matched without backtracking."""
    segments: tuple  # of _DSTAR or tuple of tokens (_STAR, _ANY, a one-character literal, _Class)
    dir_only: bool
    never: bool = False  # comments, blank lines and negations match nothing on their own

    def match(self, path: str) -> bool:
        if self.never:
            return False
        parts = path.split("/")
        reached = _reach(self.segments, tuple(parts))
        n = len(parts)
        return any(k < n or (k == n and not self.dir_only) for k in reached if k > 0)


def _reach(segments: tuple, parts: tuple[str, ...]) -> set[int]:
    """Every k such that the segment patterns match parts[:k] exactly."""
    current = {0}
    n = len(parts)
    for seg in segments:
        if seg == _DSTAR:
            current = set(range(min(current), n + 1))
        else:
            current = {j + 1 for j in current if j < n and _segment(seg, parts[j])}
        if not current:
            break
    return current


@functools.lru_cache(maxsize=4096)
def _segment(tokens: tuple, text: str) -> bool:
    """Greedy wildcard match with a single backtrack point: O(len(text) * len(tokens)) at worst."""
    ti = si = 0
    star_ti, star_si = -1, 0
    while si < len(text):
        if ti < len(tokens) and tokens[ti] == _STAR:
            star_ti, star_si = ti, si
            ti += 1
        elif ti < len(tokens) and _one(tokens[ti], text[si]):
            ti += 1
            si += 1
        elif star_ti >= 0:
            star_si += 1
            si, ti = star_si, star_ti + 1
        else:
            return False
    while ti < len(tokens) and tokens[ti] == _STAR:
        ti += 1
    return ti == len(tokens)


def _one(token, ch: str) -> bool:
    if token == _ANY:
        return ch != "/"
    if isinstance(token, _Class):
        return token.test(ch)
    return token == ch


def _strip_trailing_spaces(pattern: str) -> str:
    end = len(pattern)
    while end > 0 and pattern[end - 1] == " ":
        backslashes = 0
        i = end - 2
        while i >= 0 and pattern[i] == "\\":
            backslashes += 1
            i -= 1
        if backslashes % 2:
            break
        end -= 1
    return pattern[:end]


def _tokens(segment: str) -> tuple:
    out: list = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "\\":
            if i + 1 >= len(segment):
                raise PatternError("pattern ends with a lone backslash")
            out.append(segment[i + 1])
            i += 2
        elif ch == "*":
            if not out or out[-1] != _STAR:
                out.append(_STAR)
            i += 1
        elif ch == "?":
            out.append(_ANY)
            i += 1
        elif ch == "[":
            cls, i = _class(segment, i)
            out.append(cls)
        else:
            out.append(ch)
            i += 1
    return tuple(out)


def _class(segment: str, start: int) -> tuple:
    i = start + 1
    negate = i < len(segment) and segment[i] in "!^"
    if negate:
        i += 1
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    first = True
    while i < len(segment) and (segment[i] != "]" or first):
        ch = segment[i]
        if ch == "\\" and i + 1 < len(segment):
            i += 1
            ch = segment[i]
        if i + 2 < len(segment) and segment[i + 1] == "-" and segment[i + 2] != "]":
            hi = segment[i + 2]
            if hi == "\\" and i + 3 < len(segment):
                hi = segment[i + 3]
                i += 1
            if hi < ch:
                raise PatternError(f"bad character range {ch}-{hi}")
            ranges.append((ch, hi))
            i += 3
        else:
            chars.add(ch)
            i += 1
        first = False
    if i >= len(segment):  # no closing bracket: git reads the '[' literally
        return "[", start + 1
    return _Class(negate, frozenset(chars), tuple(ranges)), i + 1


@functools.lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    text = _strip_trailing_spaces(pattern)
    if not text or text.startswith("#") or text.startswith("!"):
        return Glob((), False, never=True)
    if text.startswith("\\#") or text.startswith("\\!"):
        text = text[1:]
    dir_only = text.endswith("/")
    text = text[:-1] if dir_only else text
    if not text:
        return Glob((), False, never=True)
    anchored = "/" in text
    text = text[1:] if text.startswith("/") else text
    raw = text.split("/")
    if "" in raw:  # an empty segment ("a//b") matches no path, as in pathspec
        return Glob((), False, never=True)
    segments: list = []
    for seg in raw:
        if seg == "**":
            if not segments or segments[-1] != _DSTAR:
                segments.append(_DSTAR)
        else:
            segments.append(_tokens(seg))
    if segments and segments[-1] == _DSTAR and len(segments) > 1:
        # "dir/**" is everything inside dir, not dir itself
        segments.pop()
        dir_only = True
    if not anchored and segments[:1] != [_DSTAR]:
        segments.insert(0, _DSTAR)
    return Glob(tuple(segments), dir_only)


def needs_linear_matcher(pattern: str) -> bool:
    """Patterns whose regex could backtrack badly: more than two `*` runs in a segment or more than one `**`.
    Every other pattern keeps the one compiled regex (fast in discovery's hot loop, and safe: one or two
    stars cost at most quadratic time in a 255-character file name)."""
    segments = pattern.strip("/").split("/")
    if sum(1 for s in segments[1:] if s == "**") > 1:
        return True
    for seg in segments:
        if seg == "**":
            continue
        runs = sum(1 for i, ch in enumerate(seg) if ch == "*" and (i == 0 or seg[i - 1] != "*"))
        if runs > 2 or "**" in seg:
            return True
    return False
