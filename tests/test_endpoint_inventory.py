"""The endpoint inventory is exact on three small multi-file apps: method, path, handler and auth of each."""

import json
import shutil
from pathlib import Path

import pytest

from backend_audit.cli import main
from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

FIXTURES = Path(__file__).parent / "fixtures"


def inventory(tmp_path, name):
    # Copied out of tests/: inside the repository these files count as test code, which is never inventoried.
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    result = scan([target], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert not result.skipped
    rows = {(",".join(e["methods"]), e["path"], e["handler"], e["auth"]) for e in result.endpoints}
    return rows, result


def test_fastapi_inventory_joins_prefixes_and_dependencies_across_modules(tmp_path):
    rows, result = inventory(tmp_path, "fastapi_app")
    assert rows == {
        ("GET", "/healthz", "healthz", "none"),
        ("POST", "/internal/reindex", "reindex", "dependency: verify_api_key"),  # FastAPI(dependencies=...)
        ("WEBSOCKET", "/v1/items/ws", "feed", "dependency: verify_api_key"),  # include_router(dependencies=...)
        ("GET", "/v1/items/{item_id}", "get_item", "dependency: verify_api_key"),
        ("GET", "/v1/users/", "list_users", "none"),
        ("POST", "/v1/users/", "create_user", "dependency: load_user"),  # Annotated alias from another module
        ("DELETE", "/v1/users/admin/purge", "purge", "dependency: load_user"),  # nested router, 3 prefixes
        ("PATCH,PUT", "/v1/users/{uid}", "replace_user", "none"),
    }
    by_handler = {e["handler"]: e for e in result.endpoints}
    assert by_handler["replace_user"]["validation"] == "untyped body"
    assert by_handler["create_user"]["validation"] == "schema: UserIn"
    assert by_handler["list_users"]["pagination"] == "parameters: limit"
    assert by_handler["purge"]["file"].endswith("app/routers/admin.py") and by_handler["purge"]["line"] == 7
    # /healthz is on the public allow-list; the two others are real findings
    flagged = sorted((f.path.rsplit("/", 1)[-1], f.line, f.level) for f in result.findings)
    assert flagged == [("users.py", 11, "note"), ("users.py", 21, "error")]  # list_users asks nobody; a PUT


def test_flask_inventory_blueprints_method_views_and_hooks(tmp_path):
    rows, _ = inventory(tmp_path, "flask_app")
    assert rows == {
        ("POST", "/api/login", "login", "public (account flow: login)"),
        ("POST", "/api/orders", "create_order", "decorator: login_required"),
        ("GET", "/api/search", "search", "none"),
        ("DELETE", "/backoffice/users/<int:uid>", "delete_user", "before_request: require_staff"),  # prefix override
        ("DELETE,GET", "/items/<int:item_id>", "ItemAPI", "decorators attribute: login_required"),
    }


def test_django_inventory_follows_includes_routers_and_settings(tmp_path):
    rows, result = inventory(tmp_path, "django_app")
    assert rows == {
        ("GET", "/about/", "about", "public (static page: answers from constants, settings and the URL; reads no stored data)"),
        ("GET", "/shop/", "index", "public (static page: answers from constants, settings and the URL; reads no stored data)"),
        ("GET,POST", "/shop/api/orders/", "OrderViewSet", "public (permission_classes = [])"),
        ("DELETE,GET,PATCH,PUT", "/shop/api/orders/{pk}/", "OrderViewSet", "public (permission_classes = [])"),
        ("POST", "/shop/api/orders/{pk}/cancel/", "OrderViewSet.cancel", "public (permission_classes = [])"),
        ("GET", "/shop/api/prices/", "PublicPrices", "public (AllowAny)"),
        ("GET,POST", "/shop/api/stats/", "stats", "public (AllowAny)"),
        ("GET,POST", "/shop/edit/<int:pk>/", "ProductEdit", "mixin: LoginRequiredMixin"),
    }
    # the settings default protects DRF views that do not override it
    assert not [f for f in result.findings if f.rule_id == "BA-AUTH-001/drf-default-open"]


def test_drf_settings_default_counts_as_auth(tmp_path):
    root = tmp_path / "svc"
    (root / "api").mkdir(parents=True)
    (root / "settings.py").write_text('REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["x.IsStaff"]}\n')
    (root / "api" / "urls.py").write_text("from django.urls import path\nfrom .views import Ping\n"
                                          "urlpatterns = [path('ping/', Ping.as_view())]\n")
    (root / "api" / "views.py").write_text("from rest_framework.views import APIView\n\n"
                                           "class Ping(APIView):\n    def post(self, request):\n        pass\n")
    result = scan([root], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert [(e["path"], e["auth"]) for e in result.endpoints] == [("/ping/", "settings default: IsStaff")]


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_endpoints_command(tmp_path, capsys, fmt):
    shutil.copytree(FIXTURES / "flask_app", tmp_path / "app")
    assert main(["endpoints", str(tmp_path / "app"), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        data = json.loads(out)
        assert {e["path"] for e in data} >= {"/api/login", "/items/<int:item_id>"}
        assert set(data[0]) == {"framework", "methods", "path", "handler", "file", "line", "auth", "validation",
                                "pagination", "rate_limit", "response_model", "prefix_from"}
    else:
        assert "/backoffice/users/<int:uid>" in out and "5 endpoints (flask); 1 without authentication" in out


def test_memoised_definitions_follow_a_router_assumed_later():
    """definition() is memoised per inventory builder; a router the builder assumes into a file's facts
    later (an include on a router it cannot see built) changes where resolution through that file stops,
    so the answers memoised before it are dropped."""
    from backend_audit.model.frameworks.inventory import _Builder

    facts = {"a.py": {"import_table": {"router": "b.router"}},
             "b.py": {"import_table": {"router": "c.router", "FastAPI": "fastapi.FastAPI"}},
             "c.py": {"functions": {"router": {"line": 1}}}}
    builder = _Builder(facts, {}, None)
    assert builder.definition("a.py", "router") == ("c.py", "router")  # b re-exports c's
    assert builder._assumed_router("b.py", "router") == ("b.py", "router")
    assert builder.definition("a.py", "router") == ("b.py", "router")  # b now defines one itself


REGISTERED_APP = {
    "core/__init__.py": "",
    "core/registry.py": '''from django.urls import path

registry = {}


def register_view(model, name="", detail=True):
    def _wrapper(cls):
        registry.setdefault(model._meta.model_name, []).append((name, cls, detail))
        return cls
    return _wrapper


def get_model_urls(app_label, model_name, detail=True):
    return [path(f"{name}/", cls.as_view()) for name, cls, d in registry.get(model_name, []) if d == detail]
''',
    "shop/__init__.py": "",
    "shop/views.py": '''from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import UpdateView

from core.registry import register_view
from .models import Item


@register_view(Item, "edit")
class ItemEdit(LoginRequiredMixin, UpdateView):
    pagination_class = None

    def post(self, request, pk):
        return self.form_valid(request.POST)


@register_view(Item, "bulk-edit", detail=False)
class ItemBulkEdit(UpdateView):
    def post(self, request):
        return self.form_valid(request.POST)
''',
    "shop/models.py": "class Item:\n    pass\n",
    "shop/urls.py": '''from django.urls import include, path

from core.registry import get_model_urls

urlpatterns = [
    path("items/<int:pk>/", include(get_model_urls("shop", "item"))),
    path("archive/<int:pk>/", include(get_model_urls("shop", "item"))),
    path("items/", include(get_model_urls("shop", "item", detail=False))),
]
''',
}


def test_a_registered_view_mounted_twice_is_one_endpoint_per_mount(tmp_path):
    """A registered class view that two URL helper calls mount is one endpoint per mount, each with its own
    handler dict (the pagination marker is written per endpoint), and a helper call whose arguments disagree
    with the registration (detail=False) mounts only the views registered so."""
    from backend_audit.model.frameworks.inventory import build
    from backend_audit.model.project import ProjectModel

    for rel, text in REGISTERED_APP.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    rows = {(",".join(e["methods"]), e["path"], e["handler"], e["auth"]) for e in result.endpoints}
    assert rows == {
        ("GET,POST", "/archive/<int:pk>/edit/", "ItemEdit", "mixin: LoginRequiredMixin"),
        ("GET,POST", "/items/<int:pk>/edit/", "ItemEdit", "mixin: LoginRequiredMixin"),
        ("GET,POST", "/items/bulk-edit/", "ItemBulkEdit", "none"),
    }
    model = ProjectModel.build(tmp_path, result.file_results, Settings(jobs=1))
    edits = [e for e in build(model).endpoints if e.handler == "ItemEdit"]
    assert len(edits) == 2 and edits[0].fn is not edits[1].fn
    assert all(e.fn["_pagination_class"] is None and e.pagination is None for e in edits)
