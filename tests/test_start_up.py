"""Start-up work kept in the user cache (untrusted/user_cache.py): the same answers as computing it, and
nothing read that another user could have written."""

import json
import os
import time

import pytest

from backend_audit import config
from backend_audit.untrusted import pattern_regexes, user_cache

PATTERNS = (".venv", "node_modules", "**/tests/**", "*_pb2.py", "!keep.py", "docs/*.md")


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for fn in (pattern_regexes._memo, user_cache.package_digest, config._any_regex):
        fn.cache_clear()
    yield tmp_path / "backend-audit"
    for fn in (pattern_regexes._memo, user_cache.package_digest, config._any_regex):
        fn.cache_clear()


def _fresh_process():
    pattern_regexes._memo.cache_clear()
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
    kept = user_cache.read_json(pattern_regexes._name())
    assert [k for k in kept] == ["dir3/**", "dir4/**", "dir5/**"]  # the oldest made room
    assert config._any_regex(("dir0/**",)).match("dir0/a.py")  # pushed out: translated again, still right
    _fresh_process()
    assert "dir0/**" in user_cache.read_json(pattern_regexes._name())


def test_bundled_yaml_copies_give_the_same_data(cache_home):
    from backend_audit.compliance import checklist
    from backend_audit.model.taint import models

    for fn in (checklist.load_vocabulary, models.shipped):
        fn.cache_clear()
    vocabulary, shipped = checklist.load_vocabulary(), models.shipped()
    assert {p.name.split("-")[0] for p in cache_home.glob("*.json")} >= {"checklists", "taint"}
    for fn in (checklist.load_vocabulary, models.shipped):
        fn.cache_clear()
    assert models.shipped() == shipped
    again = checklist.load_vocabulary()
    assert again.keys == vocabulary.keys
    for fn in (checklist.load_vocabulary, models.shipped):
        fn.cache_clear()


def test_front_matter_from_the_user_cache_is_what_yaml_gives(cache_home):
    from backend_audit.compliance import agents

    agents._front_matter_memo.cache_clear()
    text = "---\nname: api\ntools: [a, b]\nbase: &b {k: 1}\nother: *b\n---\n# Checklist\n- [ ] log errors\n"
    first = agents.split_front_matter(text)
    [stored] = cache_home.glob("front-matter-*.json")
    agents._front_matter_memo.cache_clear()
    assert agents.split_front_matter(text) == first
    assert first[0] == {"name": "api", "tools": ["a", "b"], "base": {"k": 1}, "other": {"k": 1}}
    stored.write_text(stored.read_text(encoding="utf-8").replace('"api"', '"planted"'), encoding="utf-8")
    os.chmod(stored, 0o666)  # another user could have written it: parsed again
    agents._front_matter_memo.cache_clear()
    assert agents.split_front_matter(text)[0]["name"] == "api"
    agents._front_matter_memo.cache_clear()


def test_a_second_cold_scan_imports_neither_yaml_nor_pathspec(tmp_path):
    """The cold scan of a small app: what a first run derived from installed code is not derived again."""
    import subprocess
    import sys

    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text("import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n")
    code = ("import sys; from backend_audit.cli import main; rc = main(['scan', sys.argv[1], '--no-cache', '-q', "
            "'-f', 'json:' + sys.argv[2]]); print(rc, 'yaml' in sys.modules, 'pathspec' in sys.modules)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home")}
    runs = [subprocess.run([sys.executable, "-c", code, str(app), str(tmp_path / f"r{i}.json")], env=env,
                           capture_output=True, text=True, check=True).stdout.split() for i in range(2)]
    assert runs[0] == ["1", "True", "True"]  # the first run parses and translates, and keeps the results
    assert runs[1] == ["1", "False", "False"]
    first, second = (json.loads((tmp_path / f"r{i}.json").read_text(encoding="utf-8")) for i in range(2))
    assert first["findings"] and second["findings"] == first["findings"]
    assert second["checklist"] == first["checklist"]


