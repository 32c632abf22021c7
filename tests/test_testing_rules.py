"""BA-TEST-001/002/005 on multi-file projects: what counts as a test reaching a module or an endpoint."""

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from backend_audit.catalog import rules_by_id
from backend_audit.checks.testing import EndpointWithoutTest, ModuleWithoutTests
from backend_audit.config import Selection, Settings
from backend_audit.catalog import load_rules
from backend_audit.model.frameworks.inventory import Endpoint, Inventory
from backend_audit.model.project import ProjectModel
from backend_audit.pipeline.runner import scan

FIVE = """\
RATE = 2

def double(x):
    return x * RATE

def half(x):
    return x / RATE
"""


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")


def flagged(root: Path, rule: str, **settings) -> list[tuple[str, int]]:
    result = scan([root], Settings(jobs=1, select=(rule,), **settings), use_git=(root / ".git").exists())
    return sorted((f.path, f.line) for f in result.findings if f.rule_id == rule)


def test_module_reached_through_package_relative_imports(tmp_path):
    write(tmp_path, {
        "app/__init__.py": "from .core import billing\n",
        "app/core/__init__.py": "from . import pricing as _p\nfrom .billing import double\n",
        "app/core/billing.py": FIVE,
        "app/core/pricing.py": FIVE,
        "app/core/unused.py": FIVE,
        "app/reports.py": FIVE,
        "tests/test_app.py": "import app\n\ndef test_it():\n    assert app\n",
        "tests/reports_test.py": "def test_reports():\n    assert True\n",
    })
    # billing via app/__init__, pricing via app/core/__init__ (relative), reports by its test's name
    assert flagged(tmp_path, "BA-TEST-002") == [("app/core/unused.py", 1)]


def test_module_run_by_tests_per_coverage_counts_import_time_lines_do_not(tmp_path):
    write(tmp_path, {"app/ran.py": FIVE, "app/imported_only.py": FIVE,
                     "tests/test_x.py": "def test_x():\n    assert True\n"})
    cov = {"files": {
        "app/ran.py": {"executed_lines": [1, 3, 4, 6], "missing_lines": [7]},
        "app/imported_only.py": {"executed_lines": [1, 3, 6], "missing_lines": [4, 7]},
    }}
    (tmp_path / "coverage.json").write_text(json.dumps(cov))
    assert flagged(tmp_path, "BA-TEST-002") == [("app/imported_only.py", 1)]


def test_exempt_and_small_modules(tmp_path):
    write(tmp_path, {"app/settings.py": FIVE, "app/migrations/0001_initial.py": FIVE, "app/tiny.py": "X = 1\n",
                     "app/__init__.py": "from .x import y\n", "app/real.py": FIVE,
                     "tests/test_other.py": "def test_x():\n    assert True\n"})
    assert flagged(tmp_path, "BA-TEST-002") == [("app/real.py", 1)]


def test_no_tests_means_test001_and_no_test002(tmp_path):
    write(tmp_path, {"app/real.py": FIVE})
    assert flagged(tmp_path, "BA-TEST-002") == []
    assert flagged(tmp_path, "BA-TEST-001") == [("app/real.py", 1)]


def test_tests_outside_the_scanned_folder_count(tmp_path):
    write(tmp_path, {"app/real.py": FIVE, "tests/test_real.py": "from app.real import double\n"})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = scan([tmp_path / "app"], Settings(jobs=1, select=("BA-TEST-001",)))
    assert result.files_scanned == 1 and result.findings == []


ENDPOINTS = {
    "app/users.py": [
        {"methods": ["GET"], "path": "/users/{user_id}", "handler": "read_user", "line": 5},
        {"methods": ["POST"], "path": "/users", "handler": "create_user", "line": 9},
        {"methods": ["DELETE"], "path": "/users/{user_id}/sessions", "handler": "drop_sessions", "line": 13},
    ],
    "app/items.py": [
        {"methods": ["GET"], "path": "/items/<int:item_id>", "handler": "get_item", "line": 3},
        {"methods": ["GET"], "path": "/items/export", "handler": "export_items", "line": 7},
        {"methods": ["GET"], "path": "/healthz", "handler": "health", "line": 11},
    ],
}


