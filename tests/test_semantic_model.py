"""The semantic model (docs/semantic-model.md) on a multi-module project, scanned through the real pipeline."""

import textwrap

import pytest

from backend_audit.config import Settings
from backend_audit.model.project import ProjectModel
from backend_audit.model.semantic import UNKNOWN
from backend_audit.pipeline.runner import scan

FILES = {
    # a source root the scanner cannot know about: imports say `app.`, files live under backend/
    "backend/app/__init__.py": "",
    "backend/app/core/__init__.py": "from .config import settings\nfrom .security import *\n",
    "backend/app/core/config.py": """
        import os

        DEBUG = False
        BASE = "/api"
        VERSION = 1
        API_PREFIX = f"{BASE}/v{VERSION}"
        if DEBUG:
            API_PREFIX = "/debug"
        try:
            TIMEOUT = int(os.environ["TIMEOUT"])
        except KeyError:
            TIMEOUT = 10
        LEGACY = BASE + "/legacy" if not DEBUG else "/x"
        TABLES = ("users", "orders")

        class Settings:
            API_V1_STR: str = API_PREFIX
            PROJECT_NAME = "shop"
            SECRET = os.environ.get("SECRET")

        settings = Settings()
    """,
    "backend/app/core/security.py": """
        from django.contrib.auth.mixins import LoginRequiredMixin as LRM

        __all__ = ["PermissionMixin", "check"]

        class PermissionMixin(LRM):
            permission_required = "shop.view"

        def check(user):
            return user.is_authenticated
    """,
    "backend/app/views/__init__.py": "",
    "backend/app/views/base.py": """
        from app.core import PermissionMixin
        from broken import Mystery

        class BaseView:
            def dispatch(self, request):
                return self.handle(request)

            def handle(self, request):
                return None

        class BaseListView(PermissionMixin, BaseView):
            paginate_by = 50

        class Odd(Mystery):
            pass
    """,
    "backend/app/views/reports.py": """
        from ..core import settings as s, check
        from ..core.config import API_PREFIX, TABLES
        from . import base as views

        PREFIX = s.API_V1_STR + "/reports"
        FIRST = TABLES[0]

        def helper(value):
            return value.strip()

        class ReportListView(views.BaseListView):
            def handle(self, request):
                check(request.user)
                data = helper(request.GET["q"])
                return self.render(data)

            def render(self, data):
                import json
                return json.dumps(data)

        def build():
            def inner():
                return helper("x")
            view = ReportListView()
            return inner()
    """,
    "backend/broken.py": "def (:\n",
}


@pytest.fixture(scope="module")
def sm(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    result = scan([root], Settings(jobs=1, select=("BA-LOG-001",)), use_git=False)
    assert [s.path for s in result.skipped] == ["backend/broken.py"]
    return ProjectModel.build(root, result.file_results, result_settings()).semantic


def result_settings():
    return Settings(jobs=1)


def test_modules_and_paths(sm):
    assert sm.module_of("backend/app/views/reports.py") == "backend.app.views.reports"
    assert sm.path_of("backend.app.core") == "backend/app/core/__init__.py"
    assert sm.find_module("app.core.config", "backend.app.views.reports") == "backend.app.core.config"
    assert "backend.broken" in sm.unknown_modules


def test_constants_fold_through_imports_branches_and_instances(sm):
    m = "backend.app.views.reports"
    assert sm.constant("backend.app.core.config", "API_PREFIX") == "/api/v1"  # `if DEBUG:` is dead
    assert sm.constant(m, "API_PREFIX") == "/api/v1"
    assert sm.constant(m, "s.API_V1_STR") == "/api/v1"  # instance of Settings, re-exported by the package
    assert sm.constant(m, "PREFIX") == "/api/v1/reports"
    assert sm.constant(m, "FIRST") == "users"
    assert sm.constant("backend.app.core.config", "LEGACY") == "/api/legacy"
    assert sm.constant("backend.app.core.config", "TIMEOUT") is UNKNOWN  # assigned in try/except
    assert sm.constant("backend.app.core.config", "settings.SECRET") is UNKNOWN  # from the environment
    assert sm.constant(m, "nothing.here") is UNKNOWN


def test_resolution_follows_relative_imports_reexports_and_stars(sm):
    m = "backend.app.views.reports"
    assert sm.resolve(m, "check").qualname == "backend.app.core.security.check"  # star import in __init__
    assert sm.resolve(m, "views.BaseListView").kind == "class"
    assert sm.resolve(m, "helper").kind == "function"
    ext = sm.resolve("backend.app.core.security", "LRM")
    assert (ext.kind, ext.qualname) == ("external", "django.contrib.auth.mixins.LoginRequiredMixin")


def test_mro_crosses_modules_and_names_external_and_unknown_bases(sm):
    assert sm.mro("backend.app.views.reports.ReportListView") == [
        "backend.app.views.reports.ReportListView",
        "backend.app.views.base.BaseListView",
        "backend.app.core.security.PermissionMixin",
        "django.contrib.auth.mixins.LoginRequiredMixin",
        "backend.app.views.base.BaseView",
    ]
    assert sm.mro("backend.app.views.base.Odd") == ["backend.app.views.base.Odd", "?backend.broken.Mystery"]
    assert sm.class_attr("backend.app.views.reports.ReportListView", "permission_required") == (
        "backend.app.core.security.PermissionMixin", {"v": "shop.view"})
    assert "backend.app.views.reports.ReportListView" in sm.subclasses_of("backend.app.views.base.BaseView")


def test_call_graph(sm):
    handle = "backend.app.views.reports.ReportListView.handle"
    assert sm.callees(handle) == {"backend.app.core.security.check", "backend.app.views.reports.helper",
                                  "backend.app.views.reports.ReportListView.render"}
    assert sm.call_target("backend.app.views.base.BaseView.dispatch", "self.handle") == \
        "backend.app.views.base.BaseView.handle"
    build = "backend.app.views.reports.build"
    assert sm.callees(build) == {"backend.app.views.reports.build.inner"}
    assert sm.callers("backend.app.views.reports.helper") == {handle, "backend.app.views.reports.build.inner"}
    assert sm.function(handle).params == ["self", "request"]


def test_summary_is_json_safe_and_deterministic(tmp_path):
    import json

    (tmp_path / "m.py").write_text("X = 'a' * 10**9\nY = [1, 2] * 3\nclass C:\n    Z = X\n")
    r1 = scan([tmp_path], Settings(jobs=1, select=("BA-LOG-001",)), use_git=False, )
    facts = r1.file_results[0].facts["semantic"]
    assert json.loads(json.dumps(facts)) == facts
    assert "X" not in facts["constants"]  # refused: too large to fold
    assert facts["constants"]["Y"] == {"v": [1, 2, 1, 2, 1, 2]}
