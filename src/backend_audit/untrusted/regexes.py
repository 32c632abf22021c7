"""Regular expressions from the scanned repository's config (`auth_pattern`), refused when Python's
backtracking engine could take exponential time on them.

Exponential backtracking needs an unbounded repeat over something that can itself match in more than one
way: a nested repeat (`(a+)+`), an alternation (`(a|aa)*`), or a backreference. Those are refused, as is
a pattern with more than three unbounded repeats (each adds a factor of the subject's length).
"""

from __future__ import annotations

import re

try:
    from re import _constants as _c, _parser as _p  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_UNBOUNDED = 3
MAX_LENGTH = 512
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}


def regex_problem(pattern: str) -> str | None:
    """Why `pattern` may not be used, or None."""
    if len(pattern) > MAX_LENGTH:
        return f"longer than {MAX_LENGTH} characters"
    try:
        re.compile(pattern)
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a valid regular expression ({exc})"
    unbounded = 0
    stack: list[tuple[object, bool]] = [(parsed, False)]
    while stack:
        items, in_repeat = stack.pop()
        for op, av in items:
            if op in _REPEATS:
                low, high, sub = av
                is_unbounded = high == _c.MAXREPEAT
                if in_repeat:  # even (a?){30}: 2^30 ways to split the subject
                    return "a repeat inside a repeat (like (a+)+) can take exponential time"
                unbounded += is_unbounded
                if (is_unbounded or high > 1) and _has_branch(sub):
                    return "a repeated alternation (like (a|ab)*) can take exponential time"
                stack.append((sub, in_repeat or is_unbounded or high > 1))
            elif op is _c.SUBPATTERN:
                stack.append((av[-1], in_repeat))
            elif op is _c.BRANCH:
                stack.extend((branch, in_repeat) for branch in av[1])
            elif op in (_c.ASSERT, _c.ASSERT_NOT):
                stack.append((av[1], in_repeat))
            elif op in (_c.GROUPREF, getattr(_c, "GROUPREF_EXISTS", None)):
                return "backreferences are not allowed"
            elif op is getattr(_c, "ATOMIC_GROUP", None):
                stack.append((av, in_repeat))
    if unbounded > MAX_UNBOUNDED:
        return f"more than {MAX_UNBOUNDED} unbounded repeats"
    return None


def _has_branch(items) -> bool:
    stack = [items]
    while stack:
        for op, av in stack.pop():
            if op is _c.BRANCH:
                return True
            if op is _c.SUBPATTERN:
                stack.append(av[-1])
            elif op in _REPEATS:
                stack.append(av[2])
    return False


def whole_match_chars(pattern: str, candidates: str) -> set[str] | None:
    """Which of `candidates` a match of `pattern` can hold, when the pattern is anchored at both ends (`^...$`,
    `\\A...\\Z`) so that it checks the whole value; None when it is not anchored so, or may not be used (see
    regex_problem). A framework's `pattern=` check (FastAPI `Query(pattern=...)`) then fixes what the value can
    contain: `^[a-z]{2}(-[A-Z]{2})?$` holds no "/", "." or quote."""
    if regex_problem(pattern) is not None:
        return None
    try:
        parsed = list(_p.parse(pattern))
    except (re.error, RecursionError, OverflowError):
        return None
    if len(parsed) < 2 or parsed[0] != (_c.AT, _c.AT_BEGINNING) and parsed[0] != (_c.AT, _c.AT_BEGINNING_STRING) or \
            parsed[-1] != (_c.AT, _c.AT_END) and parsed[-1] != (_c.AT, _c.AT_END_STRING):
        return None
    found: set[str] = set()
    stack = [parsed[1:-1]]
    while stack:
        for op, av in stack.pop():
            if op is _c.LITERAL:
                found.update(c for c in candidates if ord(c) == av or ord(c.lower()) == av or ord(c.upper()) == av)
            elif op is _c.NOT_LITERAL or op is _c.ANY:
                found.update(c for c in candidates if op is _c.ANY or ord(c) != av)
            elif op is _c.IN:
                found.update(c for c in candidates if _in_set(av, c))
            elif op in _REPEATS:
                stack.append(av[2])
            elif op is _c.SUBPATTERN:
                stack.append(av[-1])
            elif op is _c.BRANCH:
                stack.extend(av[1])
            elif op is getattr(_c, "ATOMIC_GROUP", None):
                stack.append(av)
            elif op not in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # assertions consume nothing
                found.update(candidates)  # an op not modelled here: anything
    return found


_CATEGORIES = {"DIGIT": str.isdigit, "WORD": lambda c: c.isalnum() or c == "_", "SPACE": str.isspace}


def _in_set(items, ch: str) -> bool:
    """Whether a character class (`[a-z0-9_-]`, `[^/]`, `\\w`) admits ch (case-insensitively, to stay safe)."""
    negate = False
    hit = False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            hit = hit or av in (ord(ch), ord(ch.lower()), ord(ch.upper()))
        elif op is _c.RANGE:
            hit = hit or any(av[0] <= ord(x) <= av[1] for x in (ch, ch.lower(), ch.upper()))
        elif op is _c.CATEGORY:
            name = str(av).rpartition("CATEGORY_")[2]
            kind = name.replace("UNI_", "").replace("LOC_", "").replace("NOT_", "")
            test = _CATEGORIES.get(kind)
            hit = hit or test is None or test(ch) != ("NOT_" in name)
        else:
            hit = True  # a class item not modelled here: anything
    return hit != negate
