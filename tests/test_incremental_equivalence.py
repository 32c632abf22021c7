"""A scan that reuses the cache (the per-file entries, the project record, the base branch's record, the
changed files analysed beside the decoding of the cached facts) after one file changed reports exactly
what a scan without the cache reports, for edits whose effect lands in *other* files' findings."""

import json

import pytest

from backend_audit.model.semantic import SemanticModel
from backend_audit.pipeline import base_prep, runner

from ._gitrepo import commit, git, init, run_cli, write
from .test_project_record import passes  # noqa: F401 (a fixture: how many times the project pass ran)

BASE = ("from django.contrib.auth.mixins import LoginRequiredMixin\nfrom django.views import View\n\n\n"
        "class Protected(LoginRequiredMixin, View):\n    pass\n")
DECORATORS = ("from functools import wraps\n\nfrom django.core.exceptions import PermissionDenied\n\n\n"
              "def staff_only(view):\n    @wraps(view)\n    def wrapper(request, *args, **kwargs):\n"
              "        if not request.user.is_staff:\n            raise PermissionDenied\n"
              "        return view(request, *args, **kwargs)\n    return wrapper\n")
HELPERS = "def clean(value):\n    return int(value)\n"
VIEWS = ("from django.db import connection\nfrom django.http import JsonResponse\n\nfrom .base import Protected\n"
         "from .decorators import staff_only\nfrom .helpers import clean\n\n\nclass Items(Protected):\n"
         "    def get(self, request):\n        return JsonResponse({'items': []})\n\n"
         "    def post(self, request):\n        return JsonResponse({'ok': True})\n\n\n@staff_only\n"
         "def delete_all(request):\n    with connection.cursor() as cursor:\n"
         "        cursor.execute('DELETE FROM t WHERE id = %s' % clean(request.GET['id']))\n"
         "    return JsonResponse({'ok': True})\n")
URLS = ("from django.urls import path\n\nfrom . import views\n\nurlpatterns = [\n"
        "    path('items/', views.Items.as_view()),\n    path('delete/', views.delete_all),\n]\n")
FILES = {"app/base.py": BASE, "app/decorators.py": DECORATORS, "app/helpers.py": HELPERS, "app/views.py": VIEWS,
         "app/urls.py": URLS}

# one edit per way a file feeds other files' findings
EDITS = {
    "base class": ("app/base.py", BASE.replace("class Protected(LoginRequiredMixin, View)", "class Protected(View)")),
    "auth decorator": ("app/decorators.py", DECORATORS.replace(
        "        if not request.user.is_staff:\n            raise PermissionDenied\n", "")),
    "URL conf": ("app/urls.py", URLS.replace("]\n", "    path('items/<int:pk>/', views.delete_all),\n]\n")),
    "taint summary": ("app/helpers.py", HELPERS.replace("int(value)", "value")),
}


def _strip(out: str) -> dict:
    return {k: v for k, v in json.loads(out).items() if k != "summary"}


def _elsewhere(report: dict, edited: str) -> list:
    """What the report says about files other than the edited one."""
    return [[f["rule_id"], f["path"], f["line"], f["message"]] for f in report["findings"] if f["path"] != edited] \
        + [[e["path"], e.get("auth")] for e in report.get("endpoints") or []]


SCAN = ("scan", ".", "-j", "1", "-f", "json:-")


