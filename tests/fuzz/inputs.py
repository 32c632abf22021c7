"""Hypothesis strategies for the other inputs a scanned repository supplies: its config table, a baseline,
a coverage report and agent files. Each starts from a valid document and mutates it (wrong types, deep
nesting, huge integers, lone surrogates, aliases, truncation, byte flips), so the fuzzer reaches the
validators and not only the first syntax check."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import strategies as st

AGENTS = Path(__file__).resolve().parents[2] / "agents"
AGENT_SEEDS = sorted(p.read_text(encoding="utf-8") for p in AGENTS.glob("*.md")) if AGENTS.is_dir() else [
    "---\nname: x\n---\n# Checklist\n- [ ] Use parameterised SQL queries\n"]

CONFIG_KEYS = ["select", "ignore", "extend-select", "exclude", "extend-exclude", "fail-on", "jobs", "rule-options",
               "max-file-size", "max-nesting", "file-timeout", "test-paths", "agents", "public-paths", "coverage",
               "baseline", "cache-dir", "force-exclude", "per-file-ignores", "tool", "exlude"]
PATTERNS = ["*.py", "legacy/", "**/x", "[z-a]", "\\", "*a*a*a*a*a*b", "a//b", "!x", "#c", "../x", "[", "a" * 2000]
RULE_IDS = ["BA-QUAL-001", "BA-SQL-001", "BA-NOPE-999", "BA-API-001"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.integers(10**30, 10**31),
                    st.floats(allow_nan=True), st.text(max_size=20), st.sampled_from(PATTERNS))


def _values(leaf):
    return st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                        max_leaves=12)


@st.composite
def config_tables(draw) -> dict:
    table = draw(st.dictionaries(st.sampled_from(CONFIG_KEYS), _values(scalars), max_size=5))
    if draw(st.booleans()):
        options = draw(st.dictionaries(st.sampled_from(["max-complexity", "mi-min", "public_paths", "nope"]),
                                       _values(scalars), max_size=3))
        table["rule-options"] = {draw(st.sampled_from(RULE_IDS)): options}
    return {k: v for k, v in table.items() if v is not None}


def _entry() -> st.SearchStrategy:
    text = st.one_of(st.text(max_size=12), st.sampled_from(["\ud800", "\x00", "\u202e", "a" * 300]))
    return st.fixed_dictionaries({"rule": st.one_of(st.sampled_from(RULE_IDS), text),
                                  "path": st.one_of(st.just("app.py"), text)},
                                 optional={"symbol": text, "snippet": text, "fingerprint": text})


@st.composite
def baselines(draw) -> bytes:
    doc = {"tool": "backend-audit", "version": draw(st.one_of(st.just(1), scalars)),
           "entries": draw(st.one_of(st.lists(_entry(), max_size=4), _values(scalars)))}
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    return _mutate(draw, text.encode("utf-8", "surrogatepass"))


COBERTURA = ('<?xml version="1.0" ?>\n<coverage line-rate="0.5" branch-rate="0" version="7">\n<sources><source>{src}'
             '</source></sources>\n<packages><package name="app"><classes><class name="db.py" filename="{name}">\n'
             '<lines><line number="1" hits="1"/><line number="{n}" hits="0" branch="true" '
             'condition-coverage="50% (1/2)"/></lines></class></classes></package></packages>\n</coverage>\n')


@st.composite
def coverage_reports(draw) -> tuple[str, bytes]:
    if draw(st.booleans()):
        text = COBERTURA.format(src=draw(st.sampled_from(["/abs/src", ".", "", "&amp;"])),
                                name=draw(st.sampled_from(["app/db.py", "", "../x.py", "a\u202e.py"])),
                                n=draw(st.sampled_from(["2", "-1", "9" * 5000, "x"])))
        extra = draw(st.sampled_from(["", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "<a>" * 200]))
        return "coverage.xml", _mutate(draw, (extra + text).encode())
    files = {draw(st.sampled_from(["app/db.py", "x.py", "\ud800"])): {
        "executed_lines": draw(st.lists(st.one_of(st.integers(-5, 10**5), st.text(max_size=3)), max_size=4)),
        "missing_lines": draw(st.lists(st.integers(0, 50), max_size=3)),
        "summary": draw(_values(scalars))}}
    doc = {"meta": {"version": "7"}, "files": draw(st.one_of(st.just(files), _values(scalars)))}
    return "coverage.json", _mutate(draw, json.dumps(doc).encode("utf-8", "surrogatepass"))


FRONT_MATTER = ["name: x\n", "a: &a [1, 2]\nb: *a\n", "a: &a [*a]\n", "backend-audit: {map: {x: [caching]}}\n",
                "a: " + "[" * 200 + "]" * 200 + "\n", "tools: [Read, Write]\n", ": : :\n", "a: !!python/object x\n"]


@st.composite
def agent_files(draw) -> bytes:
    seed = draw(st.sampled_from(AGENT_SEEDS))
    if draw(st.booleans()):
        body = seed.split("\n---\n", 1)[-1]
        seed = "---\n" + draw(st.sampled_from(FRONT_MATTER)) + "---\n" + body
    return _mutate(draw, seed.encode("utf-8"))


def _mutate(draw, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "nest"]))
        pos = draw(st.integers(0, len(out)))
        if kind == "truncate":
            del out[pos:]
        elif kind == "flip" and pos < len(out):
            out[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            out[pos:pos] = draw(st.sampled_from([b"\xff", b"\x00", b"\xed\xa0\x80", "\u202e".encode(), b"[", b"{",
                                                 b"&a ", b"*a", b"\\ud800", b"9" * 5000]))
        elif kind == "nest":
            depth = draw(st.sampled_from([10, 1000, 100_000]))
            out[pos:pos] = b"[" * depth + b"]" * depth
    return bytes(out)
