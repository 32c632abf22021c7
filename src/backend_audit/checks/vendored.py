"""Code another project wrote, kept in this repository: a copy under `vendor/` or `third_party/`, or a module
whose header names a copyright holder under a licence other than the repository's own (the TensorFlow
authors' Apache header in an AGPL project). Its shape is upstream's: splitting it only makes the copy drift
from the code it tracks, so the maintainability rules report it as a note.

The header is read per file (facts); the repository's own licence only by the project pass, from its licence
file, so a module's findings wait for it (`DEFERRED_VENDORED`)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from ..findings import Finding
from ..untrusted.files import read_small_text
from .base import ProjectCheck, deferred_findings
from .lazy_re import re  # compiled on first use

# maintainability findings of a module whose header names another holder, left for the project pass
DEFERRED_VENDORED = "licensed_quality"
# the fact holding that header: {"licence": family, "holder": name}
HEADER_FACT = "licence_header"

_VENDOR_DIRS = frozenset({"vendor", "vendored", "_vendor", "third_party", "thirdparty", "third-party", "externals",
                          "_external"})
# `Copyright 2017 The TensorFlow Authors`, `Copyright (c) 2010-2015, Jane Doe`: a year, then the holder
# The holder starts with a non-blank and each optional tail part with its mark, so a blank run splits one way only:
# `\s+(?P<holder>[^\n]...)\s*\.?\s*` made a header line of blanks backtrack for minutes (the scanned file is hostile).
_COPYRIGHT = re.compile(r"(?im)^[#*\s]*Copyright\s+(?:\(c\)\s*|©\s*)?\d{4}(?:\s*[-,]\s*\d{4})*,?\s+"
                        r"(?P<holder>\S[^\n]{2,79}?)(?:\s*\.)?(?:\s*All rights reserved\.?)?\s*$")
# licence families by the words of their grant or notice (the AGPL and LGPL before the GPL they contain)
_LICENCES = (("agpl", re.compile(r"(?i)GNU\s+AFFERO")), ("lgpl", re.compile(r"(?i)GNU\s+LESSER")),
             ("gpl", re.compile(r"(?i)GNU\s+GENERAL\s+PUBLIC")), ("apache", re.compile(r"(?i)Apache\s+License")),
             ("mpl", re.compile(r"(?i)Mozilla\s+Public\s+License")),
             ("mit", re.compile(r"(?i)Permission\s+is\s+hereby\s+granted,\s+free\s+of\s+charge|\bMIT\s+License")),
             ("bsd", re.compile(r"(?i)Redistribution\s+and\s+use\s+in\s+source\s+and\s+binary")))
_HEADER_LINES = 40
_LICENCE_FILES = ("LICENSE", "LICENCE", "COPYING", "LICENSE.txt", "LICENSE.md", "LICENCE.txt", "LICENCE.md",
                  "COPYING.txt", "LICENSE.rst")


def vendor_dir(path: str) -> str:
    """The vendor folder a file sits in (`vendor`, `third_party`), or ""."""
    return next((p for p in PurePosixPath(path).parts[:-1] if p.lower() in _VENDOR_DIRS), "")


def licence_family(text: str) -> str:
    """The licence a licence file states: the one named first (the MPL's text names the GPL further down)."""
    found = [(m.start(), i, name) for i, (name, words) in enumerate(_LICENCES) if (m := words.search(text))]
    return min(found)[2] if found else ""


def header_licence(lines: list[str]) -> dict[str, Any] | None:
    """The licence header opening a module: a copyright line naming a holder and the licences its words name
    (comment markers left out, so a notice wrapped over lines reads whole); None without both."""
    head = "\n".join(_COMMENT_MARK.sub("", line) for line in lines[:_HEADER_LINES])
    holders = [m.group("holder").strip() for m in _COPYRIGHT.finditer(head)]
    families = [name for name, words in _LICENCES if words.search(head)] if holders else []
    return {"licences": families, "holder": holders[0], "holders": holders} if families else None


# a holder that is another project's collective or an organisation (`The TensorFlow Authors`, `Dropbox, Inc`):
# blind reviewers kept the complexity of modules headed by one person's name (khoj's orgnode, securedrop's
# python-gnupg fork) as the project's to split
_COLLECTIVE = re.compile(r"(?i)\b(?:authors|contributors|developers|project|foundation|inc|llc|ltd|gmbh|corporation|"
                         r"corp|limited)\b")


def _holder_key(holder: str) -> str:
    """A holder as written in different headers (`Jane Doe <jane@x.org>`, `Jane Doe.`): lower case, words only."""
    return " ".join(re.sub(r"<[^>]*>|\([^)]*\)|[^\w\s]", " ", holder.lower()).split())


def record_header(ctx: Any) -> dict[str, Any] | None:
    """The module's licence header, kept in its facts for the project pass (every module's: the pass learns the
    repository's own holders from them); read once per file whichever maintainability rule asks."""
    if HEADER_FACT not in ctx.facts:
        ctx.facts[HEADER_FACT] = header_licence(ctx.lines)
    return ctx.facts[HEADER_FACT]


_COMMENT_MARK = re.compile(r"^\s*(?:#+|\*+|//)?\s?")


def project_licence(project: Any) -> str:
    """The family of the repository's own licence, from its licence file at the root; "" when none reads."""
    def read() -> str:
        for name in _LICENCE_FILES:
            text = read_small_text(Path(project.root) / name, 128 * 1024)  # the GPL texts are 35 kB
            if text:
                return licence_family(text[:4000])
        return ""
    return project.memo("project_licence", read)


class VendoredQuality(ProjectCheck):
    """BA-QUAL-001's warnings and errors in a module whose header names a holder under a licence other than
    the repository's: a note naming the header; kept as they were otherwise (same licence, or none known)."""

    RULE_ID = "BA-QUAL-001"
    # reads the root's licence file, not other modules: a file subset gives the same answer
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = [f for f in deferred_findings(project, DEFERRED_VENDORED) if f.rule_id == self.RULE_ID]
        if not deferred:
            return []
        own = project_licence(project)
        # holders the repository's own licence headers name are its own authors, whatever else they license
        own_holders = project.memo("own_licence_holders", lambda: {
            _holder_key(holder) for path in sorted(project.facts)
            if (h := project.facts[path].get(HEADER_FACT)) and own in (h.get("licences") or ())
            for holder in h.get("holders") or ()})
        for finding in deferred:
            header = project.facts.get(finding.path, {}).get(HEADER_FACT) or {}
            licences = header.get("licences") or []
            # a header that also states the repository's own licence is the project's (a fork it maintains)
            # a header listing the project's own author among upstream's (a module carried on from upstream)
            # is the project's as well
            if own and licences and own not in licences and _COLLECTIVE.search(header["holder"]) and \
                    not any(_holder_key(h) in own_holders for h in header.get("holders") or ()):
                finding.level = "note"
                finding.message += (f" (vendored: the header names {header['holder'][:60]} under the "
                                    f"{licences[0].upper()} licence, not this repository's "
                                    f"{own.upper()}; upstream's code, a copy to keep in step rather than split)")
        return deferred


class VendoredMaintainability(VendoredQuality):
    RULE_ID = "BA-QUAL-002"
