"""The project pass's results kept in the cache: reused only when its inputs are unchanged, and then the
reports are those of a scan without the cache."""

import json
from pathlib import Path

import pytest

from backend_audit.config import Settings
from backend_audit.pipeline import project_record, runner
from backend_audit.pipeline.cache import DEFAULT_DIR
from backend_audit.pipeline.runner import scan
from backend_audit.reporters import json_

SETTINGS = Settings(jobs=1)
FLOW = ("def q(cursor, request):\n"
        "    v = request.GET['v']\n"
        "    cursor.execute('SELECT * FROM t WHERE a = ' + v)\n")
VIEWS = ("from django.http import JsonResponse\n\n\n"
         "def items(request):\n    return JsonResponse({'items': []})\n")
URLS = "from django.urls import path\nfrom . import views\n\nurlpatterns = [path('items/', views.items)]\n"


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "db.py").write_text(FLOW, encoding="utf-8")
    (root / "app" / "views.py").write_text(VIEWS, encoding="utf-8")
    (root / "app" / "urls.py").write_text(URLS, encoding="utf-8")
    (root / "requirements.txt").write_text("django==4.2\n", encoding="utf-8")
    return root


@pytest.fixture
def passes(monkeypatch) -> list[int]:
    """How many times the project pass really ran."""
    ran: list[int] = []
    real = runner.run_project_checks

    def counting(*args, **kwargs):
        ran.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "run_project_checks", counting)
    return ran


def report(result) -> str:
    data = json_.to_data(result, {})
    data.pop("summary", None)  # durations
    return json.dumps(data, sort_keys=True)


def cold(root: Path) -> str:
    return report(scan([root], SETTINGS.with_(extra={"no_cache": True}), use_git=False))


def test_an_unchanged_tree_reuses_the_project_pass(tmp_path, passes):
    root = tree(tmp_path)
    first = report(scan([root], SETTINGS, use_git=False))
    assert passes == [1]
    again = scan([root], SETTINGS, use_git=False)
    assert passes == [1], "the stored record was not reused"
    assert report(again) == first == cold(root)
    assert again.endpoints and any(f.rule_id == "BA-SQL-001" for f in again.findings)


def test_a_change_that_keeps_every_fact_reuses_it(tmp_path, passes):
    root = tree(tmp_path)
    scan([root], SETTINGS, use_git=False)
    with (root / "app" / "views.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment at the end changes no fact\n")
    warm = report(scan([root], SETTINGS, use_git=False))
    assert len(passes) == 1 and warm == cold(root)


def test_a_changed_fact_runs_the_project_pass(tmp_path, passes):
    root = tree(tmp_path)
    scan([root], SETTINGS, use_git=False)
    (root / "app" / "urls.py").write_text(URLS.replace("'items/'", "'things/'"), encoding="utf-8")
    warm = scan([root], SETTINGS, use_git=False)
    assert len(passes) == 2 and report(warm) == cold(root)
    assert [e["path"] for e in warm.endpoints] == ["/things/"]


def test_a_changed_file_outside_the_analysed_ones_runs_it(tmp_path, passes):
    """requirements, coverage data, .env files: read by project rules from the tree, covered by its stat."""
    root = tree(tmp_path)
    scan([root], SETTINGS, use_git=False)
    (root / ".env").write_text("SECRET_KEY=8f3a9c2e7b1d4f6a0c5e9b3d7f2a6c1e\n", encoding="utf-8")
    warm = report(scan([root], SETTINGS, use_git=False))
    assert len(passes) == 2 and warm == cold(root)
    (root / "requirements.txt").write_text("django==4.2\ndjango-ratelimit==4.1\n", encoding="utf-8")
    warm = report(scan([root], SETTINGS, use_git=False))
    assert len(passes) == 4 and warm == cold(root)  # the cold scan of the first change counts one


def test_a_line_the_project_pass_quotes_is_tracked_by_content(tmp_path, passes):
    """A taint trace quotes source lines read from the file: a comment added on such a line changes no fact,
    but it changes the report, so the record (which journalled that read) is not reused."""
    root = tree(tmp_path)
    first = scan([root], SETTINGS, use_git=False)
    assert any("request.GET['v']" in step["message"] for f in first.findings for step in f.trace or ()), \
        "the fixture needs a trace step quoting its source line"
    (root / "app" / "db.py").write_text(FLOW.replace("request.GET['v']\n", "request.GET['v']  # raw input\n"),
                                        encoding="utf-8")
    warm = scan([root], SETTINGS, use_git=False)
    assert len(passes) == 2 and report(warm) == cold(root)
    assert any("# raw input" in step["message"] for f in warm.findings for step in f.trace or ())