def model_with_endpoints(root: Path) -> ProjectModel:
    """Scan for real, then stand in the endpoint inventory (per file) that the framework pass would build."""
    settings = Settings(jobs=1, select=("BA-TEST-001",))
    result = scan([root], settings, use_git=False)
    model = ProjectModel.build(root, result.file_results, settings)
    model.memo("endpoint_inventory", lambda: Inventory(
        endpoints=[Endpoint(framework=e.get("framework", "fastapi"), methods=e["methods"], path=e["path"],
                            handler=e["handler"], file=p, line=e["line"], auth="none", validation="none",
                            pagination=None, rate_limit=None, response_model=None, drf=e.get("drf", False))
                   for p, eps in ENDPOINTS.items() if p in model.facts for e in eps],
        settings={}, roots=[], rate_limit_evidence=[], global_rate_limit=False))
    return model


def run_check(cls, model: ProjectModel):
    rule = rules_by_id()[cls.RULE_ID]
    return cls(rule, Selection(Settings(), load_rules()).options(cls.RULE_ID)).run(model)


def test_endpoints_reached_by_url_route_name_or_handler_call(tmp_path):
    write(tmp_path, {
        "app/__init__.py": "",
        "app/users.py": FIVE * 3,
        "app/items.py": FIVE * 2,
        "tests/test_api.py": """\
            from app.items import export_items

            BASE = "http://testserver"

            def test_read_user(client, uid):
                assert client.get(f"{BASE}/users/{uid}?full=1").status_code == 200

            def test_item(client):
                assert client.get(url_for("items.get_item", item_id=1))

            def test_export():
                assert export_items() is not None
            """,
    })
    model = model_with_endpoints(tmp_path)
    found = sorted((f.path, f.line, f.properties["route"]) for f in run_check(EndpointWithoutTest, model))
    assert found == [("app/users.py", 9, "/users"), ("app/users.py", 13, "/users/{user_id}/sessions")]
    # users.py defines a requested endpoint: tested through HTTP even though no test imports it
    assert [f.path for f in run_check(ModuleWithoutTests, model)] == []


def test_no_endpoint_inventory_means_nothing(tmp_path):
    write(tmp_path, {"app/users.py": FIVE, "tests/test_x.py": "def test_x():\n    assert True\n"})
    assert flagged(tmp_path, "BA-TEST-005") == []


@pytest.mark.parametrize("route,url,hit", [
    ("/users/{id}", "/users/42", True),
    ("/users/{id}", "/users/42/orders", False),
    ("users/<int:pk>/", "/users/{}/", True),
    ("/", "/", True),
    ("/orders", "application/json", False),
    ("/orders", "/orders-archive", False),
    ("/files/{name}", "/files/report-{}.csv", True),
    ("/api/v1/orders", "{}/api/v1/orders", True),
    ("/api/v1/orders", "{}/orders", True),
    ("/api/v1/orders", "/api/v1/orders/", True),
])
def test_route_matching(route, url, hit):
    from backend_audit.checks.testing import _called_with

    assert _called_with(url, route) is hit


def _reach_model(root: Path, endpoints: list[dict]) -> ProjectModel:
    settings = Settings(jobs=1, select=("BA-TEST-001",))
    result = scan([root], settings, use_git=False)
    model = ProjectModel.build(root, result.file_results, settings)
    model.memo("endpoint_inventory", lambda: Inventory(
        endpoints=[Endpoint(framework="drf", methods=e["methods"], path=e["path"], handler=e["handler"],
                            file=e["file"], line=e["line"], auth="none", validation="none", pagination=None,
                            rate_limit=None, response_model=None, drf=True) for e in endpoints],
        settings={}, roots=[], rate_limit_evidence=[], global_rate_limit=False))
    return model


VIEWSETS = [
    {"file": "app/views.py", "path": "/sites/", "handler": "SiteViewSet", "line": 3, "methods": ["GET"]},
    {"file": "app/views.py", "path": "/sites/{pk}/", "handler": "SiteViewSet", "line": 3, "methods": ["GET"]},
    {"file": "app/views.py", "path": "/sites/{pk}/trace/", "handler": "SiteViewSet.trace", "line": 7,
     "methods": ["GET"]},
    {"file": "app/views.py", "path": "/racks/", "handler": "RackViewSet", "line": 11, "methods": ["GET"]},
]


