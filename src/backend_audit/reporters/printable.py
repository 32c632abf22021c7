"""Text from the scanned repository (file names, messages quoting its code, route paths, checklist items)
made safe to print on a terminal or in a CI log.

A file name can hold a newline, an ANSI/OSC escape or a bidi override; printed raw it moves the cursor,
retitles the terminal, hides text, or starts a new log line that GitHub Actions reads as a workflow
command (`::error ...`, `::add-mask::`, `::stop-commands::`, the legacy `##[error]`). GitHub trims
leading whitespace before it looks for a command, so indenting is not enough.
"""

from __future__ import annotations

import re

# C0 (tab and newline included: a name is one line), DEL, C1 (0x9b is a one-byte CSI), the Unicode line and
# paragraph separators, the bidi embeddings, overrides and isolates (Trojan Source), and the BOM.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_COMMAND_START = re.compile(r"^(\s*)(::|##\[)")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: object) -> str:
    """One printable line: every control or invisible-direction character shown as \\xNN or \\uNNNN."""
    return _UNSAFE.sub(_escape, str(text))


def neutral_start(line: str) -> str:
    """A log line that cannot be read as a workflow command: a leading `::` or `##[` gets its first
    character escaped."""
    m = _COMMAND_START.match(line)
    if m is None:
        return line
    i = m.start(2)
    return f"{line[:i]}\\x{ord(line[i]):02x}{line[i + 1:]}"


def log_line(text: object) -> str:
    return neutral_start(clean(text))


def text_block(text: str) -> str:
    """A multi-line report (checklist, endpoints) line by line: each line cleaned and neutralised; the line
    breaks between them kept."""
    ends_with_newline = text.endswith("\n")
    lines = text[:-1].split("\n") if ends_with_newline else text.split("\n")
    out = "\n".join(log_line(line.replace("\t", "    ")) for line in lines)
    return out + "\n" if ends_with_newline else out
