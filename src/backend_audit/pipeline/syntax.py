"""Say why a file does not parse, in words a user can act on.

CPython's own SyntaxError is preferred over libcst's (its line is exact and its message often names
the fix); when the file looks like Python 2 the reason says so, because "syntax error at line 1" on a
py2 module sends people hunting for a typo that is not there.
"""

from __future__ import annotations

from ..checks.lazy_re import re  # compiled on first use
import sys

# Constructs that are syntax errors in Python 3 but were ordinary Python 2. Checked on the code only
# (strings and comments blanked: '/bench/xpathi-01/' holds no octal literal), on the error line first,
# then anywhere, and only ever on files the host parser already rejected.
_PY2_MARKERS = (
    (re.compile(r"^[ \t]*print(?:[ \t]+[\"'\w]|[ \t]*>>)", re.M), "a print statement"),
    (re.compile(r"^[ \t]*exec[ \t]+[\"'\w]", re.M), "an exec statement"),
    # `except E, e:` binds a name; `except ValueError, TypeError:` is PEP 758 (Python 3.14): two classes
    (re.compile(r"\bexcept[ \t]+[\w.]+[ \t]*,[ \t]*[a-z_][a-z0-9_]*[ \t]*:"), "'except E, name:'"),
    (re.compile(r"^[ \t]*raise[ \t]+[\w.]+[ \t]*,", re.M), "'raise E, message'"),
    (re.compile(r"(?<![\w.])\d+[lL](?!\w)"), "a long-integer suffix"),
    (re.compile(r"(?<!\w)ur[\"']", re.I), "a ur'' string prefix"),
    (re.compile(r"(?<![\w.])0[0-7]*[1-7][0-7]*(?![\w.])"), "an old-style octal literal"),
    (re.compile(r"`"), "a backtick repr"),
    (re.compile(r"<>"), "the <> operator"),
)