def test_url_names_built_at_run_time_reach_every_route_they_fit(tmp_path):
    # netbox's APITestCase: the view name is an f-string over the model, in a generic base class
    write(tmp_path, {
        "app/__init__.py": "",
        "app/views.py": FIVE * 3,
        "tests/test_api.py": """\
            from django.urls import reverse

            class APITestCase:
                def _get_detail_url(self, instance):
                    viewname = f'{self._get_view_namespace()}:{instance._meta.model_name}-detail'
                    return reverse(viewname, kwargs={'pk': instance.pk})

                def _anything(self, name):
                    return reverse(f"{name}")

            def test_trace(client):
                client.get(reverse("app-api:site-trace", kwargs={"pk": 1}))
            """,
    })
    model = _reach_model(tmp_path, VIEWSETS)
    found = sorted((f.path, f.properties["route"]) for f in run_check(EndpointWithoutTest, model))
    # the list routes stay untested: `-detail` names only the detail routes; `f"{name}"` names nothing
    assert found == [("app/views.py", "/racks/"), ("app/views.py", "/sites/")]


def test_a_placeholder_only_url_name_is_no_evidence(tmp_path):
    write(tmp_path, {"app/__init__.py": "", "app/views.py": FIVE,
                     "tests/test_api.py": "def test_x(reverse, name):\n    reverse(f'{name}')\n"})
    model = _reach_model(tmp_path, VIEWSETS[:1])
    assert [f.properties["route"] for f in run_check(EndpointWithoutTest, model)] == ["/sites/"]


def test_drf_route_names():
    from backend_audit.model.test_reach import drf_route_names

    assert drf_route_names("/sites/{pk}/", "SiteViewSet") == ["site-detail"]
    assert drf_route_names("/sites/", "SiteViewSet") == ["site-list"]
    assert drf_route_names("/sites/{pk}/paths/", "SiteViewSet.trace_paths") == ["site-trace-paths"]


def test_module_message_claims_no_coverage_it_does_not_have(tmp_path):
    write(tmp_path, {"app/__init__.py": "", "app/users.py": FIVE, "tests/test_x.py": "def test_x():\n    pass\n"})
    result = scan([tmp_path], Settings(jobs=1, select=("BA-TEST-002",)), use_git=False)
    [finding] = [f for f in result.findings if f.rule_id == "BA-TEST-002"]
    assert "no coverage data" in finding.message and "coverage shows" not in finding.message


def test_modules_reached_through_reexports_or_graphql_fields_are_tested(tmp_path):
    write(tmp_path, {
        "app/__init__.py": "from .core import double, half\n",
        "app/core.py": FIVE,
        "app/schema.py": "import strawberry\n\n" + FIVE + "\ndef resolve_orders(root, info):\n    return []\n",
        "app/other_schema.py": "import strawberry\n\n" + FIVE + "\ndef resolve_invoices(root, info):\n    return []\n",
        "tests/test_app.py": """\
            from app import double

            QUERY = '''query RecentOrders { orders(last: 5) { id total } }'''

            def test_double(client):
                assert double(2) == 4
                assert client.post("/graphql", json={"query": QUERY}).status_code == 200
            """,
    })
    # app/core.py through the package's re-export; app/schema.py through the `orders` field it resolves
    assert flagged(tmp_path, "BA-TEST-002") == [("app/other_schema.py", 1)]


def test_a_namespace_built_at_run_time_still_names_the_handler(tmp_path):
    write(tmp_path, {"app/__init__.py": "", "app/views.py": FIVE,
                     "tests/test_api.py": "def test_x(url_for, ns):\n    url_for(f'{ns}:get_site')\n"})
    model = _reach_model(tmp_path, [{"file": "app/views.py", "path": "/s/", "handler": "get_site", "line": 1,
                                     "methods": ["GET"]}])
    assert run_check(EndpointWithoutTest, model) == []


def levels(root: Path, rule: str) -> dict[tuple[str, int], str]:
    result = scan([root], Settings(jobs=1, select=(rule,)), use_git=False)
    return {(f.path, f.line): f.level for f in result.findings if f.rule_id == rule}


