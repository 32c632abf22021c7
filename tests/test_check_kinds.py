"""What the later stages ask of the check classes (whole-repository rule, sound on a file list, reads the
--changed-since ref, meta checks), kept in the user cache so that a warm scan imports no check module."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backend_audit import checks
from backend_audit.checks import base

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    checks.check_kinds.cache_clear()
    yield tmp_path / "backend-audit"
    checks.check_kinds.cache_clear()


def _from_classes() -> dict:
    out = {}
    for rid, classes in checks.all_checks().items():
        kinds = [k for k, yes in ((checks.PROJECT, any(issubclass(c, base.ProjectCheck) for c in classes)),
                                  (checks.WHOLE_REPO, not all(getattr(c, "SOUND_ON_FILE_SUBSET", False)
                                                              for c in classes)),
                                  (checks.CHANGED_SINCE, any(getattr(c, "READS_CHANGED_SINCE", False)
                                                             for c in classes))) if yes]
        out[rid] = (kinds, [c for c in classes if issubclass(c, base.MetaCheck)])
    return out


def _answers() -> dict:
    return {rid: ([k for k in (checks.PROJECT, checks.WHOLE_REPO, checks.CHANGED_SINCE)
                   if checks.has_kind(rid, k)], checks.meta_checks(rid)) for rid in checks.all_checks()}


def test_the_stored_answers_are_those_of_the_classes(cache_home, monkeypatch):
    made = _answers()
    assert made == _from_classes()
    assert any(kinds for kinds, _ in made.values()) and any(meta for _, meta in made.values())
    [stored] = cache_home.glob("check-kinds-*.json")
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    checks.check_kinds.cache_clear()
    monkeypatch.setattr(checks, "_kinds_of", lambda found: pytest.fail("made again instead of read"))
    assert _answers() == made


def test_answers_others_could_write_are_not_read(cache_home):
    checks.check_kinds()
    [stored] = cache_home.glob("check-kinds-*.json")
    stored.write_text('{"BA-SQL-001": {"kinds": [], "meta": []}}', encoding="utf-8")
    os.chmod(stored, 0o666)
    checks.check_kinds.cache_clear()
    assert checks.has_kind("BA-TEST-005", checks.PROJECT) and checks.has_kind("BA-SQL-001", checks.PROJECT) == \
        _from_classes()["BA-SQL-001"][0].count(checks.PROJECT) > 0


def test_a_malformed_copy_is_made_again(cache_home):
    checks.check_kinds()
    [stored] = cache_home.glob("check-kinds-*.json")
    stored.write_text('{"BA-META-001": {"kinds": [], "meta": [["os", "system"]]}}', encoding="utf-8")
    checks.check_kinds.cache_clear()
    assert _answers() == _from_classes()


def test_a_warm_scan_imports_no_check_but_the_meta_checks(tmp_path):
    """The warm scan's report equals the cold one's, with only the meta checks' module imported."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home")}
    tree = tmp_path / "examples"  # outside any git work tree: the project record is kept (a worktree's is not)
    shutil.copytree(EXAMPLES, tree)
    probe = ("import json, sys\nfrom backend_audit import cli\n"
             "rc = cli.main(['scan', sys.argv[1], '--cache-dir', sys.argv[2], '-q', '-f', 'json:' + sys.argv[3]] "
             "+ sys.argv[4:])\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('backend_audit.checks.'))))\n")
    outs = []
    for name, extra in (("cold", ["--no-cache"]), ("fill", []), ("warm", [])):
        out = tmp_path / f"{name}.json"
        proc = subprocess.run([sys.executable, "-c", probe, str(tree), str(tmp_path / "cache"), str(out),
                               *extra], env=env, capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        outs.append((out, proc.stdout.strip().splitlines()[-1]))
    assert _report(outs[2][0]) == _report(outs[0][0])
    assert "backend_audit.checks.sql" in outs[0][1]
    assert outs[2][1] == '["backend_audit.checks.base", "backend_audit.checks.lazy_re", "backend_audit.checks.meta"]'


def _report(path: Path) -> dict:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("summary", None)  # durations
    return data
