"""Inputs for fuzzing analyse_file and the checks every result must pass.

Two sources: hypothesmith's grammar-derived Python programs (valid syntax, odd shapes), and mutations
of the example backend's real files (truncation, byte flips, inserted Unicode), which reach the
decoders, the error paths and the rules' matchers on almost-real code.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

from backend_audit.catalog import load_rules
from backend_audit.config import Selection, Settings
from backend_audit.findings import FileResult
from backend_audit.pipeline.runner import Plan
from backend_audit.pipeline.source import SkipFile, decode_source

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS = sorted(p.read_bytes() for p in EXAMPLES.rglob("*.py") if p.stat().st_size > 200) if EXAMPLES.is_dir() else []

# Characters that trip position arithmetic: multi-byte UTF-8, astral, combining, line-ish separators
# Python does not treat as newlines, a BOM in the middle, right-to-left override.
ODD_TEXT = st.sampled_from(["é", "名前", "𝔘", "e\u0301", "\u2028", "\x0c", "\x1c", "\ufeff", "\u202e", "\r", "\r\n",
                            "\t", "\\", "'''", '"', "#", "(", "]", "\x00", " " * 9])


def plan() -> Plan:
    settings = Settings()
    return Plan(settings=settings, enabled=Selection(settings, load_rules()).enabled_ids(), root="/")


@st.composite
def mutated_seed(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        pos = draw(st.integers(0, len(data)))
        if kind == "truncate":
            del data[pos:]
        elif kind == "flip" and pos < len(data):
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[pos:pos] = draw(ODD_TEXT).encode("utf-8")
        elif kind == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
    return bytes(data)


# Lines our rules flag (libcst and bandit engines), to put odd characters in front of on the same line:
# ast/bandit count columns in UTF-8 bytes, findings in characters.
FLAGGED = ("subprocess.call(cmd, shell=True)", 'cursor.execute(f"SELECT * FROM t WHERE id = {cmd}")',
           "eval(cmd)", "print(cmd)")
SAFE_ODD_TEXT = st.sampled_from(["é", "名前", "𝔘", "e\u0301", "\u2028", "\x0c", "\ufeff", "\u202e", "\t", "#"])


@st.composite
def odd_text_before_finding(draw) -> bytes:
    prefix = "".join(draw(st.lists(SAFE_ODD_TEXT, min_size=1, max_size=20)))
    call = draw(st.sampled_from(FLAGGED))
    body = f"import subprocess\n\n\ndef run(cmd, cursor):\n    x = {prefix!r}; return {call}\n"
    return body.encode("utf-8")


def generated_source():
    import hypothesmith

    return hypothesmith.from_grammar().map(lambda s: s.encode("utf-8"))


def inputs():
    parts = [generated_source(), odd_text_before_finding()]
    if SEEDS:
        parts.insert(0, mutated_seed())
    return st.one_of(*parts)


_NEWLINE = re.compile(r"\r\n|\r|\n")


def problems(data: bytes, result: FileResult) -> list[str]:
    """Everything wrong with one file's result; [] when it obeys the contract."""
    out: list[str] = []
    skipped = [s for s in result.skipped if s.kind == "skipped"]
    if result.analysed == bool(skipped):
        out.append(f"analysed={result.analysed} but {len(skipped)} skip entries")
    if any(not s.reason.strip() for s in result.skipped):
        out.append("a skip without a reason")
    try:
        text = decode_source("x.py", data, Settings(max_nesting=10**9)).text
    except SkipFile:
        if result.findings:
            out.append("findings on a file that does not decode")
        return out
    lines = _NEWLINE.split(text)
    for f in result.findings:
        where = f"{f.rule_id} {f.line}:{f.column}-{f.end_line}:{f.end_column}"
        if not 1 <= f.line <= f.end_line <= len(lines):
            out.append(f"{where}: line outside the file's {len(lines)} lines")
            continue
        if f.column < 1 or f.column > len(lines[f.line - 1]) + 1:
            out.append(f"{where}: column outside line {f.line} ({len(lines[f.line - 1])} chars)")
        if f.end_column < 1 or f.end_column > len(lines[f.end_line - 1]) + 1:
            out.append(f"{where}: end column outside line {f.end_line} ({len(lines[f.end_line - 1])} chars)")
        if f.line == f.end_line and f.end_column < f.column:
            out.append(f"{where}: ends before it starts")
    return out
