"""changes.py: which lines a change touches, from git, read-only."""

import subprocess

import pytest

from backend_audit.workflow.changes import ChangeSet, changed_lines, parse_diff, parse_name_status, unquote
from backend_audit.errors import ConfigError

from ._gitrepo import commit, git, init, write


def test_parse_diff_counts_hunks_and_ignores_content_that_looks_like_headers():
    diff = (b"diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n"
            b"@@ -3,0 +4,2 @@ def f():\n++++ not a header\n+x = 1\n"
            b"@@ -10 +12 @@\n--- old\n+new\n")
    assert parse_diff(diff) == {"app.py": {4, 5, 12}}


def test_parse_diff_quoted_and_spaced_paths():
    diff = (b'diff --git "a/we\\"ird.py" "b/we\\"ird.py"\n--- "a/we\\"ird.py"\n+++ "b/we\\"ird.py"\n'
            b"@@ -0,0 +1 @@\n+x\n"
            b"diff --git a/my file.py b/my file.py\n--- a/my file.py\t\n+++ b/my file.py\t\n@@ -1 +1 @@\n-a\n+b\n"
            b'+++ "b/caf\\303\\251.py"\n@@ -0,0 +1,2 @@\n+a\n+b\n')
    assert parse_diff(diff) == {'we"ird.py': {1}, "my file.py": {1}, "café.py": {1, 2}}


def test_parse_diff_keeps_a_file_whose_hunks_only_delete_lines():
    """Its base blob still feeds the base pass (a deleted check changes other files' findings); no line of
    it is a changed line."""
    diff = (b"diff --git a/auth.py b/auth.py\n--- a/auth.py\n+++ b/auth.py\n@@ -9,2 +8,0 @@ def wrapper():\n"
            b"-    if not request.user.is_staff:\n-        raise PermissionDenied\n")
    assert parse_diff(diff) == {"auth.py": set()}
    cs = ChangeSet(ref="main", base="x", lines=parse_diff(diff))
    assert cs.files == {"auth.py"} and not cs.touches("auth.py", 8, 9)


def test_unquote_escapes():
    assert unquote(b'"a\\tb\\\\c\\"d\\303\\251"') == 'a\tb\\c"dé'.encode()
    assert unquote(b"plain.py") == b"plain.py"


def test_parse_name_status():
    raw = b"R087\0old.py\0new.py\0D\0gone.py\0A\0added.py\0M\0kept.py\0"
    assert parse_name_status(raw) == ({"new.py": "old.py"}, {"gone.py"}, {"added.py"})


def test_touches_span_and_new_files():
    cs = ChangeSet(ref="main", base="x", lines={"a.py": {5}}, new_files={"n.py"})
    assert cs.touches("a.py", 3, 6) and not cs.touches("a.py", 6, 9) and cs.touches("n.py", 1)
    assert not cs.touches("other.py", 5)


@pytest.fixture()
def repo(tmp_path):
    root = init(tmp_path / "repo")
    write(root, {"app.py": "a = 1\nb = 2\nc = 3\n", "old name.py": "x = 1\ny = 2\n" * 10, "gone.py": "z = 1\n"})
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def test_changed_lines_modified_renamed_untracked_deleted(repo):
    write(repo, {"app.py": "a = 1\nb = 20\nc = 3\nd = 4\n"})
    git(repo, "mv", "old name.py", "new name.py")
    (repo / "new name.py").write_text("x = 1\ny = 2\n" * 9 + "x = 1\ny = 99\n")
    (repo / "gone.py").unlink()
    write(repo, {"fresh dir/untracked é.py": "u = 1\n"})
    cs = changed_lines(repo, "main")
    assert cs.lines["app.py"] == {2, 4}
    assert cs.lines["new name.py"] == {20}
    assert cs.renamed == {"new name.py": "old name.py"} and cs.base_path("new name.py") == "old name.py"
    assert cs.deleted == {"gone.py"}
    assert "fresh dir/untracked é.py" in cs.new_files and cs.touches("fresh dir/untracked é.py", 1)
    assert not cs.touches("app.py", 1) and not cs.touches("new name.py", 1)


def test_changed_lines_never_writes_the_index(repo):
    write(repo, {"app.py": "a = 1\n"})
    index = repo / ".git" / "index"
    before = index.stat().st_mtime_ns
    changed_lines(repo, "main")
    assert index.stat().st_mtime_ns == before


def test_unknown_ref_is_a_config_error(repo):
    with pytest.raises(ConfigError, match="not a known commit"):
        changed_lines(repo, "no-such-branch")


def _shallow_setup(tmp_path):
    origin = init(tmp_path / "origin")
    for i in range(3):
        write(origin, {"app.py": f"v = {i}\n"})
        commit(origin, f"c{i}")
    git(origin, "checkout", "-q", "-b", "feature", "HEAD~1")
    write(origin, {"feature.py": "f = 1\n"})
    commit(origin, "feature")
    return origin


def test_shallow_clone_without_base_says_fetch_depth(tmp_path):
    origin = _shallow_setup(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin}", str(clone)],
                   check=True, capture_output=True)
    with pytest.raises(ConfigError, match="fetch-depth: 0"):
        changed_lines(clone, "origin/main")


def test_shallow_clone_without_merge_base_says_fetch_depth(tmp_path):
    origin = _shallow_setup(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", "--branch", "feature",
                    f"file://{origin}", str(clone)], check=True, capture_output=True)
    with pytest.raises(ConfigError, match="shallow clone.*fetch-depth: 0"):
        changed_lines(clone, "origin/main")
