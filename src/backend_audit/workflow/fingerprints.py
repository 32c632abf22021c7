"""GitHub's `primaryLocationLineHash`, computed here so CLI output, API uploads and upload-sarif agree.

GitHub code scanning matches an alert across pushes by rule id + path + this hash. upload-sarif only
fills it in when the field is missing, and API uploads never do, so we compute it ourselves with the
same algorithm (github/codeql-action src/fingerprints.ts, re-implemented from its description in
docs/sarif.md):

* the file is read as UTF-8 (invalid bytes become U+FFFD, a BOM is kept as a character), CRLF and
  lone CR become LF, spaces and tabs are dropped;
* the remaining characters are walked as UTF-16 code units (a non-BMP character is two), followed by
  one 65535 (end of file) and then zeros;
* a line's hash is the polynomial rolling hash, base 37, unsigned 64-bit wraparound, of the 100 units
  that start at the line's first kept unit (so it spans the following lines, not the preceding ones);
* it is written as lowercase hex without leading zeros plus `:k`, where k counts the lines so far
  (this one included) with the same hex value.

Line numbers count LF, CRLF and lone CR only, exactly like Python's tokenizer, so they agree with the
lines libcst and ast report.
"""

from __future__ import annotations

from pathlib import Path

from ..untrusted.files import InputError, inside, read_bounded

BLOCK_SIZE = 100
_BASE = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_BASE, BLOCK_SIZE, 1 << 64)  # weight of the unit leaving the window
_EOF = 65535
_SKIPPED = frozenset((" ", "\t"))


def _units(text: str) -> tuple[list[int], list[int]]:
    """The kept UTF-16 code units (EOF marker included) and the index where each line starts in them."""
    units: list[int] = []
    starts: list[int] = []
    line_start = True
    prev_cr = False
    for ch in text:
        if ch in _SKIPPED or (prev_cr and ch == "\n"):
            # A space between CR and LF ends the CRLF pair, as in the reference implementation.
            prev_cr = False
            continue
        prev_cr = ch == "\r"
        if line_start:
            starts.append(len(units))
            line_start = False
        code = ord(ch)
        if prev_cr or code == 10:
            units.append(10)
            line_start = True
        elif code > 0xFFFF:
            code -= 0x10000
            units.append(0xD800 + (code >> 10))
            units.append(0xDC00 + (code & 0x3FF))
        else:
            units.append(code)
    if line_start:
        # The end-of-file marker opens a (phantom) last line when the text ends with a newline or is empty.
        starts.append(len(units))
    units.append(_EOF)
    return units, starts


def line_hashes(text: str, upto: int | None = None) -> list[str]:
    """`primaryLocationLineHash` for every line of `text`: element i is line i + 1.

    With `upto`, stop after that line (later lines cannot change earlier hashes). The list has one
    more entry than the file has lines when the text ends with a newline: GitHub hashes that phantom
    line too, and it takes part in the `:k` counts of nothing before it.
    """
    units, starts = _units(text)
    if upto is not None:
        starts = starts[:max(upto, 0)]
    if not starts:
        return []
    end = starts[-1] + BLOCK_SIZE
    units.extend([0] * max(0, end - len(units)))
    wanted = {s + BLOCK_SIZE - 1: n for n, s in enumerate(starts)}  # last unit of each line's window -> line
    hashes: list[str] = [""] * len(starts)
    seen: dict[str, int] = {}
    h = 0
    for i in range(end):
        leaving = units[i - BLOCK_SIZE] if i >= BLOCK_SIZE else 0
        h = (h * _BASE + units[i] - _FIRST_MOD * leaving) & _MASK
        line = wanted.get(i)
        if line is not None:
            value = format(h, "x")
            seen[value] = seen.get(value, 0) + 1
            hashes[line] = f"{value}:{seen[value]}"
    return hashes


MAX_HASHED_BYTES = 64 * 1024 * 1024


def read_for_hash(path: Path, root: Path | None = None) -> str:
    """The file as GitHub's hasher sees it: UTF-8 whatever the coding cookie says, BOM kept. A finding may
    point at any file of the tree (`.env`, a Dockerfile): with `root`, one that leads out of the tree, is
    not a regular file (a FIFO would block, /dev/zero never end) or is huge raises OSError, no hash."""
    if root is not None and not inside(path, root):
        raise OSError(f"{path} leads outside the scanned root")
    try:
        data = read_bounded(path, MAX_HASHED_BYTES)
    except InputError as exc:
        raise OSError(str(exc)) from None
    return data.decode("utf-8", errors="replace")


class LineHasher:
    """Hashes each file once per report, only as far as the deepest line a result needs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, list[str] | None] = {}

    def prepare(self, needs: dict[str, int]) -> None:
        """`needs`: relative path -> highest line asked for."""
        for rel, upto in needs.items():
            try:
                text = read_for_hash(self.root / rel, self.root)
            except OSError:
                self._cache[rel] = None
                continue
            self._cache[rel] = line_hashes(text, upto)

    def get(self, rel: str, line: int) -> str | None:
        """The hash of `line` (1-based) in `rel`, or None when the file or line cannot be read."""
        if rel not in self._cache:
            self.prepare({rel: line})
        hashes = self._cache.get(rel)
        if not hashes or line < 1 or line > len(hashes):
            return None
        return hashes[line - 1]
