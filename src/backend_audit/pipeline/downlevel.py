"""Read newer syntax on an older host by rewriting it to the older form that means the same.

A project on Python 3.14 writes `except A, B:`; one on 3.12 writes `type Alias = ...` and `def f[T]()`.
Run under an older Python, `ast.parse` rejects the whole file, and a rejected module is a hole in the
project model: a FastAPI dependency module skipped this way made every endpoint's auth "unknown".
These three forms have an exact older spelling for what the analysis reads (which exceptions a handler
catches, what a name is bound to, a function's parameters and body), so the text is rewritten token by
token and parsed again. Columns are kept wherever the rewrite allows (removed type parameters become
spaces); line numbers never move. Anything the rewrite does not cover (PEP 701 f-strings, template
strings) still fails the parse and is reported as before.
"""

from __future__ import annotations

import io
import tokenize

from ..records import dataclass

_STATEMENT_START = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}


@dataclass(frozen=True)
class Rewrite:
    """Newer syntax rewritten to an older spelling the host's parser accepts."""
    text: str
    what: tuple[str, ...]  # the constructs rewritten, for the record


def rewrite(text: str) -> Rewrite | None:
    """The text with PEP 758 and PEP 695 forms spelled the older way, or None when there is nothing to
    rewrite or the text does not even tokenize."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                  if t.type not in (tokenize.COMMENT, tokenize.NL)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    edits: list[tuple[tuple[int, int], tuple[int, int], str]] = []
    what: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME:
            continue
        starts = i == 0 or tokens[i - 1].type in _STATEMENT_START or tokens[i - 1].string == ";"
        if tok.string == "except" and starts:
            if _except_list(tokens, i, edits):
                what.add("PEP 758 except without parentheses")
        elif tok.string == "type" and starts and _is_type_alias(tokens, i):
            _type_alias(tokens, i, edits)
            what.add("PEP 695 type alias")
        elif tok.string in ("def", "class") and _next(tokens, i + 1, "NAME") and _at(tokens, i + 2, "["):
            end = _closing(tokens, i + 2)
            if end is None:
                return None
            edits.append((tokens[i + 2].start, tokens[end].end, ""))
            what.add("PEP 695 generics")
    if not edits:
        return None
    return Rewrite(_apply(text, edits), tuple(sorted(what)))


def _at(tokens, i: int, string: str) -> bool:
    return i < len(tokens) and tokens[i].type == tokenize.OP and tokens[i].string == string


def _next(tokens, i: int, kind: str) -> bool:
    return i < len(tokens) and tokenize.tok_name[tokens[i].type] == kind


def _closing(tokens, i: int) -> int | None:
    """Index of the bracket closing the one at `i`."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].type == tokenize.OP and tokens[j].string in "([{":
            depth += 1
        elif tokens[j].type == tokenize.OP and tokens[j].string in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return None


def _except_list(tokens, i: int, edits: list) -> bool:
    """`except A, B:` (or `except* A, B:`) -> `except(A, B):`. PEP 758 allows the bare list only without
    `as`, so a top-level comma before the colon and no `as` is exactly the new form."""
    j = i + 1
    if _at(tokens, j, "*"):
        j += 1
    first = j
    depth = 0
    comma = False
    while j < len(tokens):
        tok = tokens[j]
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif depth == 0 and tok.type == tokenize.OP and tok.string == ",":
            comma = True
        elif depth == 0 and tok.type == tokenize.NAME and tok.string == "as":
            return False
        elif depth == 0 and tok.type == tokenize.OP and tok.string == ":":
            break
        elif tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            return False
        j += 1
    if not comma or j >= len(tokens) or first >= j:
        return False
    last = tokens[first:j]
    if (len(last) == 3 and last[1].string == "," and last[2].type == tokenize.NAME
            and last[2].string.islower() and last[2].string.isidentifier()):
        return False  # `except E, e:` is Python 2's binding form (a class is not named in lower case)
    start = tokens[first].start
    before = tokens[first - 1].end
    if before[0] == start[0] and start[1] > before[1]:  # the space before the list becomes "(": columns kept
        edits.append(((start[0], start[1] - 1), start, "("))
    else:
        edits.append((start, start, "("))
    colon = tokens[j].start
    edits.append((colon, colon, ")"))
    return True


def _is_type_alias(tokens, i: int) -> bool:
    """`type X = ...` or `type X[T] = ...`: the soft keyword, not a name called `type`."""
    if not _next(tokens, i + 1, "NAME"):
        return False
    if _at(tokens, i + 2, "="):
        return True
    if _at(tokens, i + 2, "["):
        end = _closing(tokens, i + 2)
        return end is not None and _at(tokens, end + 1, "=")
    return False


def _type_alias(tokens, i: int, edits: list) -> None:
    """`type X[T] = v` -> `X = v`: what the analysis needs is the name and the value it stands for."""
    edits.append((tokens[i].start, tokens[i + 1].start, ""))
    if _at(tokens, i + 2, "["):
        end = _closing(tokens, i + 2)
        edits.append((tokens[i + 2].start, tokens[end].end, ""))


def _apply(text: str, edits: list) -> str:
    """Apply (start, end, replacement) edits given as (row, col) token positions. A removed span on one
    line becomes spaces when the replacement is empty and nothing depends on the line's indentation, so
    columns after it stay where they were."""
    lines = text.splitlines(keepends=True)
    for (srow, scol), (erow, ecol), new in sorted(edits, reverse=True):
        if srow != erow:  # a type parameter list over several lines: join, then pad the line count back
            joined = lines[srow - 1][:scol] + new + lines[erow - 1][ecol:]
            lines[srow - 1:erow] = [joined] + ["\n"] * (erow - srow)
            continue
        line = lines[srow - 1]
        removed = line[scol:ecol]
        if not new and line[:scol].strip():
            new = " " * len(removed)
        lines[srow - 1] = line[:scol] + new + line[ecol:]
    return "".join(lines)
