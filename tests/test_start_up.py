"""Start-up work kept in the user cache (untrusted/user_cache.py): the same answers as computing it, and
nothing read that another user could have written."""

import os

import pytest

from backend_audit import config
from backend_audit.untrusted import pattern_regexes, user_cache

PATTERNS = (".venv", "node_modules", "**/tests/**", "*_pb2.py", "!keep.py", "docs/*.md")


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for fn in (pattern_regexes._stored, pattern_regexes._name, config._any_regex):
        fn.cache_clear()
    yield tmp_path / "backend-audit"
    for fn in (pattern_regexes._stored, pattern_regexes._name, config._any_regex):
        fn.cache_clear()


def _fresh_process():
    pattern_regexes._stored.cache_clear()
    config._any_regex.cache_clear()


def test_a_stored_translation_matches_without_pathspec(cache_home, monkeypatch):
    computed = config._any_regex(PATTERNS)
    [stored] = cache_home.glob("pathspec-*.json")
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    _fresh_process()

    def no_pathspec(patterns):
        raise AssertionError("translated again instead of read from the user cache")

    monkeypatch.setattr(config, "_spec_regexes", no_pathspec)
    again = config._any_regex(PATTERNS)
    assert again.pattern == computed.pattern
    for path in (".venv/x.py", "a/node_modules/b.js", "app/tests/t.py", "api_pb2.py", "keep.py", "docs/a.md",
                 "docs/deep/a.md", "app/views.py"):
        assert (again.match(path) is not None) == config._any_spec(PATTERNS).match_file(path), path


def test_a_translation_others_could_write_is_not_read(cache_home, monkeypatch):
    config._any_regex(PATTERNS)
    [stored] = cache_home.glob("pathspec-*.json")
    planted = stored.read_text(encoding="utf-8").replace("node_modules", "app")
    stored.write_text(planted, encoding="utf-8")
    os.chmod(stored, 0o666)
    _fresh_process()
    assert config._any_regex(PATTERNS).match("app/views.py") is None


def test_patterns_from_scanned_repositories_are_kept_within_a_bound(cache_home, monkeypatch):
    monkeypatch.setattr(pattern_regexes, "MAX_ENTRIES", 3)
    for i in range(6):
        config._any_regex((f"dir{i}/**",))
    _fresh_process()
    assert len(user_cache.read_json(pattern_regexes._name())) == 3
    assert config._any_regex(("dir5/**",)).match("dir5/a.py")  # past the bound: translated, still right
