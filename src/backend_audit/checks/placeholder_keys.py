"""BA-SEC-001 `well-known-default`, two more shapes of a signing key nobody chose: the word that says a value
is still to be filled in (`SECRET_KEY: str = "PLACEHOLDER"`, blind set W), and a pydantic settings class
the module itself instantiates (`settings = Settings()`): the class's field default is what the app runs
with when the environment does not set it, as a Flask config object's value is once `from_object` loads it."""

from __future__ import annotations

import ast

from .lazy_re import re  # compiled on first use

# the words of a value left to be filled in (not `fillmein`-style words a refusal names by a constant: the
# file check compares only literals with the refusals it sees)
_TO_FILL = re.compile(r"(?i)^(place[-_ ]?holder|to[-_ ]?be[-_ ]?(set|replaced|changed)|set[-_ ]?me|"
                      r"generate[-_ ]?(me|one|your[-_ ]?own))$")


def placeholder_word(literal: str) -> bool:
    return bool(_TO_FILL.match(literal.strip()))


def instantiated_here(tree: ast.AST | None, cls: str) -> bool:
    """Whether the module calls the class by name (`settings = Settings()`, `return Settings()` in a cached
    getter): the module builds the configuration the app reads."""
    if tree is None or not cls:
        return False
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == cls for n in ast.walk(tree))
