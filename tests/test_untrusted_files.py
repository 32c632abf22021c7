"""Scanned files themselves: odd codec cookies, nested repositories, names SARIF must keep
(docs/security.md)."""

from __future__ import annotations

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

from .test_cache import counting

COOKIES = {"rot13": "not a text encoding", "hex": "not a text encoding", "zlib": "not a text encoding",
           "base64": "not a text encoding", "undefined": "'undefined' codec", "punycode": "'punycode' codec"}


def test_odd_codec_cookies_are_skipped_with_a_reason_and_cached(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    for name in COOKIES:
        (root / f"{name}.py").write_bytes(f"# coding: {name}\nx = 1\n".encode())
    analysed = counting(monkeypatch)
    settings = Settings(jobs=1, ignore=("BA-TEST",))
    first = scan([root], settings, use_git=False)
    reasons = {s.path: s.reason for s in first.skipped}
    for name, needle in COOKIES.items():
        assert needle in reasons[f"{name}.py"] and "internal error" not in reasons[f"{name}.py"]
    assert len(analysed) == len(COOKIES)
    analysed.clear()
    again = scan([root], settings, use_git=False)
    assert analysed == []  # cached like any other result
    assert {s.path: s.reason for s in again.skipped} == reasons


def test_untracked_nested_repository_files_are_analysed(tmp_path):
    from ._gitrepo import commit, init, write

    root = init(tmp_path / "repo")
    write(root, {"app.py": "x = 1\n"})
    commit(root)
    inner = init(root / "inner")
    write(inner, {"b.py": 'def q(c, v):\n    c.execute(f"SELECT {v}")\n', "node_modules/x.py": "x = 1\n"})
    result = scan([root], Settings(jobs=1, select=("BA-SQL-001",)))
    assert result.files_scanned == 2 and not result.skipped
    assert [f.path for f in result.findings] == ["inner/b.py"]


def test_submodule_is_listed_as_skipped(tmp_path):
    from ._gitrepo import commit, git, init, write

    lib = init(tmp_path / "lib")
    write(lib, {"lib.py": "x = 1\n"})
    commit(lib)
    root = init(tmp_path / "repo")
    write(root, {"app.py": "x = 1\n"})
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "vendor/lib")
    commit(root)
    result = scan([root], Settings(jobs=1, select=("BA-SQL-001",)))
    assert [(s.path, "submodule" in s.reason) for s in result.skipped] == [("vendor/lib", True)]
