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