def _base_branch_scanned(tmp_path, monkeypatch, capsys):
    """(repository, report): the base branch's scan has filled the cache and its project record."""
    root = init(tmp_path / "repo")
    write(root, FILES)
    commit(root, "base")
    monkeypatch.chdir(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    return root, run_cli(capsys, *SCAN)[1]


def _watch_pool_and_early_base(monkeypatch) -> tuple[list[int], list[tuple[bool, bool]]]:
    """The changed file goes to a worker while this process decodes the cached facts. Returns the sizes of
    the worker batches, and per base pass (whether its inputs were prepared beside the worker, whether the
    stored record served them)."""
    pooled: list[int] = []
    used: list[tuple[bool, bool]] = []
    monkeypatch.setattr(runner, "OVERLAP_MIN_BYTES", 0)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    real_pool, real_fits = runner._run_pool, base_prep.Early.fits

    def counting(files, *args, **kwargs):
        pooled.append(len(files))
        return real_pool(files, *args, **kwargs)

    def fits(self, kept):
        ok = real_fits(self, kept)
        used.append((ok, ok and self.stored is not None))
        return ok

    monkeypatch.setattr(runner, "_run_pool", counting)
    monkeypatch.setattr(base_prep.Early, "fits", fits)
    return pooled, used


def _count_semantic_parts_ahead(monkeypatch) -> list[int]:
    """Per semantic model built, how many modules' parts were made ahead of it (beside the worker)."""
    counts: list[int] = []
    real = SemanticModel.__init__

    def init(self, facts, unknown_paths=(), ahead=None):
        counts.append(len(ahead or {}))
        real(self, facts, unknown_paths, ahead)

    monkeypatch.setattr(SemanticModel, "__init__", init)
    return counts


@pytest.mark.parametrize("overlap", [False, True], ids=["in-process", "worker beside the decoding"])
@pytest.mark.parametrize("shape", sorted(EDITS))
def test_one_edited_file_reports_what_a_scan_without_cache_does(tmp_path, monkeypatch, capsys, shape, overlap):
    pooled, early = _watch_pool_and_early_base(monkeypatch) if overlap else ([], [])
    root, before = _base_branch_scanned(tmp_path, monkeypatch, capsys)
    git(root, "checkout", "-q", "-b", "feature")
    path, text = EDITS[shape]
    write(root, {path: text})
    ahead = _count_semantic_parts_ahead(monkeypatch)
    _, pull_request, _ = run_cli(capsys, *SCAN, "--changed-since", "main")
    # beside the worker, the semantic parts of the four files the change left alone were made ahead
    assert ahead[:1] == [len(FILES) - 1 if overlap else 0]
    _, pull_request_cold, _ = run_cli(capsys, *SCAN, "--changed-since", "main", "--no-cache")
    assert _strip(pull_request) == _strip(pull_request_cold)
    assert pooled == ([1] if overlap else []), "the changed file was not analysed where this case says"
    # beside the worker, the base pass's inputs (the base branch's record included) were made in its wait
    assert early == ([(True, True)] if overlap else [])
    _, warm, _ = run_cli(capsys, *SCAN)
    _, cold, _ = run_cli(capsys, *SCAN, "--no-cache")
    assert _strip(warm) == _strip(cold)
    assert _elsewhere(json.loads(cold), path) != _elsewhere(json.loads(before), path), \
        "the edit must change what is reported about other files, or this test proves nothing"


def test_a_miss_outside_the_change_leaves_the_base_pass_to_prepare_itself(tmp_path, monkeypatch, capsys):
    """A file the change did not touch but the cache does not hold (committed on the base branch after its
    last scan) is analysed beside the changed one: the base pass keeps that worker's result, so nothing can
    be prepared before it arrives, and the report is still what a scan without the cache gives."""
    pooled, early = _watch_pool_and_early_base(monkeypatch)
    root, _ = _base_branch_scanned(tmp_path, monkeypatch, capsys)
    write(root, {"app/later.py": HELPERS.replace("clean", "later")})
    commit(root, "after the base branch's scan")
    git(root, "checkout", "-q", "-b", "feature")
    path, text = EDITS["taint summary"]
    write(root, {path: text})
    _, pull_request, _ = run_cli(capsys, *SCAN, "--changed-since", "main")
    _, pull_request_cold, _ = run_cli(capsys, *SCAN, "--changed-since", "main", "--no-cache")
    assert _strip(pull_request) == _strip(pull_request_cold)
    assert pooled == [2] and early == [(False, False)]


def _watch_walks(monkeypatch) -> list[bool]:
    """Per project record key made, whether the tree's walk made beside the worker served it."""
    from backend_audit.pipeline import project_record

    used: list[bool] = []
    real = project_record.Inputs.of.__func__

    def of(cls, root, settings, file_results, digests, content_keys, skip, git_listing=None, walked=None):
        used.append(walked is not None and walked.paths == {fr.path for fr in file_results})
        return real(cls, root, settings, file_results, digests, content_keys, skip, git_listing, walked)

    monkeypatch.setattr(project_record.Inputs, "of", classmethod(of))
    return used


@pytest.mark.parametrize("shape", sorted(EDITS))
def test_a_plain_scan_of_one_large_edit_in_a_worker_reports_what_a_scan_without_cache_does(
        tmp_path, monkeypatch, capsys, shape, passes):
    """A plain scan's large miss goes to a worker while this process loads the hits and walks the tree for the
    project record's key; the edit changes facts, so the stored record must not serve: the pass runs again."""
    pooled, _ = _watch_pool_and_early_base(monkeypatch)
    root, before = _base_branch_scanned(tmp_path, monkeypatch, capsys)
    walks = _watch_walks(monkeypatch)
    passes.clear()  # the base branch's scan ran the pass
    path, text = EDITS[shape]
    write(root, {path: text})
    _, warm, _ = run_cli(capsys, *SCAN)
    assert pooled == [1] and walks == [True] and passes == [1]
    _, cold, _ = run_cli(capsys, *SCAN, "--no-cache")
    assert _strip(warm) == _strip(cold)
    assert _elsewhere(json.loads(cold), path) != _elsewhere(json.loads(before), path)


def test_a_comment_edited_in_a_worker_reuses_the_record_unless_the_tree_changed(tmp_path, monkeypatch, capsys,
                                                                                passes):
    """A comment leaves every fact as it was: the record serves, keyed by the walk made beside the worker. A
    requirements file of another size besides it changes that walk: the pass runs again."""
    pooled, _ = _watch_pool_and_early_base(monkeypatch)
    root, before = _base_branch_scanned(tmp_path, monkeypatch, capsys)
    walks = _watch_walks(monkeypatch)
    passes.clear()  # the base branch's scan ran the pass
    write(root, {"app/helpers.py": HELPERS + "# a comment\n"})
    _, warm, _ = run_cli(capsys, *SCAN)
    assert pooled == [1] and walks == [True] and passes == []
    assert _strip(warm) == _strip(before)
    write(root, {"app/helpers.py": HELPERS + "# another comment\n", "requirements.txt": "django==4.2\n"})
    _, warm, _ = run_cli(capsys, *SCAN)
    assert pooled == [1, 1] and walks == [True, True] and passes == [1]
    _, cold, _ = run_cli(capsys, *SCAN, "--no-cache")
    assert _strip(warm) == _strip(cold)