# Syntax newer than some supported Python: (pattern on the code-only text, what, the Python that has it).
_NEWER = (
    (re.compile(r"\bexcept[ \t]*\*"), "PEP 654 except*", (3, 11)),
    (re.compile(r"^[ \t]*type[ \t]+\w+[ \t]*[\[=]", re.M), "PEP 695 type alias", (3, 12)),
    (re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+\w+[ \t]*\[", re.M), "PEP 695 generics", (3, 12)),
    (re.compile(r"(?<!\w)(?:[rR]?[fF]|[fF][rR])[\"']"), "PEP 701 f-string", (3, 12)),
    (re.compile(r"\bexcept[ \t]+[\w.]+(?:[ \t]*,[ \t]*[\w.]+)+[ \t]*:"), "PEP 758 except without parentheses",
     (3, 14)),
    (re.compile(r"(?<!\w)(?:[rR]?[tT]|[tT][rR])[\"']"), "PEP 750 template string", (3, 14)),
)

_QUOTE = re.compile(r"(?i)(?<!\w)(?:[rbuft]|br|rb|ur|fr|rf|tr|rt)?('''|\"\"\"|'|\")|#")


def code_only(text: str) -> str:
    """The text with the insides of strings and comments blanked (quotes, prefixes and newlines kept), so
    patterns for code never match inside a literal. Linear; tolerant of unterminated strings."""
    out: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _QUOTE.search(text, pos)
        if m is None:
            out.append(text[pos:])
            break
        out.append(text[pos:m.end()])
        quote = m.group(1)
        if quote is None:  # a comment runs to the end of its line
            end = text.find("\n", m.end())
            end = n if end < 0 else end
        else:
            end = m.end()
            while end < n and not text.startswith(quote, end) and not (text[end] == "\n" and len(quote) == 1):
                end += 2 if text[end] == "\\" else 1
            end = min(end, n)
        out.append(re.sub(r"[^\n]", " ", text[m.end():end]))
        if quote is not None and text.startswith(quote, end):
            out.append(quote)
            end += len(quote)
        pos = end
    return "".join(out)


def _first(patterns, code: str, line: int | None):
    """(what..., line) of the first pattern that matches, on `line` first, then anywhere."""
    lines = code.splitlines()
    if line and 0 < line <= len(lines):
        for pattern, *what in patterns:
            if pattern.search(lines[line - 1]):
                return (*what, line)
    for pattern, *what in patterns:
        m = pattern.search(code)
        if m:
            return (*what, code.count("\n", 0, m.start()) + 1)
    return None


def python2_marker(text: str, line: int | None = None) -> tuple[str, int] | None:
    """(what, line) of the first Python 2 construct, preferring one on `line`."""
    return _first(_PY2_MARKERS, code_only(text), line)


def newer_syntax(text: str, line: int | None = None) -> tuple[str, tuple[int, int], int] | None:
    """(what, the Python that has it, line) of syntax newer than the host Python, on the error line
    first: what a user must know to pick the Python to run us under."""
    code = code_only(text)
    lines = code.splitlines()
    candidates = [lines[line - 1]] if line and 0 < line <= len(lines) else []
    for scope in candidates + [code]:
        for pattern, what, version in _NEWER:
            if scope is code and what == "PEP 701 f-string":
                continue  # f-strings are everywhere: only the line the parser stopped at says PEP 701
            m = pattern.search(scope)
            if m and version > sys.version_info[:2]:
                at = line if scope is not code else code.count("\n", 0, m.start()) + 1
                return what, version, at
    return None


def newer_note(text: str, line: int | None) -> tuple[str, str] | None:
    """(reason, needed version) when the file uses syntax newer than the host Python."""
    found = newer_syntax(text, line)
    if found is None:
        return None
    what, version, at = found
    needed = f"{version[0]}.{version[1]}"
    host = f"{sys.version_info.major}.{sys.version_info.minor}"
    return (f"uses {what} (Python {needed}) at line {at}, which the Python {host} parser cannot read; "
            f"run backend-audit under Python {needed} or newer to analyse it"), needed


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


_MINIMUM = re.compile(r"(?:>=|~=|==)\s*(\d+)\.(\d+)|>\s*(\d+)\.(\d+)")


def minimum_python(requires: str | None) -> tuple[int, int] | None:
    """The lowest Python a `requires-python` specifier admits (">=3.14", "~=3.12.1", ">3.11" -> 3.12)."""
    if not isinstance(requires, str):
        return None
    found = []
    for m in _MINIMUM.finditer(requires):
        if m.group(1):
            found.append((int(m.group(1)), int(m.group(2))))
        else:
            found.append((int(m.group(3)), int(m.group(4)) + 1))
    return max(found) if found else None


def version_notice(requires: str | None, needed: list[str], skipped: int) -> dict | None:
    """One notice when the host Python is older than the project's or its files' syntax: said once, at
    the top, with what to do, instead of N skip reasons the user has to add up."""
    host = sys.version_info[:2]
    minimum = minimum_python(requires)
    versions = sorted({tuple(int(x) for x in v.split(".")) for v in needed if v != "newer"})
    want = max([*versions, *([minimum] if minimum else [])], default=None)
    if not skipped and (minimum is None or minimum <= host):
        return None
    host_text = f"{host[0]}.{host[1]}"
    parts = []
    if minimum and minimum > host:
        parts.append(f"this project requires Python {requires.strip()} (requires-python) and backend-audit runs "
                     f"under Python {host_text}")
    if skipped:
        parts.append(f"{skipped} file{'s' if skipped != 1 else ''} use{'s' if skipped == 1 else ''} syntax newer "
                     f"than Python {host_text} and could not be analysed")
    advice = (f"run backend-audit under Python {want[0]}.{want[1]} or newer" if want
              else "run backend-audit under a newer Python")
    return {"id": "BA-PYTHON", "level": "warning", "message": "; ".join(parts) + f": {advice}",
            "host": host_text, "requires": requires, "newer_syntax_skipped": skipped}
