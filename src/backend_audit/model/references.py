"""`names`: every identifier a file's text mentions anywhere but in `def NAME` (code, strings, comments).

What the project step asks of it (model/uncalled.py) is whether anything could refer to a function: a call,
a callback passed by name, `getattr(obj, "name")`, `"pkg.views.name"` in settings or urls, `__all__`, a
decorator, even a comment. Any textual mention counts, so the fact errs towards "referenced": dynamic
dispatch exists and a function wrongly called dead would hide a real finding.

One regex pass over the text the runner already holds, no walk: a `def NAME` match is consumed whole and
yields no name, so a definition is not a reference to itself (a recursive call still is).
"""

from __future__ import annotations

import keyword

from ..checks.base import FileContext
from ..checks.lazy_re import re  # compiled on first use

# the first alternative has no group: findall yields "" for it, so a definition's name is never collected
_NAME = re.compile(r"def\s+[A-Za-z_]\w*|([A-Za-z_]\w*)")
_KEYWORDS = frozenset(keyword.kwlist)


class ReferencesCollector:
    """Fills facts["names"] (sorted), on every parsed file: test files refer to code too."""

    def __init__(self, ctx: FileContext) -> None:
        names = set(_NAME.findall(ctx.text))
        names.discard("")
        ctx.facts["names"] = sorted(names - _KEYWORDS)
