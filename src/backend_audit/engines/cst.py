"""libcst as the grammar fallback for files the host Python's parser rejects.

Every check runs on the stdlib ast tree (engines/ast_walk.py). libcst's own parser knows the grammar of
several Python versions, so when `ast.parse` refuses a file it tells "valid Python, only newer than this
interpreter" (the user can act: run under a newer Python) apart from a real syntax error. It is imported
only for such files.
"""

from __future__ import annotations

import libcst as cst


class CstParseError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        raise CstParseError(f"syntax error at line {exc.raw_line}: {first}", exc.raw_line) from None
    except cst.CSTValidationError as exc:  # parsed, but not a valid tree: b"x" "y" (found by fuzzing)
        raise CstParseError(f"invalid syntax: {exc}", None) from None
    except RecursionError:
        raise CstParseError("code nested too deeply for the parser", None) from None
