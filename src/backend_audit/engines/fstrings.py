"""PEP 701 f-strings respelled, through libcst, so an older host's `ast.parse` reads the file.

Python 3.12 lets an f-string's replacement fields hold the f-string's own quote and backslashes
(`f"{row["name"]}"`, `f"{'\\n'.join(lines)}"`); Python 3.11's parser rejects the whole file, and a rejected
module is a hole in the project model (a views module skipped this way left every one of its routes'
auth "cannot be told"). The tokenizer of an older host cannot even split such a line, so the respelling
works on libcst's tree, whose grammar has PEP 701: inside a replacement field each string literal takes a
quote that no enclosing f-string uses, and a literal there whose text holds a backslash or that quote is
read as blanks of the same length. Every respelling keeps the text's length, so lines and columns of the
tree are the file's own; the blanked constants are the only change in meaning, and checks never read a
constant inside a replacement field for a verdict (a `"\\n".join(...)` separator, a dict key). What the
respelling cannot express (a third level of nested quotes, a comment or a line break inside a
single-quoted f-string's field) still fails the parse and the file is reported as before.

libcst's native parser runs only in a worker process (pipeline/runner.py), like the rest of the grammar
fallback.
"""

from __future__ import annotations

import re

import libcst as cst

_PREFIX = re.compile(r"^[A-Za-z]*")
_QUOTES = ('"', "'")


def respell(text: str) -> str | None:
    """The text with every PEP 701-only f-string spelled the Python 3.8-3.11 way, or None when libcst
    cannot parse it or nothing needed respelling."""
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError):
        return None
    requote = _Requote()
    try:
        new = module.visit(requote)
    except RecursionError:
        return None
    if not requote.changed:
        return None
    code = new.code
    return code if len(code) == len(text) else None


def _split(value: str) -> tuple[str, str, str]:
    """(prefix, quote, body) of a string literal's source."""
    prefix = _PREFIX.match(value).group(0)
    rest = value[len(prefix):]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    return prefix, quote, rest[len(quote):len(rest) - len(quote)]


def _blank(body: str) -> str:
    return re.sub(r"[^\n]", " ", body)


class _Requote(cst.CSTTransformer):
    """Gives each string literal inside a replacement field a quote its enclosing f-strings leave free."""

    def __init__(self) -> None:
        super().__init__()
        self.enclosing: list[str] = []  # quotes of the f-strings whose replacement field we are in
        self.chosen: list[str] = []  # the quote picked for each f-string being visited
        self.changed = False

    def _pick(self, quote: str, body: str) -> tuple[str, bool]:
        """(quote to use, whether the body must be blanked) for a literal inside the current fields."""
        taken = {q for q in self.enclosing if len(q) == 1}
        taken_triple = {q for q in self.enclosing if len(q) == 3}
        if quote not in taken and quote not in taken_triple:
            free = quote
        else:
            options = [q * len(quote) for q in _QUOTES if q not in taken and q * len(quote) not in taken_triple]
            free = options[0] if options else quote
        blank = "\\" in body or any(q in body for q in taken) or any(q in body for q in taken_triple) \
            or free[0] in body
        return free, blank

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString) -> cst.SimpleString:
        if not self.enclosing:
            return updated
        prefix, quote, body = _split(updated.value)
        free, blank = self._pick(quote, body)
        if free == quote and not blank:
            return updated
        self.changed = True
        return updated.with_changes(value=prefix + free + (_blank(body) if blank else body) + free)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        prefix = _PREFIX.match(node.start).group(0)
        quote = node.start[len(prefix):]
        free = self._pick(quote, "")[0] if self.enclosing else quote
        self.chosen.append(free)

    def visit_FormattedStringExpression(self, node: cst.FormattedStringExpression) -> None:
        self.enclosing.append(self.chosen[-1])

    def leave_FormattedStringExpression(self, original: cst.FormattedStringExpression,
                                        updated: cst.FormattedStringExpression) -> cst.FormattedStringExpression:
        self.enclosing.pop()
        return updated

    def leave_FormattedStringText(self, original: cst.FormattedStringText,
                                  updated: cst.FormattedStringText) -> cst.FormattedStringText:
        # the text of an f-string nested in a field: `self.enclosing` holds the outer quotes and this
        # string's own quote (it is on `chosen`, not on `enclosing`, while its text is visited)
        if not self.enclosing:
            return updated
        own = self.chosen[-1]
        body = updated.value
        if "\\" in body or any(q[0] in body for q in self.enclosing) or own in body:
            self.changed = True
            return updated.with_changes(value=_blank(body))
        return updated

    def leave_FormattedString(self, original: cst.FormattedString,
                              updated: cst.FormattedString) -> cst.FormattedString:
        free = self.chosen.pop()
        prefix = _PREFIX.match(updated.start).group(0)
        quote = updated.start[len(prefix):]
        if free == quote:
            return updated
        self.changed = True
        return updated.with_changes(start=prefix + free, end=free)
