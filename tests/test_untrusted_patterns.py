"""Exclude patterns come from the scanned repository's config: matching them stays linear in time, bad ones
are one line (docs/security.md)."""

from __future__ import annotations

import subprocess
import sys

import pathspec
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from backend_audit.config import check_pattern, matches_any, path_matches, settings_from_table
from backend_audit.errors import ConfigError
from backend_audit.untrusted.globs import compile_glob, needs_linear_matcher

PATTERN_PARTS = ["a", "b", ".", "*", "**", "?", "/", "[ab]", "[a-c]", "\\*", "\\[", " ", "!", "#"]
PATH_PARTS = ["a", "b", "ab", ".b", "*", "[", " ", "c"]


@st.composite
def patterns(draw):
    return "".join(draw(st.lists(st.sampled_from(PATTERN_PARTS), min_size=1, max_size=7)))


@st.composite
def paths(draw):
    segments = draw(st.lists(st.lists(st.sampled_from(PATH_PARTS), min_size=1, max_size=3), min_size=1,
                             max_size=4))
    return "/".join("".join(s) for s in segments)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns(), st.lists(paths(), min_size=1, max_size=5))
def test_linear_matcher_agrees_with_pathspec(pattern, names):
    try:
        spec = pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception:  # noqa: BLE001 - pathspec refuses it; config validation refuses it too
        with pytest.raises(ConfigError):
            check_pattern(pattern, "exclude")
        return
    glob = compile_glob(pattern)
    for name in names:
        assert glob.match(name) == spec.match_file(name), (pattern, name)


def test_negated_class_never_matches_a_slash():
    # git's wildmatch semantics; pathspec's regex lets "[!a]" match "/" (one place the two differ)
    assert not compile_glob("b[!a]c").match("b/c")
    assert compile_glob("b[!a]c").match("bxc")


@pytest.mark.parametrize("pattern", ["*a*a*a*a*a*a*a*a*b", "**/a/**/a/**/a/**/b", "a**a**a**b"])
def test_backtracking_patterns_use_the_linear_matcher(pattern):
    assert needs_linear_matcher(pattern)


@pytest.mark.parametrize("pattern", [".venv", "*.egg-info", "*_pb2.py", "tests/**", "**/test_*.py", "legacy/"])
def test_ordinary_patterns_keep_the_fast_regex(pattern):
    assert not needs_linear_matcher(pattern)