def test_application_code_faking_with_unittest_mock_is_not_test_support(tmp_path):
    # `from unittest import mock` is how application code fakes a client; it does not make the module a
    # test helper whose URLs would count as requests
    write(tmp_path, {
        "app/main.py": """\
            from fastapi import FastAPI
            app = FastAPI()

            @app.get("/orders/{order_id}")
            def read_order(order_id: int):
                return {"id": order_id}
            """,
        "app/fake_gateway.py": """\
            from unittest import mock

            GATEWAY = mock.Mock()
            ORDERS_URL = "/orders/1"
            """,
        "tests/test_health.py": "def test_nothing():\n    assert True\n",
    })
    assert levels(tmp_path, "BA-TEST-005") == {("app/main.py", 5): "warning"}


def test_module_only_a_tested_module_imports_is_a_note_unless_it_ran_whole(tmp_path):
    write(tmp_path, {
        "app/views.py": "from app import helpers, constants\n\n" + FIVE,
        "app/helpers.py": FIVE,
        "app/constants.py": "A = 1\nB = 2\nC = 3\nD = 4\nE = 5\nF = 6\n",
        "app/orphan.py": FIVE,
        "tests/test_views.py": "from app.views import double\n\ndef test_it():\n    assert double(1) == 2\n",
    })
    # nothing imports orphan.py and it serves no route: what runs it is not traced
    assert levels(tmp_path, "BA-TEST-002") == {("app/helpers.py", 1): "note", ("app/orphan.py", 1): "note"}


SERVICE = "def sync(rows):\n" + "".join(f"    rows.append({i})\n" for i in range(24)) + "    return rows\n"


def test_warning_needs_code_the_application_runs_with_logic_of_its_own(tmp_path):
    """A warning only where the application visibly runs the module (another non-test module imports it, or it
    serves routes) and its functions hold logic (20 lines or more); an importer that is itself run by hand (a
    management command, a script) does not count, and a thin module stays a note."""
    write(tmp_path, {
        "app/__init__.py": "",
        "app/views.py": "from app import service, thin, tool_helper\n\n" + FIVE,
        "app/service.py": SERVICE,
        "app/thin.py": FIVE,
        "app/tool_helper.py": SERVICE,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/sync.py": "from app import cmd_helper\n\n" + SERVICE,
        "app/cmd_helper.py": SERVICE,
        "app/orphan.py": SERVICE,
        "tests/test_other.py": "import json\n\ndef test_it():\n    assert json\n",
    })
    assert levels(tmp_path, "BA-TEST-002") == {
        ("app/views.py", 1): "note", ("app/service.py", 1): "warning", ("app/thin.py", 1): "note",
        ("app/tool_helper.py", 1): "warning", ("app/cmd_helper.py", 1): "note", ("app/orphan.py", 1): "note",
        ("app/management/commands/sync.py", 1): "note"}


def test_drf_router_registration_names_its_routes(tmp_path):
    """`basename=` / `base_name=` (older DRF, vendored routers) / the third positional argument give the route
    names `<basename>-list`, `-detail` and `-<url_name>` that tests reverse."""
    from backend_audit.model.frameworks.inventory import build as inventory

    write(tmp_path, {
        "app/api.py": """
            from rest_framework import viewsets
            from rest_framework.decorators import action


            class TaskViewSet(viewsets.ModelViewSet):
                @action(detail=True, methods=["post"], url_name="close-now")
                def close(self, request, pk=None):
                    return None


            class NoteViewSet(viewsets.ModelViewSet):
                pass


            class TagViewSet(viewsets.ModelViewSet):
                pass
            """,
        "app/urls.py": """
            from rest_framework.routers import DefaultRouter

            from app.api import NoteViewSet, TagViewSet, TaskViewSet

            router = DefaultRouter()
            router.register(r"tasks", TaskViewSet, base_name="tasks")
            router.register(r"notes", NoteViewSet, "my-notes")
            router.register(r"tags", TagViewSet)
            urlpatterns = router.urls
            """,
        "tests/test_api.py": "def test_x():\n    pass\n",
    })
    model = ProjectModel.build(tmp_path, scan([tmp_path], Settings(jobs=1, select=("BA-TEST-001",)),
                                              use_git=False).file_results, Settings(jobs=1))
    names = {ep.path: ep.names for ep in inventory(model).endpoints}
    assert names["/tasks/"] == ["tasks-list"] and names["/tasks/{pk}/"] == ["tasks-detail"]
    assert names["/tasks/{pk}/close/"] == ["tasks-close-now"]
    assert names["/notes/{pk}/"] == ["my-notes-detail"]
    assert names["/tags/"] == []  # no basename given: the rule falls back on the viewset's name


