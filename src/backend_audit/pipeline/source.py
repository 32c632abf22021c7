"""Bytes to text, with the guards that keep a hostile file from taking the run down.

Order matters: size before reading everything, NUL bytes before decoding, the PEP 263 cookie (or BOM)
decides the encoding, and a cheap bracket-depth scan keeps pathologically nested code away from the
recursive parsers.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import tokenize

from ..config import Settings
from ..records import dataclass


class SkipFile(Exception):
    """The file cannot be analysed; the message is the recorded reason."""


@dataclass
class SourceFile:
    """A file's bytes and its decoded text."""
    rel: str
    text: str  # decoded, newlines as in the file
    encoding: str
    data: bytes

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def line_count(self) -> int:
        """Lines as Python counts them: only \\n, \\r\\n and a lone \\r end a line (str.splitlines
        would also split on form feeds and U+2028, which Python source treats as ordinary characters)."""
        return count_lines(self.text)


_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines as Python sees them (see SourceFile.line_count), without their line endings."""
    return _NEWLINE.split(text)


def count_lines(text: str) -> int:
    if not text:
        return 0
    # what _NEWLINE.findall counts (a CRLF once), without a match object per line
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    return ends if text.endswith(("\n", "\r")) else ends + 1


_BRACKETS = re.compile(r"[()\[\]{}]")
_OPEN = frozenset("([{")


def max_bracket_depth(text: str) -> int:
    """Approximate nesting depth: brackets inside strings are counted too, which only ever makes the
    guard stricter on files that are already odd."""
    depth = best = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in _OPEN:
            depth += 1
            if depth > best:
                best = depth
        elif depth:
            depth -= 1
    return best


def read_source(rel: str, abs_path: str, settings: Settings) -> SourceFile:
    try:
        # Non-blocking and checked after opening: a file swapped for a FIFO or device after discovery
        # must not hang the worker or stream forever.
        fd = os.open(abs_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise SkipFile(f"cannot read file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SkipFile("not a regular file (FIFO, socket or device)")
        try:
            data = fh.read(settings.max_file_size + 1)
        except OSError as exc:
            raise SkipFile(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > settings.max_file_size:
        limit = settings.max_file_size / (1024 * 1024)
        raise SkipFile(f"file larger than the {limit:g} MiB limit (raise max-file-size to scan it)")
    return decode_source(rel, data, settings)


def decode_source(rel: str, data: bytes, settings: Settings) -> SourceFile:
    if b"\0" in data:
        raise SkipFile("binary file (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "invalid or missing" in str(exc):  # no cookie and not UTF-8: say which byte, not "missing"
            raise SkipFile(_undecodable(data, "utf-8", "add a coding cookie or re-save the file as UTF-8")) from None
        raise SkipFile(f"invalid encoding declaration: {exc}") from None
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise SkipFile(f"unknown encoding '{encoding}' in the coding cookie") from None
    # rot13, hex, zlib, base64... are bytes<->bytes or str<->str transforms, not text encodings: Python
    # itself refuses them as source encodings, and str.decode raises LookupError on them.
    if not getattr(codec, "_is_text_encoding", True):
        raise SkipFile(f"the coding cookie names '{encoding}', which is not a text encoding; Python cannot "
                       "run this file either")
    try:
        text = data.decode(codec.name if encoding != "utf-8-sig" else "utf-8-sig")
    except UnicodeDecodeError:
        raise SkipFile(_undecodable(data, encoding, "fix the coding cookie or the bytes")) from None
    except (UnicodeError, LookupError, ValueError, TypeError) as exc:
        # 'undefined' always raises, punycode and others raise plain UnicodeError on bad input
        raise SkipFile(f"cannot decode with the '{encoding}' codec named in the coding cookie "
                       f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'failed'})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    depth = max_bracket_depth(text)
    if depth > settings.max_nesting:
        raise SkipFile(f"brackets nested {depth} deep (limit {settings.max_nesting}; raise max-nesting to scan it)")
    return SourceFile(rel=rel, text=text, encoding=encoding, data=data)


def _undecodable(data: bytes, encoding: str, fix: str) -> str:
    try:
        data.decode(encoding)
        where = ""
    except (UnicodeDecodeError, LookupError) as exc:
        start = getattr(exc, "start", 0)
        line = data.count(b"\n", 0, start) + 1
        where = f" (byte {start}, line {line})"
    return f"cannot decode as {encoding}{where}; {fix}"
