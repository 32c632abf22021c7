"""The pipeline pieces: discovery, guards, engines, selection."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backend_audit.catalog import load_rules
from backend_audit.config import Selection, Settings
from backend_audit.pipeline.discovery import discover
from backend_audit.pipeline.runner import scan


def write(root: Path, rel: str, code: str) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(code), encoding="utf-8")
    return p


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the host ast parses PEP 701 f-strings from 3.12 on")
def test_file_in_a_newer_grammar_is_skipped_with_what_to_do(tmp_path):
    # three levels of one quote: no older spelling exists (a two-level one is respelled, tests/test_fstrings.py)
    write(tmp_path, "app/new.py", 'def f(d):\n    print(f"{f"{d["k"]}"}")\n')
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    (entry,) = result.skipped
    assert entry.kind == "skipped" and entry.path == "app/new.py" and entry.line == 2
    assert "PEP 701 f-string" in entry.reason and "run backend-audit under Python 3.12" in entry.reason
    assert result.findings == [] and result.files_scanned == 0


def test_git_discovery_honours_gitignore_and_sees_untracked(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path, ".gitignore", "generated/\n")
    write(tmp_path, "app/a.py", "x = 1\n")
    write(tmp_path, "generated/b.py", "x = 1\n")
    write(tmp_path, "untracked.py", "x = 1\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "app/a.py", ".gitignore"], check=True)
    disc = discover([tmp_path], Settings())
    assert disc.in_git
    assert [f.rel for f in disc.files] == ["app/a.py", "untracked.py"]


def test_walk_applies_default_and_config_excludes(tmp_path):
    for rel in ("app/a.py", ".venv/lib/x.py", "node_modules/y.py", "build/z.py", "legacy/old.py", "app/m_pb2.py"):
        write(tmp_path, rel, "x = 1\n")
    disc = discover([tmp_path], Settings(exclude=("legacy/",)), use_git=False)
    assert [f.rel for f in disc.files] == ["app/a.py"]


def test_symlinks_outside_root_and_broken_are_skipped_with_reason(tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    root = tmp_path / "repo"
    write(root, "app/a.py", "x = 1\n")
    os.symlink(outside, root / "app" / "escape.py")
    os.symlink(root / "missing.py", root / "app" / "broken.py")
    os.symlink(root / "app" / "a.py", root / "app" / "inside.py")
    disc = discover([root], Settings(), use_git=False)
    assert [f.rel for f in disc.files] == ["app/a.py", "app/inside.py"]
    reasons = {s.path: s.reason for s in disc.skipped}
    assert "outside the scanned root" in reasons["app/escape.py"]
    assert "broken" in reasons["app/broken.py"]


def test_a_directory_that_cannot_be_listed_is_reported_not_dropped(tmp_path, monkeypatch):
    # (chmod 000 does not stop root, and CI runs as root: fail the listing itself)
    write(tmp_path, "app/a.py", "x = 1\n")
    write(tmp_path, "locked/b.py", "x = 1\n")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    disc = discover([tmp_path], Settings(), use_git=False)
    assert [f.rel for f in disc.files] == ["app/a.py"]
    assert [(s.path, s.reason) for s in disc.skipped] == [
        ("locked", "cannot list directory: Permission denied; its files were not scanned")]


@pytest.mark.parametrize("data,needle", [
    (b"x = 1\x00\n", "binary"),
    (b"# -*- coding: latin-1 -*-\nname = '\xe9'\n", None),
    (b"name = '\xe9'\n", "cannot decode"),
    (b"# -*- coding: klingon -*-\nx = 1\n", "encoding"),
    (b"\xef\xbb\xbfx = 1\n", None),
    (b"(" * 150 + b"1" + b")" * 150 + b"\n", "nested"),
])
def test_source_guards(tmp_path, data, needle):
    (tmp_path / "f.py").write_bytes(data)
    result = scan([tmp_path], Settings(jobs=1), use_git=False)
    if needle is None:
        assert result.files_scanned == 1 and not result.skipped
    else:
        assert result.files_scanned == 0
        assert needle in result.skipped[0].reason


def test_size_limit(tmp_path):
    write(tmp_path, "big.py", "x = 1\n" * 2000)
    result = scan([tmp_path], Settings(jobs=1, max_file_size=1000), use_git=False)
    assert "larger than" in result.skipped[0].reason and result.files_scanned == 0


def test_selection_most_specific_prefix_wins():
    rules = load_rules()
    sel = Selection(Settings(select=("BA-LOG",), ignore=("BA-LOG-003",)), rules)
    assert sel.enabled("BA-LOG-001") and not sel.enabled("BA-LOG-003") and not sel.enabled("BA-SQL-001")
    sel = Selection(Settings(ignore=("BA-",), extend_select=("BA-SQL-001",)), rules)
    assert sel.enabled("BA-SQL-001") and not sel.enabled("BA-LOG-001")
    sel = Selection(Settings(select=("BA-SQL",), ignore=("BA-SQL",)), rules)
    assert not sel.enabled("BA-SQL-001")  # a tie goes to ignore, as in flake8


def test_import_aliases_and_shadowing(tmp_path):
    write(tmp_path, "app/a.py", """\
        import subprocess as sp
        from subprocess import run as go

        def f(cmd):
            sp.run(f"ls {cmd}", shell=True)

        def g(cmd):
            print = log
            print(cmd)
        """)
    result = scan([tmp_path], Settings(jobs=1, select=("BA-INP-003", "BA-LOG-003")), use_git=False)
    assert [(f.rule_id, f.line) for f in result.findings] == [("BA-INP-003", 5)]


@pytest.mark.parametrize("use_git", [False, True])
def test_hidden_tooling_folders_are_excluded_counted_and_overridable(tmp_path, use_git):
    from tests import _gitrepo

    root = _gitrepo.init(tmp_path / "repo") if use_git else tmp_path / "repo"
    for rel in ("app/views.py", ".semgrep/rules/fixture.py", ".github/scripts/release.py", "app/.cache/gen.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x = 1\n", encoding="utf-8")
    disc = discover([root], Settings(), use_git=use_git)
    assert [f.rel for f in disc.files] == ["app/views.py"]
    assert disc.excluded == {".github": 1, ".semgrep": 1, "app/.cache": 1}
    everything = discover([root], Settings(extra={"include_hidden": True}), use_git=use_git)
    assert len(everything.files) == 4 and not everything.excluded
    some = discover([root], Settings(extra={"include_hidden": [".github"]}), use_git=use_git)
    assert [f.rel for f in some.files] == [".github/scripts/release.py", "app/views.py"]
    # a hidden folder named as the target itself is what the user asked for
    named = discover([root / ".semgrep"], Settings(), use_git=use_git)
    assert [f.rel.rpartition(".semgrep/")[2] for f in named.files] == ["rules/fixture.py"]
    result = scan([root], Settings(jobs=1, select=("BA-LOG-003",)), use_git=use_git)
    assert result.excluded == {".github": 1, ".semgrep": 1, "app/.cache": 1} and result.files_discovered == 1


def test_include_hidden_config_is_validated(tmp_path):
    from backend_audit.config import load_settings
    from backend_audit.errors import ConfigError

    (tmp_path / "pyproject.toml").write_text('[tool.backend-audit]\ninclude-hidden = ["github"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="include-hidden"):
        load_settings([tmp_path], None)
    (tmp_path / "pyproject.toml").write_text('[tool.backend-audit]\ninclude-hidden = [".github"]\n', encoding="utf-8")
    assert load_settings([tmp_path], None).extra["include_hidden"] == [".github"]


def test_console_entry_points_print_to_their_user(tmp_path):
    from backend_audit.config import load_settings

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shop"\n[project.scripts]\nshop-admin = "shop.admin_cli:main"\n'
        '[tool.poetry.scripts]\nshop-report = {reference = "shop.report", type = "console"}\n'
        # a module setuptools imports at build time prints to the build log; the package's __init__ (where
        # an attr naming `shop.__version__` would point) stays the app's
        '[tool.setuptools.dynamic]\nversion = {attr = "shop.version.get_version"}\n', encoding="utf-8")
    for rel in ("src/shop/admin_cli.py", "src/shop/report/__init__.py", "src/shop/views.py", "src/shop/version.py",
                "src/shop/__init__.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        # not `def main()`: that alone marks a program's entry point, and the entry points must be what tells
        (tmp_path / rel).write_text("def run():\n    print('done')\n", encoding="utf-8")
    settings = load_settings([tmp_path], None).with_(jobs=1, select=("BA-LOG-003",))
    assert settings.rule_options["BA-LOG-003"]["entry_modules"] == ["shop.admin_cli", "shop.report"]
    assert settings.rule_options["BA-LOG-003"]["build_modules"] == ["shop.version"]
    result = scan([tmp_path], settings, use_git=False)
    assert sorted(f.path for f in result.findings) == ["src/shop/__init__.py", "src/shop/views.py"]


def test_prefilter_search_in_utf8_bytes_matches_the_text():
    """A non-ASCII text is searched in its UTF-8 bytes: the answer must be the str search's."""
    from backend_audit.pipeline.runner import _mentions

    texts = ["plain md5(x)", "café = md5(x)", "naïve", "x = 'caf\udcc3' + md5(y)", "ÄÖÜ" * 100 + "evalex"]
    needles = [("md5",), ("ïv",), ("iv",), ("evalex", "nope"), ("é =",), ("e =",), ("\udcc3",)]
    for text in texts:
        for group in needles:
            assert _mentions(text, group) == any(n in text for n in group), (text, group)


def test_count_lines_counts_each_line_ending_as_python_does():
    from backend_audit.pipeline.source import _NEWLINE, count_lines

    for text in ("", "a", "a\n", "a\r\nb\rc\nd", "\r\r\n\n\r", "x\r\n\r\ny", "a\u2028b\x0cc\n"):
        ends = len(_NEWLINE.findall(text))
        assert count_lines(text) == (0 if not text else ends if text.endswith(("\n", "\r")) else ends + 1)