def test_routes_that_only_refuse_have_nothing_to_test(tmp_path):
    write(tmp_path, {
        "shop/views.py": """
            from django.http import Http404, JsonResponse


            def legacy_feed(request):
                raise Http404("gone")


            def orders(request):
                return JsonResponse({"orders": []})
            """,
        "shop/urls.py": """
            from django.urls import path

            from shop import views

            urlpatterns = [path("feed/", views.legacy_feed), path("orders/", views.orders)]
            """,
        "tests/test_shop.py": "def test_x():\n    pass\n",
    })
    assert flagged(tmp_path, "BA-TEST-005") == [("shop/views.py", 9)]


def test_what_a_module_does_decides_whether_it_needs_a_test(tmp_path):
    """Declarations (including `raise NotImplementedError` stubs and registration calls) need no test of their
    own; module-level code that acts (a script) and any working function do; so does an alembic revision
    not, wherever its folder is."""
    write(tmp_path, {
        "app/enums.py": "from enum import Enum\n\n\nclass Kind(Enum):\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n",
        "app/base.py": "class Plugin:\n    kind = 'x'\n    title = 'X'\n    slug = 'x'\n\n"
                       "    def run(self):\n        '''Runs.'''\n        raise NotImplementedError\n",
        "app/logsetup.py": "import logging\n\nlogger = logging.getLogger('x')\nhandler = logging.StreamHandler()\n"
                           "handler.setLevel(10)\nlogger.addHandler(handler)\n",
        "app/work.py": FIVE,
        "db/revisions/versions/0001_init.py": "from alembic import op\n\nrevision = '0001'\ndown_revision = None\n\n\n"
                                              "def upgrade():\n    op.execute('CREATE TABLE t (id int)')\n    pass\n\n\n"
                                              "def downgrade():\n    op.execute('DROP TABLE t')\n",
        "tests/test_x.py": "def test_x():\n    pass\n",
    })
    assert flagged(tmp_path, "BA-TEST-002") == [("app/logsetup.py", 1), ("app/work.py", 1)]


def test_relative_urls_a_test_client_requests_are_joined_at_the_root(tmp_path):
    # httpx and the framework test clients join a URL without a leading slash onto their base URL
    write(tmp_path, {"app/__init__.py": "", "app/views.py": FIVE, "tests/test_api.py": """\
        async def test_x(client, http_client, app, wallet_id):
            await client.get("extensions", params={"usr": "1"})
            await http_client.request("GET", f"api/v1/wallet/{wallet_id}")
            app.test_client().post(url="payments")
            assert app.get("wallets") is None
        """})
    routes = ["/extensions", "/api/v1/wallet/{wallet_id}", "/payments", "/wallets"]
    model = _reach_model(tmp_path, [{"file": "app/views.py", "path": p, "handler": f"h{i}", "line": i + 1,
                                     "methods": ["GET"]} for i, p in enumerate(routes)])
    assert [f.properties["route"] for f in run_check(EndpointWithoutTest, model)] == ["/wallets"]


