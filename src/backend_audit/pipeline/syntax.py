"""Say why a file does not parse, in words a user can act on.

CPython's own SyntaxError is preferred over libcst's (its line is exact and its message often names
the fix); when the file looks like Python 2 the reason says so, because "syntax error at line 1" on a
py2 module sends people hunting for a typo that is not there.
"""

from __future__ import annotations

import re

# Constructs that are syntax errors in Python 3 but were ordinary Python 2. Checked on the error line
# first, then anywhere, and only ever on files both parsers already rejected.
_PY2_MARKERS = (
    (re.compile(r"^[ \t]*print(?:[ \t]+[\"'\w]|[ \t]*>>)", re.M), "a print statement"),
    (re.compile(r"^[ \t]*exec[ \t]+[\"'\w]", re.M), "an exec statement"),
    (re.compile(r"\bexcept[ \t]+[\w.]+[ \t]*,[ \t]*\w+[ \t]*:"), "'except E, name:'"),
    (re.compile(r"^[ \t]*raise[ \t]+[\w.]+[ \t]*,", re.M), "'raise E, message'"),
    (re.compile(r"(?<![\w.])\d+[lL](?!\w)"), "a long-integer suffix"),
    (re.compile(r"\bur[\"']", re.I), "a ur'' string prefix"),
    (re.compile(r"(?<![\w.\"'])0[0-7]*[1-7][0-7]*(?![\w.])"), "an old-style octal literal"),
)


def python2_marker(text: str, line: int | None = None) -> tuple[str, int] | None:
    """(what, line) of the first Python 2 construct, preferring one on `line`."""
    lines = text.splitlines()
    if line and 0 < line <= len(lines):
        for pattern, what in _PY2_MARKERS:
            if pattern.search(lines[line - 1]):
                return what, line
    for pattern, what in _PY2_MARKERS:
        m = pattern.search(text)
        if m:
            return what, text.count("\n", 0, m.start()) + 1
    return None


def describe(text: str, cst_message: str, cst_line: int | None,
             ast_error: BaseException | None) -> tuple[str, int | None]:
    """(reason, line) for a file libcst could not parse."""
    if isinstance(ast_error, SyntaxError) and ast_error.lineno:
        line: int | None = ast_error.lineno
        reason = f"syntax error at line {line}: {ast_error.msg}"
    else:
        line, reason = cst_line, cst_message
    return reason + python2_note(text, line), line


def python2_note(text: str, line: int | None) -> str:
    py2 = python2_marker(text, line)
    if not py2:
        return ""
    return f"; this looks like Python 2 code ({py2[0]} at line {py2[1]}), and only Python 3 is analysed"


# Recursive visitors (ours, radon's, bandit's) spend one or more Python frames per level of syntax tree,
# so deeper trees are refused up front (engines/ast_walk.py raises TooDeep while walking) rather than
# letting one of them hit the recursion limit halfway through a file.
MAX_TREE_DEPTH = 500
