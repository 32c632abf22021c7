"""The source lines around each finding, read back from the scanned tree for the HTML report.

Only the lines a report shows are kept (a few around each flagged span), once per file, so 20,000
findings in a handful of big files cost a few hundred kilobytes, not a copy of the tree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import field
from pathlib import Path
from typing import Iterable

from ..config import Settings
from ..pipeline.source import SkipFile, decode_source
from ..records import dataclass
from ..untrusted.files import InputError, read_bounded

# A minified or generated line can be megabytes long; the report shows its start only.
MAX_LINE_CHARS = 400


@dataclass
class FileLines:
    """The lines of a file that findings quote, or why they cannot be shown."""
    lines: dict[int, str] = field(default_factory=dict)  # 1-based line number -> text (no newline)
    error: str = ""  # why the source could not be shown, when it could not


def _split_lines(text: str) -> list[str]:
    # The parsers count only \n, \r\n and \r as line ends; str.splitlines() also splits on \f, \x1c,
    # U+2028... and would shift every later line number against the findings.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _read(root: Path, rel: str, settings: Settings) -> list[str] | str:
    """The file's lines, or a one-line reason why they cannot be shown."""
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        return "the path lies outside the scanned root"
    try:
        # non-blocking and regular files only: the file may have been swapped for a FIFO since discovery
        data = read_bounded(path, settings.max_file_size)
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    except InputError as exc:
        return f"the file {exc}"
    try:
        return _split_lines(decode_source(rel, data, settings).text)
    except SkipFile as exc:
        return str(exc)


def context_lines(root: str, spans: Iterable[tuple[str, int, int]], context: int = 2,
                  settings: Settings | None = None) -> dict[str, FileLines]:
    """For (path, first line, last line) spans: the lines from `context` before to `context` after."""
    settings = settings or Settings()
    wanted: dict[str, set[int]] = defaultdict(set)
    for path, first, last in spans:
        # A span over hundreds of lines (a whole function) is shown by its head and tail only.
        last = max(first, last)
        if last - first > 2 * context + 4:
            wanted[path].update(range(max(1, first - context), first + context + 1))
            wanted[path].update(range(last - context, last + context + 1))
        else:
            wanted[path].update(range(max(1, first - context), last + context + 1))
    root_path = Path(root).resolve()
    out: dict[str, FileLines] = {}
    for path in sorted(wanted):
        lines = _read(root_path, path, settings)
        if isinstance(lines, str):
            out[path] = FileLines(error=lines)
            continue
        keep = {}
        for n in sorted(wanted[path]):
            if 1 <= n <= len(lines):
                text = lines[n - 1]
                keep[n] = text if len(text) <= MAX_LINE_CHARS else text[:MAX_LINE_CHARS] + "…"
        out[path] = FileLines(lines=keep)
    return out