def test_redos_pattern_on_a_long_name_finishes(tmp_path):
    # Through pathspec's regex this takes hours; run in a child so a regression fails instead of hanging.
    code = ("from backend_audit.config import matches_any, path_matches;"
            "n = 'a' * 250 + '.py';"
            "assert not matches_any('x/' + n, ('*a*a*a*a*a*a*a*a*a*a*b', '.venv'));"
            "assert not path_matches(n, '**/a/**/a/**/a/**/b');"
            "assert path_matches(n, '*a*a*a*a*a*a*a*a*a*a*.py')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_linear_and_regex_patterns_combine(tmp_path):
    pats = ("*a*a*a*a*x.py", "legacy/")
    assert matches_any("dir/aaaax.py", pats) and matches_any("legacy/x.py", pats)
    assert not matches_any("dir/b.py", pats)
    assert path_matches("legacy/x.py", "legacy/")


@pytest.mark.parametrize("pattern,needle", [("[z-a]", "invalid pattern"), ("\\", "invalid pattern"),
                                            ("a" * 2000, "longer than")])
def test_bad_patterns_are_one_line_config_errors(tmp_path, pattern, needle):
    (tmp_path / "pyproject.toml").write_text("")
    with pytest.raises(ConfigError, match=needle):
        settings_from_table({"exclude": [pattern]}, str(tmp_path / "pyproject.toml"))


def test_bad_pattern_on_the_command_line_exits_2(tmp_path, cli, clean_env):
    (tmp_path / "a.py").write_text("x = 1\n")
    done = subprocess.run([cli, "scan", str(tmp_path), "--exclude", "[z-a]"], env=clean_env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "invalid pattern" in done.stderr


REGEX_PARTS = ["a", "-", "\\.", ".", "/", "[a-z]", "[^a-z]", "[\\w-]", "\\w", "\\W", "\\S", "\\d", "[^/]", "+", "?",
               "(", ")", "|", "{1,3}"]
SUBJECT_CHARS = "a-./\\'<0 z_"


@given(st.lists(st.sampled_from(REGEX_PARTS), min_size=1, max_size=6),
       st.lists(st.text(alphabet=SUBJECT_CHARS, max_size=6), min_size=1, max_size=20))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_whole_match_chars_never_misses_a_character_a_match_holds(parts, subjects):
    # the claim sanitises FastAPI parameters (`pattern=`): a character it leaves out must never be in a match
    import re

    from backend_audit.untrusted.regexes import whole_match_chars

    pattern = "^" + "".join(parts) + "$"
    try:
        re.compile(pattern)
    except re.error:
        return
    claimed = whole_match_chars(pattern, SUBJECT_CHARS)
    if claimed is None:
        return
    for subject in subjects:
        if re.fullmatch(pattern, subject):
            assert set(subject) <= claimed, (pattern, subject, claimed)


def test_whole_match_chars_needs_both_anchors():
    from backend_audit.untrusted.regexes import whole_match_chars

    assert whole_match_chars("^[a-z]{2}(-[A-Z]{2})?$", "/.'") == set()
    assert whole_match_chars("[a-z]+$", "/") is None  # unanchored start: "../x" contains a match
    assert whole_match_chars("^[a-z]+", "/") is None
    assert whole_match_chars("^(a+)+$", "/") is None  # refused: exponential backtracking


def test_manifest_and_header_blank_runs_finish():
    # 256 KB of blanks after `pyjwt` in a manifest, or after a copyright holder in a module's first line, made the
    # version and licence-header patterns backtrack for minutes; run in a child so a regression fails instead of
    # hanging. Pins and headers are still read.
    code = ("from backend_audit.checks.dependency_pins import _spec_pattern, _lower_major;"
            "t = 'pyjwt>=2' + ' ' * (256 * 1024) + 'x';"
            "ms = list(_spec_pattern('pyjwt').finditer(t));"
            "assert [_lower_major(m.group('spec')) for m in ms] == [2], ms;"
            "m = _spec_pattern('pyjwt').search('pyjwt>=1.7 , <3');"
            "assert _lower_major(m.group('spec')) == 1;"
            "assert not list(_spec_pattern('pyjwt').finditer('pyjwt' + ' ' * (256 * 1024) + 'x'));"
            "from backend_audit.checks.vendored import header_licence;"
            "assert header_licence(['# Copyright 2020 ACME Inc' + ' ' * (256 * 1024) + 'x']) is None;"
            "h = header_licence(['# Copyright 2017 The TensorFlow Authors. All Rights Reserved.', '#',"
            " '# Licensed under the Apache License, Version 2.0']);"
            "assert h['holder'] == 'The TensorFlow Authors' and h['licences'] == ['apache'], h")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_names_and_clause_patterns_finish_on_long_runs():
    # a quote followed by 256 KB of `#` with no closing quote (the per-file names fact), and `where` followed by
    # 256 KB of blanks (BA-SQL-002's clause slot) backtracked quadratically; run in a child so a regression fails
    # instead of hanging. Names and clause slots are still read.
    code = ("from backend_audit.model.references import _NAME;"
            "t = 'x = \"' + '#' * (256 * 1024) + '\\n';"
            "assert [m for m in _NAME.findall(t) if m] == ['x'], _NAME.findall(t)[:3];"
            "assert [m for m in _NAME.findall('a = \"p#q\" + b  # c') if m] == ['a', '\"p#q\"', 'b'];"
            "from backend_audit.checks.sql_hygiene import _CLAUSE_SLOT;"
            "assert not _CLAUSE_SLOT.search('where' + ' ' * (256 * 1024) + 'x');"
            "assert _CLAUSE_SLOT.search('SELECT a FROM t WHERE ( ') and _CLAUSE_SLOT.search('x AND ')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_compose_entry_pattern_finishes_on_a_long_run_of_blanks():
    # `KEY: x<256 KB of blanks>y` in a compose file: the lazy value before `\s*$` took minutes (BA-SEC-001's
    # compose-default-key); run in a child so a regression fails instead of hanging. Entries still parse.
    code = ("from backend_audit.checks.compose_secrets import _ENTRY, _fixed_value;"
            "m = _ENTRY.match('A_KEY: x' + ' ' * (256 * 1024) + 'y'); assert m and m.group('key') == 'A_KEY';"
            "m = _ENTRY.match('  - SECRET_KEY=\"${SECRET_KEY:-abc123}\"   ');"
            "assert m and _fixed_value(m.group('value')) == 'abc123', m.group('value')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