def test_other_settings_run_the_project_pass(tmp_path, passes):
    root = tree(tmp_path)
    scan([root], SETTINGS, use_git=False)
    scan([root], SETTINGS.with_(extra={"public_paths": ["/items/*"]}), use_git=False)
    assert len(passes) == 2


def test_an_edited_record_is_not_trusted(tmp_path, passes):
    """The record shares the pack's HMAC: a shared cache edited to drop a project finding is recomputed."""
    root = tree(tmp_path)
    first = report(scan([root], SETTINGS, use_git=False))
    [pack] = (root / DEFAULT_DIR / "v2").glob("*.pack")
    lines = pack.read_bytes().split(b"\n")
    for i, line in enumerate(lines):
        if line.split(b"\t")[1:2] == [b"project"]:
            mac, name, payload = line.split(b"\t", 2)
            record = json.loads(payload)
            record["out"]["findings"] = []
            lines[i] = b"\t".join([mac, name, json.dumps(record, separators=(",", ":")).encode()])
            break
    else:
        raise AssertionError("no project record in the pack")
    pack.write_bytes(b"\n".join(lines))
    assert report(scan([root], SETTINGS, use_git=False)) == first and len(passes) == 2


def test_the_journal_refuses_what_the_record_cannot_account_for(tmp_path):
    root = tree(tmp_path)
    inputs = project_record.Inputs(root=root, key="k", content_keys={"app/db.py": "c1"}, skip=set())
    journal = project_record.Journal()
    journal.opened = [str(root / "app" / "db.py"), str(root / "requirements.txt")]
    record = json.loads(inputs.record(journal, [], {}, None, None))
    assert record["read"] == {"app/db.py": "c1"}
    assert list(record["files"]) == ["requirements.txt"]  # not analysed: kept by the digest of its bytes
    for bad in (lambda j: j.commands.append(["/usr/bin/curl", "http://x"]),
                lambda j: j.opened.append(str(root / ".git" / "packed-refs")),
                lambda j: j.listed.append(str(root / "app" / "__pycache__"))):
        journal = project_record.Journal()
        bad(journal)
        assert inputs.record(journal, [], {}, None, None) is None
    # outputs that would not come back from JSON as they were (a tuple) are not stored
    assert inputs.record(project_record.Journal(), [], {"coverage": {"lines": (1, 2)}}, None, None) is None


def test_a_large_tree_gets_no_record(tmp_path, monkeypatch):
    root = tree(tmp_path)
    monkeypatch.setattr(project_record, "MAX_ENTRIES", 3)
    assert project_record.world_digest(root, set(), set()) is None
    monkeypatch.setattr(project_record, "MAX_ENTRIES", 100)
    before = project_record.world_digest(root, {"app/db.py"}, set())
    (root / "app" / "db.py").write_text("x = 1\n", encoding="utf-8")  # analysed: its facts stand for it
    assert project_record.world_digest(root, {"app/db.py"}, set()) == before
    (root / "notes.txt").write_text("x\n", encoding="utf-8")
    assert project_record.world_digest(root, {"app/db.py"}, set()) != before


def test_a_file_the_pass_read_is_tracked_by_content_not_stat(tmp_path, passes):
    """requirements.txt is read by the project pass: an edit that keeps its size (and could keep its mtime)
    runs the pass again; rewriting it with the same bytes does not."""
    root = tree(tmp_path)
    scan([root], SETTINGS, use_git=False)
    (root / "requirements.txt").write_text("django==4.2\n", encoding="utf-8")  # new mtime, same bytes
    scan([root], SETTINGS, use_git=False)
    assert len(passes) == 1
    (root / "requirements.txt").write_text("django==4.1\n", encoding="utf-8")
    assert report(scan([root], SETTINGS, use_git=False)) == cold(root) and len(passes) == 3


def _fresh_checkout(root: Path) -> None:
    """What actions/checkout leaves on a restored cache: the same commit's bytes, every file new (other
    mtime, ctime and inode), a new git index."""
    from ._gitrepo import git

    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts
                       and DEFAULT_DIR not in p.relative_to(root).parts):
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    (root / ".git" / "index").unlink()
    git(root, "reset", "-q")


