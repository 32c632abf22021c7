"""`names`: every identifier a file's code and strings mention, but for the name of a `def NAME`.

What the project step asks of it (model/uncalled.py) is whether anything could refer to a function: a call,
a callback passed by name, `getattr(obj, "name")`, `"pkg.views.name"` in settings or urls, `__all__`, a
decorator, a docstring. Any mention in code or a string counts, so the fact errs towards "referenced":
dynamic dispatch exists and a function wrongly called dead would hide a real finding. Comments do not count:
a commented-out call runs nothing, and a comment edited must not change the facts (the project pass's
record is kept while the facts stay the same).

One regex pass over the text the runner already holds, no walk (0.36 s over netbox's 250 kLOC): a
`def NAME` match is consumed whole and yields no name, so a definition is not a reference to itself (a
recursive call still is).
"""

from __future__ import annotations

import keyword

from ..checks.base import FileContext
from ..checks.lazy_re import re  # compiled on first use

# A `def NAME` or a comment is consumed whole and yields "" (no group); a one-line string holding a `#` is
# taken whole, so its `#` does not start a comment, and its names are read apart (rare); anything else that
# starts a match is an identifier. A `#` inside a string spanning lines still ends that line's names: only
# those of a docstring or a text block in practice.
# (a string's text before its first `#` excludes `#`: with `[^"\n]*#` a quote followed by a long run of `#` and no
# closing quote backtracked quadratically, minutes for one hostile line)
_NAME = re.compile(r"""def\s+[A-Za-z_]\w*|#[^\n]*|([A-Za-z_]\w*|"[^"\n#]*#[^"\n]*"|'[^'\n#]*#[^'\n]*')""")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_KEYWORDS = frozenset(keyword.kwlist)


class ReferencesCollector:
    """Fills facts["names"] (sorted), on every parsed file: test files refer to code too."""

    def __init__(self, ctx: FileContext) -> None:
        names = set(_NAME.findall(ctx.text))
        for quoted in [n for n in names if n[:1] in ("'", '"')]:
            names.discard(quoted)
            names.update(_IDENTIFIER.findall(quoted))
        names.discard("")
        ctx.facts["names"] = sorted(names - _KEYWORDS)
