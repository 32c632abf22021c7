"""Form fields an upload front end writes, not the client: the temp-file path of a streamed upload.

nginx's upload module and streaming upload handlers (OctoPrint's Tornado `UploadStorageFallbackHandler`)
store the body in a temp file and pass the form on with `<field>.name` and `<field>.path` added, refusing client
fields with those suffixes. The view then reads `request.values["file.path"]`, or a key built as `input_name +
"." + path_suffix`. Whether the front end really refuses a client's own `file.path` is outside the Python
source, so such a path is reported lower with its origin not traced, never dropped.
"""

from __future__ import annotations

from .lazy_re import re  # compiled on first use

# `request.values["file.path"]`, `form.get('upload.tmp_path')`: a literal field with a path suffix after a dot
_LITERAL = re.compile(r"""(?:\[|\.get\()\s*[rRuU]?["']([\w-]+\.(?:tmp_?)?path)["']""")
# `request.values[input_upload_path]`: a field held by a name
_NAMED = re.compile(r"""(?:values|form|args|POST|data)(?:\[|\.get\()\s*([A-Za-z_]\w*)\s*[\],)]""")
# how far back the key's assignment is looked for, and how many lines it may span
_LOOKBACK, _SPAN = 60, 8


def server_written_path(lines: list[str], line: int) -> str:
    """The form field read on `line` (1-based) when it is named like an upload front end's temp-file path
    (`file.path`, or a key built with "." and a path suffix: `name + "." + settings[...]["pathSuffix"]`), else ""."""
    if not 0 < line <= len(lines):
        return ""
    code = lines[line - 1]
    literal = _LITERAL.search(code)
    if literal:
        return literal.group(1)
    named = _NAMED.search(code)
    if not named:
        return ""
    name = named.group(1)
    bind = re.compile(rf"^\s*{re.escape(name)}\s*=")
    for start in range(line - 2, max(-1, line - 2 - _LOOKBACK), -1):
        if bind.match(lines[start]):
            value = _statement(lines, start).partition("=")[2]
            return name if re.search(r"""["']\.["']""", value) and re.search(r"path", value, re.I) else ""
    return ""


def _statement(lines: list[str], start: int) -> str:
    """The assignment starting on `start`, through the lines its open brackets span (at most _SPAN)."""
    text, depth = "", 0
    for raw in lines[start:start + _SPAN]:
        text += " " + raw.strip()
        depth += sum(raw.count(c) for c in "([{") - sum(raw.count(c) for c in ")]}")
        if depth <= 0:
            break
    return text