def test_checklist_scores_from_the_user_cache_are_the_computed_ones(cache_home):
    from backend_audit.compliance import checklist

    checklist.load_vocabulary.cache_clear()
    texts = ["Use parameterized queries for all database access", "Log every failed login attempt",
             "Write the release notes", "cross site weekly garden"]  # the last: nearest keys only
    vocabulary = checklist.load_vocabulary()
    assert vocabulary.memo is not None
    computed = [vocabulary._match(t) for t in texts]
    assert [vocabulary.match(t) for t in texts] == computed  # first: computed and stored
    checklist.load_vocabulary.cache_clear()
    again = checklist.load_vocabulary()
    assert [again.match(t) for t in texts] == computed  # then: read back
    assert any(assigned for assigned, _ in computed) and any(nearest for _, nearest in computed)
    checklist.load_vocabulary.cache_clear()


def test_a_large_answer_is_computed_and_never_kept(cache_home):
    memo = user_cache.Memo("big-test.json", max_entries=8, max_entry_bytes=64)
    assert memo.get("small", lambda: [1, 2]) == [1, 2]
    assert memo.get("large", lambda: ["x" * 100]) == ["x" * 100]
    assert memo.get("k" * 100, lambda: 1) == 1
    assert user_cache.read_json("big-test.json") == {"small": [1, 2]}


def test_every_dataclass_has_a_docstring():
    """A dataclass without one gets a generated docstring at import, from inspect.signature: about 0.1 ms
    per class, 3 ms of a small app's cold scan for the 36 that had none."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "src" / "backend_audit"
    missing = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and ast.get_docstring(node) is None and any(
                    "dataclass" in ast.unparse(d) for d in node.decorator_list):
                missing.append(f"{path.relative_to(package)}:{node.lineno} {node.name}")
    assert not missing, "dataclasses without a docstring: " + ", ".join(missing)


def test_the_vocabulary_from_stored_tokens_is_the_parsed_one(cache_home):
    from backend_audit.compliance import checklist

    checklist.load_vocabulary.cache_clear()
    first = checklist.load_vocabulary()  # tokenised, and the tokens kept
    [stored] = cache_home.glob("checklist-tokens-*.json")
    checklist.load_vocabulary.cache_clear()
    again = checklist.load_vocabulary()
    assert {k: v.phrase_tokens for k, v in again.keys.items()} == {k: v.phrase_tokens for k, v in first.keys.items()}
    assert again.keys == first.keys and again._split == first._split and again._plain == first._plain
    data = json.loads(stored.read_text(encoding="utf-8"))
    phrase = next(iter(data))
    stored.write_text(json.dumps({**data, phrase: ["planted"]}), encoding="utf-8")
    os.chmod(stored, 0o666)  # another user could have written it: tokenised again
    checklist.load_vocabulary.cache_clear()
    assert checklist.load_vocabulary().keys == first.keys
    checklist.load_vocabulary.cache_clear()


def test_copies_of_one_kind_are_kept_to_a_bound_newest_first(cache_home):
    start = time.time() - 3600
    for i in range(user_cache.KEEP_PER_KIND + 5):
        user_cache.write_json(f"kind-{i:02d}.json", {"i": i}, prune_prefix="kind-")
        os.utime(cache_home / f"kind-{i:02d}.json", (start + i, start + i))
    user_cache.write_json("other-0.json", {"i": 0}, prune_prefix="other-")
    left = sorted(p.name for p in cache_home.glob("kind-*"))
    assert left == [f"kind-{i:02d}.json" for i in range(5, user_cache.KEEP_PER_KIND + 5)]
    os.utime(cache_home / "kind-12.json", (start - 8 * 24 * 3600,) * 2)  # untouched for over a week
    user_cache.write_json("kind-last.json", {"i": "last"}, prune_prefix="kind-")
    left = sorted(p.name for p in cache_home.glob("kind-*"))
    assert left == [f"kind-{i:02d}.json" for i in range(5, 12)] + ["kind-last.json"]
    assert user_cache.read_json("other-0.json") == {"i": 0}
