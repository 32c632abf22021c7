"""A scan lists a git work tree once (pipeline/git.py `listing`): discovery's `git ls-files` answers
BA-SEC-001's ask for the same listing, the project record's journal still counts that ask as a command run,
and outside a scan each ask runs git."""

from backend_audit.config import Settings
from backend_audit.pipeline import git as gitexec
from backend_audit.pipeline import project_record
from backend_audit.pipeline.runner import scan

from ._gitrepo import commit, init, write


def _counting(monkeypatch):
    runs = []
    real = gitexec.run

    def counting(cwd, *args, **kwargs):
        if "ls-files" in args:
            runs.append(args)
        return real(cwd, *args, **kwargs)

    monkeypatch.setattr(gitexec, "run", counting)
    return runs


def test_a_scan_runs_one_listing_and_the_secret_file_check_still_answers(tmp_path, monkeypatch):
    root = init(tmp_path / "repo")
    write(root, {".env": "DB_PASSWORD=app123\n", "app/config.py": "import os\n\nDEBUG = False\n"})
    commit(root, "base")
    runs = _counting(monkeypatch)
    result = scan([root], Settings(select=("BA-SEC-001",), jobs=1, extra={"no_cache": True}))
    assert [args[0] for args in runs] == ["ls-files"]  # discovery's; the check got the same answer
    assert (".env", "committed-file") in {(f.path, f.properties.get("sub")) for f in result.findings}


def test_an_answer_from_memory_is_journalled_as_the_command(tmp_path, monkeypatch):
    root = init(tmp_path / "repo")
    write(root, {"a.py": "x = 1\n"})
    commit(root, "base")
    runs = _counting(monkeypatch)
    with gitexec.config_read_once():
        first = gitexec.listing(root)
        with project_record.journal() as journal:
            again = gitexec.listing(root)
    assert len(runs) == 1 and again.stdout == first.stdout == b"a.py\0" and again.returncode == 0
    [argv] = journal.commands
    assert argv[0] == "git" and "ls-files" in argv
    assert project_record._listing_only(journal.commands)  # the record keys it on discovery's listing


def test_outside_a_scan_every_ask_runs_git(tmp_path, monkeypatch):
    root = init(tmp_path / "repo")
    write(root, {"a.py": "x = 1\n"})
    commit(root, "base")
    runs = _counting(monkeypatch)
    gitexec.listing(root)
    gitexec.listing(root)
    assert len(runs) == 2