def test_a_fresh_checkout_of_the_same_commit_reuses_the_record(tmp_path, passes, monkeypatch):
    """CI restores the cache into a new checkout: the record is keyed on contents (and on the listing `git
    ls-files` gives), so it still serves, with the report of a scan without the cache."""
    from ._gitrepo import commit, git, init, write

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    root = init(tmp_path / "repo")
    write(root, {"app/views.py": VIEWS, "app/urls.py": URLS, "app/db.py": FLOW, "requirements.txt": "django\n",
                 ".env": "SECRET_KEY=8f3a9c2e7b1d4f6a0c5e9b3d7f2a6c1e\n", ".gitignore": "*.log\n"})
    commit(root, "base")
    first = report(scan([root], SETTINGS))
    assert passes == [1]
    _fresh_checkout(root)
    again = report(scan([root], SETTINGS))
    assert passes == [1], "a fresh checkout of the same commit did not reuse the project record"
    assert again == first == report(scan([root], SETTINGS.with_(extra={"no_cache": True})))
    git(root, "rm", "-q", "--cached", ".env")
    (root / ".gitignore").write_text(".env\n\n", encoding="utf-8")  # same size: only `git ls-files` tells
    assert report(scan([root], SETTINGS)) == report(scan([root], SETTINGS.with_(extra={"no_cache": True})))
    assert len(passes) == 4  # the pass ran again (and once more without the cache)


def test_an_mtime_the_pass_compares_is_in_the_record(tmp_path):
    """Coverage data older than a source file is stale: code comparing mtimes raises STAT_EVENT, and the
    record then holds that file's stat (mtimes are otherwise left out of the key)."""
    import os
    import sys

    root = tree(tmp_path)
    inputs = project_record.Inputs.of(root, SETTINGS, [], {}, {}, set())
    with project_record.journal() as journal:
        sys.audit(project_record.STAT_EVENT, str(root / "requirements.txt"))
    assert journal.stat == [str(root / "requirements.txt")]
    record = inputs.record(journal, [], {}, None, None)
    assert inputs.lookup(record) is not None
    st = os.stat(root / "requirements.txt")
    os.utime(root / "requirements.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert inputs.lookup(record) is None


def test_the_example_backend_reports_the_same_warm_and_cold(tmp_path, passes, monkeypatch):
    """On a real layout (examples/): the warm scan reuses the pass and every report section is the cold one's.
    The facts later stages read (cache.EAGER_FACTS) are never changed by the project pass: a reusing scan,
    which skips the pass, must see what a cold scan sees."""
    import copy
    import shutil

    from backend_audit.pipeline.cache import EAGER_FACTS

    root = tmp_path / "examples"
    # without the cache another test's scan of examples/ may have left there
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples", root, ignore=shutil.ignore_patterns(DEFAULT_DIR))
    seen: list[tuple[dict, list]] = []
    real = runner._project_pass

    def checking(inputs, cache, file_results, *args, **kwargs):
        before = {fr.path: copy.deepcopy({k: fr.fact(k) for k in EAGER_FACTS}) for fr in file_results}
        out = real(inputs, cache, file_results, *args, **kwargs)
        seen.append((before, file_results))
        return out

    monkeypatch.setattr(runner, "_project_pass", checking)
    first = report(scan([root], SETTINGS, use_git=False))
    before, results = seen[0]
    assert {fr.path: {k: fr.fact(k) for k in EAGER_FACTS} for fr in results} == before
    warm = report(scan([root], SETTINGS, use_git=False))
    assert len(passes) == 1 and warm == first == cold(root)


def test_the_base_pass_takes_a_plain_scan_record_of_the_base(tmp_path, monkeypatch, capsys):
    """Scan main (the record is made), change a file, scan --changed-since main: the rules the change affects
    take their base findings from the record instead of running again, and the report is the one a scan
    without the cache gives."""
    from ._gitrepo import commit, git, init, run_cli, write

    root = init(tmp_path / "repo")
    write(root, {"app/views.py": VIEWS, "app/urls.py": URLS, "app/db.py": FLOW, "requirements.txt": "django\n"})
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "feature")
    monkeypatch.chdir(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    run_cli(capsys, "scan", ".", "-j", "1", "-f", "json:-")  # the base branch's scan
    only: list = []
    real = runner.run_project_checks

    def counting(*args, **kwargs):
        only.append(kwargs.get("only"))
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "run_project_checks", counting)
    write(root, {"app/views.py": VIEWS + "\n\ndef more(request):\n    return JsonResponse({})\n",
                 "app/urls.py": URLS.replace("]", ", path('more/', views.more)]")})
    code, warm, _ = run_cli(capsys, "scan", ".", "-j", "1", "-f", "json:-", "--changed-since", "main")
    assert only == [None], "the base pass ran project rules again"
    _, cold, _ = run_cli(capsys, "scan", ".", "-j", "1", "-f", "json:-", "--changed-since", "main", "--no-cache")
    assert [o for o in only[1:] if o], "the scan without cache runs the affected rules at the base"
    strip = lambda out: {k: v for k, v in json.loads(out).items() if k != "summary"}  # noqa: E731
    assert strip(warm) == strip(cold) and json.loads(warm)["changes"]["findings_outside_change"] > 0
    assert any(f["path"] == "app/views.py" for f in json.loads(warm)["findings"])


