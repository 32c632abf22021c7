"""A scan that reuses the cache (the per-file entries, the project record, the base branch's record, the
changed files analysed beside the decoding of the cached facts) after one file changed reports exactly
what a scan without the cache reports, for edits whose effect lands in *other* files' findings."""

import json

import pytest

from backend_audit.pipeline import runner

from ._gitrepo import commit, git, init, run_cli, write

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


@pytest.mark.parametrize("overlap", [False, True], ids=["in-process", "worker beside the decoding"])
@pytest.mark.parametrize("shape", sorted(EDITS))
def test_one_edited_file_reports_what_a_scan_without_cache_does(tmp_path, monkeypatch, capsys, shape, overlap):
    pooled: list[int] = []
    if overlap:  # the changed file goes to a worker while this process decodes the cached facts
        monkeypatch.setattr(runner, "OVERLAP_MIN_BYTES", 0)
        monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
        real_pool = runner._run_pool

        def counting(files, *args, **kwargs):
            pooled.append(len(files))
            return real_pool(files, *args, **kwargs)

        monkeypatch.setattr(runner, "_run_pool", counting)
    root = init(tmp_path / "repo")
    write(root, FILES)
    commit(root, "base")
    monkeypatch.chdir(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    scan = ("scan", ".", "-j", "1", "-f", "json:-")
    _, before, _ = run_cli(capsys, *scan)  # the base branch's scan fills the cache and its record
    git(root, "checkout", "-q", "-b", "feature")
    path, text = EDITS[shape]
    write(root, {path: text})
    _, pull_request, _ = run_cli(capsys, *scan, "--changed-since", "main")
    _, pull_request_cold, _ = run_cli(capsys, *scan, "--changed-since", "main", "--no-cache")
    assert _strip(pull_request) == _strip(pull_request_cold)
    assert pooled == ([1] if overlap else []), "the changed file was not analysed where this case says"
    _, warm, _ = run_cli(capsys, *scan)
    _, cold, _ = run_cli(capsys, *scan, "--no-cache")
    assert _strip(warm) == _strip(cold)
    assert _elsewhere(json.loads(cold), path) != _elsewhere(json.loads(before), path), \
        "the edit must change what is reported about other files, or this test proves nothing"
