"""File names and scanned text reach terminals and CI logs: no name may forge a workflow command, mask a
value, stop command processing or send a terminal escape (docs/security.md)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from backend_audit.reporters.printable import clean, log_line, text_block

BODY = 'def q(cursor, request):\n    cursor.execute(f"SELECT * FROM t WHERE a = {request.body}")\n'
HOSTILE = ["::error file=README.md,line=1::forged{i}.py", "a{i}\n::add-mask::hunter2.py",
           "b{i}\n  ::stop-commands::tok.py", "c{i}\r##[error]legacy.py", "d{i}\x1b]0;owned\x07\x1b[2J.py",
           "e{i}\x9b31m\u202eyp.txt.py", "[click{i}](javascript:alert(1)).py"]
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\r")
OWN_COMMAND = re.compile(r"^::(error|warning|notice) file=([^,:]*),line=\d+")


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile_names")
    for i in range(4):  # more than GitHub's 10 annotations per level: some land in the overflow lines
        for pattern in HOSTILE:
            (root / pattern.format(i=i)).write_text(BODY)
    return root


def _run(cli, env, root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([cli, "scan", str(root), "--no-cache", "--select", "BA-SQL-001", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def _assert_no_forged_command(output: str) -> None:
    for ch in FORBIDDEN:
        assert ch not in output, repr(ch)
    for line in output.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("##["):
            raise AssertionError(f"legacy command forged: {line!r}")
        if stripped.startswith("::"):
            m = OWN_COMMAND.match(line)
            assert m is not None, f"forged workflow command: {line!r}"
            assert "::" not in m.group(2).replace("%3A", "")


def test_text_report_prints_no_command_or_escape(cli, clean_env, hostile_tree):
    proc = _run(cli, clean_env, hostile_tree)
    assert proc.returncode == 1, proc.stderr
    _assert_no_forged_command(proc.stdout + proc.stderr)
    assert "\\x1b]0;owned\\x07" in proc.stdout and "\\u202e" in proc.stdout
    assert "\\x3a:error file=README.md" in proc.stdout  # the name is still recognisable


def test_github_annotations_overflow_and_summary_forge_nothing(cli, clean_env, hostile_tree, tmp_path):
    summary = tmp_path / "summary.md"
    proc = _run(cli, {**clean_env, "GITHUB_STEP_SUMMARY": str(summary)}, hostile_tree, "-f", "github")
    assert proc.returncode == 1, proc.stderr
    _assert_no_forged_command(proc.stdout + proc.stderr)
    assert "more finding(s) beyond" in proc.stdout  # the overflow lines were exercised
    assert "file=%3A%3Aerror file=README.md%2Cline=1%3A%3Aforged" in proc.stdout
    md = summary.read_text()
    for ch in FORBIDDEN:
        assert ch not in md
    assert "\\[click0\\](javascript:" in md  # brackets escaped: shown as text, not a link
    assert re.search(r"(?<!\\)\[click\d+\]\(", md) is None


def test_error_lines_are_cleaned(cli, clean_env, tmp_path):
    missing = tmp_path / "nope\n::add-mask::x"
    proc = subprocess.run([cli, "scan", str(missing)], env=clean_env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "::add-mask::" in proc.stderr
    _assert_no_forged_command(proc.stderr)


@pytest.mark.parametrize("raw,shown", [
    ("a\nb", "a\\x0ab"), ("\x1b[31mred", "\\x1b[31mred"), ("\x9b", "\\x9b"), ("\u202e", "\\u202e"),
    ("tab\there", "tab\\x09here"), ("ok/é.py", "ok/é.py"),
])
def test_clean_shows_every_control_character(raw, shown):
    assert clean(raw) == shown


@pytest.mark.parametrize("line", ["::error::x", "   ::warning::x", "\t##[error]x", "##[group]x"])
def test_log_line_cannot_start_a_command(line):
    out = log_line(line)
    assert not out.lstrip().startswith(("::", "##["))


def test_text_block_keeps_line_breaks_only():
    assert text_block("a\n::set-output x\n\x1b[2J\n") == "a\n\\x3a:set-output x\n\\x1b[2J\n"


def test_gitlab_report_carries_no_control_or_bidi_character(cli, clean_env, hostile_tree, tmp_path):
    out = tmp_path / "gl.json"
    proc = _run(cli, clean_env, hostile_tree, "-f", f"gitlab:{out}")
    assert proc.returncode == 1, proc.stderr
    import json

    text = json.dumps(json.loads(out.read_text()), ensure_ascii=False)
    for ch in FORBIDDEN:
        assert ch not in text


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp", "Zs", "Po", "Ll")),
               max_size=40))
def test_log_line_of_any_text_is_one_safe_line(text):
    out = log_line(text)
    assert "\n" not in out and "\r" not in out and "\x1b" not in out and "\x9b" not in out
    assert not out.lstrip().startswith(("::", "##["))
    assert not any(0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069 for c in out)