def test_rules_reading_the_ref_say_so():
    """A project rule whose module reads --changed-since must declare READS_CHANGED_SINCE: its base findings
    cannot come from a record made without the ref."""
    import inspect

    from backend_audit.checks import all_checks
    from backend_audit.checks.base import ProjectCheck

    for classes in all_checks().values():
        for cls in classes:
            if issubclass(cls, ProjectCheck) and "changed_since" in inspect.getsource(cls):
                assert cls.READS_CHANGED_SINCE, cls


def test_a_scan_leaves_the_cyclic_collector_as_it_found_it(tmp_path, passes):
    """The cached facts are frozen while the project pass runs (the collector would traverse millions of
    acyclic containers); the scan hands them back, and leaves alone a freeze the host process made."""
    import gc

    root = tree(tmp_path)
    scan([root], SETTINGS, use_git=False)
    (root / "app" / "urls.py").write_text(URLS.replace("'items/'", "'things/'"), encoding="utf-8")
    scan([root], SETTINGS, use_git=False)  # decodes the cached facts for the pass
    assert len(passes) == 2 and gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        (root / "app" / "urls.py").write_text(URLS, encoding="utf-8")
        scan([root], SETTINGS, use_git=False)
        # the host's frozen objects stay frozen (an unfreeze would empty the generation, a freeze of the
        # scan's facts left behind would grow it); a few may be freed by reference counting meanwhile (a
        # module-level memo the host froze and the scan replaced), so the count may only go down a little
        assert len(passes) == 3 and gc.isenabled() and frozen - 100 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_the_tree_is_walked_once_per_scan_and_the_record_still_sees_every_listing(tmp_path, monkeypatch):
    """The whole-repository rules and the checklist share one walk of the tree (discovery.walks_once); a
    repeated ask replays the listing's audit events, so the record's journal is what the walks would make."""
    from backend_audit.pipeline import discovery

    root = tree(tmp_path)
    walks: list[str] = []
    real = discovery.scan_tree

    def counting(top, *args, **kwargs):
        walks.append(top)
        return real(top, *args, **kwargs)

    monkeypatch.setattr(discovery, "scan_tree", counting)
    first = discovery.repository_files(root, 20000)
    with discovery.walks_once(), project_record.journal() as journal:
        assert discovery.repository_files(root, 20000) == first
        listed = list(journal.listed)
        assert discovery.repository_files(root, 20000) == first
        assert discovery.repository_files(root) == first  # another limit: walked again
    assert len(walks) == 3
    assert listed and journal.listed == listed * 2 + listed
    assert report(scan([root], SETTINGS, use_git=False)) == cold(root)


def test_a_walk_made_ahead_keys_the_record_only_for_its_own_paths(tmp_path):
    """Inputs.of takes the tree's walk made beside a worker only when it was made for the same root, paths and
    skips; another one (a file list that changed) is walked again, never trusted."""
    from backend_audit.findings import FileResult

    root = tree(tmp_path)
    results = [FileResult(path=p, facts={}) for p in ("app/db.py", "app/urls.py", "app/views.py")]
    digests = {fr.path: "d" for fr in results}
    key = project_record.Inputs.of(root, SETTINGS, results, digests, {}, set()).key
    made = project_record.Walked.of(root, {fr.path for fr in results}, set())
    assert project_record.Inputs.of(root, SETTINGS, results, digests, {}, set(), walked=made).key == key
    stale = project_record.Walked(root, made.paths, made.skip, "not the tree's digest")
    assert project_record.Inputs.of(root, SETTINGS, results, digests, {}, set(), walked=stale).key != key
    for other in (project_record.Walked.of(root, {"app/db.py"}, set()),
                  project_record.Walked.of(root, made.paths, {str(root / "app")}),
                  project_record.Walked.of(tmp_path, made.paths, set())):
        assert project_record.Inputs.of(root, SETTINGS, results, digests, {}, set(), walked=other).key == key