def test_request_helpers_named_for_their_verb_reach_the_path_they_are_given(tmp_path):
    # a test base class's `get_404(path)` / `get_first(path)` pass the path on to the test client; a helper
    # whose name says several things (`get_fixture_path`) is not a request, nor is one on another object;
    # a URL split over two lines (implicit concatenation) is the one URL Python joins
    write(tmp_path, {"app/__init__.py": "", "app/views.py": FIVE, "tests/test_api.py": """\
        class TestProjects(ApiTestCase):
            def test_x(self):
                self.get_404("data/projects/1")
                self.get_first("data/tasks")
                self.get_fixture_path("data/files")
                other.get_raw("data/comments")
                self.post(f"/data/projects/{self.pid}"
                          f"/settings/automations")
        """})
    routes = ["/data/projects/<id>", "/data/tasks", "/data/files", "/data/comments",
              "/data/projects/<id>/settings/automations"]
    model = _reach_model(tmp_path, [{"file": "app/views.py", "path": p, "handler": f"h{i}", "line": i + 1,
                                     "methods": ["GET"]} for i, p in enumerate(routes)])
    assert [f.properties["route"] for f in run_check(EndpointWithoutTest, model)] == ["/data/files",
                                                                                       "/data/comments"]


def test_middleware_runs_on_the_requests_tests_make(tmp_path):
    mw = """\
        import time


        class TimingMiddleware:
            def __init__(self, app):
                self.app = app

            async def __call__(self, scope, receive, send):
                started = time.monotonic()
                await self.app(scope, receive, send)
                scope["elapsed"] = time.monotonic() - started
        """
    main = """\
        from fastapi import FastAPI

        from app.timing import TimingMiddleware

        app = FastAPI()
        app.add_middleware(TimingMiddleware)


        @app.get("/items")
        def items():
            return []
        """
    write(tmp_path, {"app/__init__.py": "", "app/timing.py": mw, "app/main.py": main,
                     "tests/test_items.py": "def test_items(client):\n    assert client.get('/items').json() == []\n"})
    assert flagged(tmp_path, "BA-TEST-002") == []
    # without a test request nothing runs it
    write(tmp_path, {"tests/test_items.py": "def test_nothing():\n    assert True\n"})
    assert ("app/timing.py", 1) in flagged(tmp_path, "BA-TEST-002")


def test_standalone_scripts_outside_packages_are_notes_so_are_unimported_scripts(tmp_path):
    script = "import sys\n\n\ndef names(lines):\n    return sorted({l.split('<')[0] for l in lines})\n\n\n" \
             "def render(names):\n    return '\\n'.join(names)\n\n\n" \
             "if __name__ == '__main__':\n    print(render(names(open(sys.argv[1]))))\n"
    write(tmp_path, {
        "extras/authors/generate.py": script,  # a maintainer's generator, or a container's start-up program
        "app/__init__.py": "",
        "app/themes/dark/build.py": "import json\nimport sys\n\nSRC = sys.argv[1]\nrows = open(SRC).read().split()\n"
                                    "json.dump(rows, open('out.json', 'w'))\nprint(len(rows))\n",
        "app/tasks/run.py": script,  # a package module with a __main__ guard is the app's own code
        "app/tasks/__init__.py": "",
        "export.py": script,
        "tests/test_app.py": "import app\n\ndef test_it():\n    assert app\n",
    })
    result = scan([tmp_path], Settings(jobs=1, select=("BA-TEST-002",)), use_git=False)
    # run.py and export.py are reported for lack of tests, but nothing imports them: notes, with what was not traced
    assert sorted((f.path, f.level) for f in result.findings) == [
        ("app/tasks/run.py", "note"), ("app/themes/dark/build.py", "note"), ("export.py", "note"),
        ("extras/authors/generate.py", "note")]
    assert "what runs it" in next(f.message for f in result.findings if f.path == "export.py")


def test_route_name_read_from_the_flask_config_class_is_traced(tmp_path):
    # url_for(app.config["LOGIN_VIEW"]) names the route the config class gives, not "any route"
    write(tmp_path, {
        "app/__init__.py": "from flask import Flask\n\nfrom app.views import bp\n\n\ndef create_app():\n"
                           "    app = Flask(__name__)\n    app.config.from_object('app.config.Default')\n"
                           "    app.register_blueprint(bp, url_prefix='/auth')\n    return app\n",
        "app/config.py": "class Default:\n    LOGIN_VIEW = 'auth.login'\n",
        "app/views.py": "from flask import Blueprint\n\nbp = Blueprint('auth', __name__)\n\n\n"
                        "@bp.route('/login')\ndef login():\n    return 'form'\n\n\n"
                        "@bp.route('/logout')\ndef logout():\n    return 'bye'\n",
        "tests/test_views.py": "from flask import url_for\n\nfrom app import create_app\n\n\ndef test_login_page():\n"
                               "    app = create_app()\n    with app.test_request_context():\n"
                               "        assert url_for(app.config['LOGIN_VIEW'])\n",
    })
    result = scan([tmp_path], Settings(jobs=1, select=("BA-TEST-005",)), use_git=False)
    assert [(f.path, f.line, f.level) for f in result.findings] == [("app/views.py", 12, "warning")]


PLUGIN = """\
class Plugin:
    def pre_receive(self, alert):
        alert["seen"] = True
        alert["count"] = alert.get("count", 0) + 1
        return alert
"""


@pytest.mark.parametrize("packaging", [
    {"setup.cfg": "[options.entry_points]\napp.plugins =\n    tagger = app.plugins.tagger:Plugin\n"
                  "    other = app.plugins.other:Plugin\n"},
    {"pyproject.toml": '[project]\nname = "app"\n[project.entry-points."app.plugins"]\n'
                       'tagger = "app.plugins.tagger:Plugin"\nother = "app.plugins.other:Plugin"\n'},
    {"pyproject.toml": '[tool.poetry.plugins."app.plugins"]\n'
                       'tagger = "app.plugins.tagger:Plugin"\nother = "app.plugins.other:Plugin"\n'},
])
def test_entry_point_plugins_a_test_enables_by_name_are_tested(tmp_path, packaging):
    write(tmp_path, {**packaging, "app/__init__.py": "", "app/plugins/__init__.py": "",
                     "app/plugins/tagger.py": PLUGIN, "app/plugins/other.py": PLUGIN,
                     "app/core.py": "def create_app(config):\n    return config\n",
                     "tests/test_app.py": "from app.core import create_app\n\n\ndef test_tagger():\n"
                                          "    assert create_app({'PLUGINS': ['tagger']})\n"})
    assert flagged(tmp_path, "BA-TEST-002") == [("app/plugins/other.py", 1)]


def test_a_plugin_named_by_a_nested_package_is_not_the_tested_one(tmp_path):
    # contrib/tagger declares its own `tagger` plugin; the main package's tests naming `tagger` test neither
    write(tmp_path, {"contrib/tagger/setup.py": "from setuptools import setup\n\nsetup(name='t', entry_points={"
                                                "'app.plugins': ['tagger = tagger_plugin:Plugin']})\n",
                     "contrib/tagger/tagger_plugin.py": PLUGIN,
                     "app/__init__.py": "", "app/core.py": "def create_app(config):\n    return config\n",
                     "tests/test_app.py": "from app.core import create_app\n\n\ndef test_tagger():\n"
                                          "    assert create_app({'PLUGINS': ['tagger']})\n"})
    # still the untested nested project's note (a plugin the main tests selected would leave nothing)
    assert levels(tmp_path, "BA-TEST-002") == {("contrib/tagger/setup.py", 1): "note"}


def test_requests_of_browser_specs():
    from backend_audit.checks.e2e_suite import _requests

    spec = """
    cy.intercept('POST', '/login').as('login');
    cy.intercept('GET', '/user', { fixture: 'user.json' });
    cy.intercept('/auth/header', (req) => { req.continue(); });
    cy.request({ method: 'PUT', url: '/project/element', body: {} });
    cy.request({ url: `/thread/${id}`, method: 'GET' });
    await page.goto('/home');
    """
    assert sorted(_requests(spec)) == [("", "/auth/header"), ("GET", "/home"), ("GET", "/thread/${id}"),
                                       ("POST", "/login"), ("PUT", "/project/element")]


def test_a_spec_s_listed_names_are_read_once_however_many_requests_use_them():
    """A Playwright spec looping `page.goto(`${baseURL}/${name}`)` over a list requests each listed name; a hostile
    spec repeating that request thousands of times must not rescan its text (or multiply the names) each time."""
    from backend_audit.checks.e2e_suite import _requests

    spec = '["reverse_proxy_test", "proxy-check"].forEach((name) => {});\n' + \
        "await page.goto(`${baseURL}/${name}`);\n" * 3000
    assert sorted(_requests(spec)) == [("GET", "/proxy-check"), ("GET", "/reverse_proxy_test")]
