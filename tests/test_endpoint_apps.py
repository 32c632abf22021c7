"""Multi-module applications per framework: the inventory (method, full path, handler file:line, auth) is
exact, and the endpoint rules flag what they must and nothing else."""

import shutil
from pathlib import Path

from backend_audit.cli import main
from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

FIXTURES = Path(__file__).parent / "fixtures"
RULES = ("BA-AUTH-001", "BA-INP-001", "BA-API-001", "BA-API-002")


def scan_app(tmp_path, name):
    # Copied out of tests/: inside the repository these files count as test code, which is never inventoried.
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    result = scan([target], Settings(jobs=1, select=RULES), use_git=False)
    rows = {(",".join(e["methods"]), e["path"], f"{e['file']}:{e['line']}", e["auth"]) for e in result.endpoints}
    findings = sorted((f.rule_id + (f"/{f.properties['sub']}" if f.properties.get("sub") else ""), f.path, f.line,
                       f.level) for f in result.findings)
    return rows, findings, result


def test_fastapi_settings_prefix_aliased_router_annotated_deps_and_unknown_module(tmp_path):
    rows, findings, result = scan_app(tmp_path, "fastapi_settings_app")
    routes = "backend/app/api/routes"
    assert rows == {
        # include_router(prefix=settings.API_V1_STR): the pydantic Settings default, through the instance
        ("POST", "/api/v1/admin/reindex", f"{routes}/admin.py:13", "dependency: superuser"),
        ("POST", "/api/v1/hooks/payments/webhook", f"{routes}/admin.py:18", "webhook signature: compare_digest()"),
        # `from fastapi import APIRouter as R`: the alias keeps its prefix; CurrentUser is an Annotated alias
        ("GET", "/api/v1/items/", f"{routes}/items.py:10", "dependency: load_account"),
        ("POST", "/api/v1/items/", f"{routes}/items.py:15", "dependency: load_account"),
        ("DELETE", "/api/v1/items/{item_id}", f"{routes}/items.py:20", "none"),
        # its dependency lives in a file that does not parse: unknown, never "none"
        ("PUT", "/api/v1/items/{item_id}/legacy", f"{routes}/items.py:25",
         "unknown: backend.app.api.legacy was not analysed"),
        ("GET", "/healthz", "backend/app/main.py:12", "none"),
        # a project APIRouter subclass passing dependencies up in __init__; a class-based view's Depends attribute
        ("DELETE", "/api/v1/groups/admin/{group_id}", f"{routes}/groups.py:19", "dependency: superuser"),
        ("GET", "/api/v1/groups/mine", f"{routes}/groups.py:14", "dependency: load_account"),
    }
    assert [s.path for s in result.skipped] == ["backend/app/api/legacy.py"]
    assert findings == [
        ("BA-AUTH-001", f"{routes}/items.py", 20, "error"),
        ("BA-AUTH-001/unknown", f"{routes}/items.py", 25, "note"),
        ("BA-INP-001/untyped-body", f"{routes}/items.py", 15, "note"),  # only echoed back: not traced to a store
    ]
    by_path = {e["path"]: e for e in result.endpoints}
    # `session: SessionDep, current_user: CurrentUser` are dependency aliases, not request bodies
    assert {e["validation"] for e in result.endpoints if e["path"] == "/api/v1/items/"} == {
        "none needed", "untyped body"}
    assert by_path["/api/v1/items/"]["prefix_from"] == [
        "settings.API_V1_STR = '/api/v1' (backend/app/main.py:8)",
        "router prefix '/items' (backend/app/api/routes/items.py:6)"]


def test_django_root_urlconf_base_path_registrations_methods_and_mixins(tmp_path):
    rows, findings, _ = scan_app(tmp_path, "django_root_app")
    assert rows == {
        # urlpatterns = [path(settings.BASE_PATH, include(_patterns))]: the root URLconf's own views
        ("GET", "/base/", "core/views/__init__.py:7", "none"),
        ("GET", "/base/.well-known/jwks.json", "core/views/__init__.py:11", "none"),  # re_path, readable
        ("GET", "/base/api/status/", "widgets/views.py:61", "none"),
        # includes of includes, a custom router subclass, permission_classes inherited through a star re-export
        ("GET", "/base/api/widgets/parts/", "widgets/api/views.py:11", "settings default: TokenPermissions"),
        ("GET", "/base/api/widgets/parts/{pk}/", "widgets/api/views.py:11", "settings default: TokenPermissions"),
        ("GET,POST", "/base/api/widgets/widgets/", "widgets/api/views.py:7",
         "view: permission_classes=TokenPermissions"),
        ("DELETE,GET,PATCH,PUT", "/base/api/widgets/widgets/{pk}/", "widgets/api/views.py:7",
         "view: permission_classes=TokenPermissions"),
        # _patterns.append(...) under `if DEBUG`: a developer's route, not served in production
        ("GET", "/base/debug/", "widgets/views.py:65", "public (development only: routed under if settings.DEBUG)"),
        ("GET,POST", "/base/graphql/", "project/urls.py:16", "graphql: auth per resolver (not modelled)"),
        ("GET", "/base/old/{arg}/", "project/urls.py:18", "public (redirect only)"),  # a library RedirectView
        ("GET", "/base/utils/health-check/", "widgets/views.py:61", "none"),  # public path: health-check
        # a project permission mixin two modules away
        ("GET", "/base/widgets/", "widgets/views.py:12", "mixin: ObjectPermissionRequiredMixin"),
        # @register_view(...) classes served by include(get_model_urls(...))
        ("GET", "/base/widgets/<int:pk>/", "widgets/views.py:26", "mixin: ObjectPermissionRequiredMixin"),
        ("GET,POST", "/base/widgets/<int:pk>/edit/", "widgets/views.py:17", "mixin: ObjectPermissionRequiredMixin"),
        # a project decorator whose wrapper checks request.user.is_authenticated
        ("GET,POST", "/base/widgets/add/", "widgets/views.py:32", "decorator: authentication_decorator"),
        ("POST", "/base/widgets/bulk-delete/", "widgets/views.py:40", "none"),  # @require_POST
        ("POST", "/base/widgets/export/", "widgets/views.py:51", "settings default: TokenPermissions"),
        ("GET,POST", "/base/widgets/import/", "widgets/views.py:46", "none"),  # @require_http_methods
        # urlpatterns += get_model_urls(..., detail=False): only the views registered with detail=False
        ("POST", "/base/widgets/import-all/", "widgets/views.py:70", "mixin: ObjectPermissionRequiredMixin"),
        ("GET,PATCH,PUT", "/base/widgets/{pk}/rename/", "widgets/views.py:55", "none"),  # request.method in (...)
    }
    assert findings == [
        ("BA-API-001/drf-no-default", "project/settings.py", 4, "note"),  # which rows the views list is not traced
        # stubs that store nothing and never ask who is calling: notes (public or forgotten cannot be told)
        ("BA-AUTH-001", "core/views/__init__.py", 7, "note"),
        # deletes every widget beside guarded views, but tied to no user or record by id: one sign, a warning
        ("BA-AUTH-001", "widgets/views.py", 40, "warning"),
        ("BA-AUTH-001", "widgets/views.py", 46, "note"),
        ("BA-AUTH-001", "widgets/views.py", 55, "error"),  # PUT/PATCH: a change whatever we see
        ("BA-AUTH-001/graphql", "project/urls.py", 16, "note"),
        ("BA-INP-001/django-raw", "widgets/views.py", 34, "warning"),
    ]


def test_flask_method_view_guards_one_method_at_a_time(tmp_path):
    rows, findings, _ = scan_app(tmp_path, "flask_mv_app")
    assert rows == {
        ("GET,PUT", "/api/v2/admin", "app/api.py:24", "decorators attribute: login_required"),
        ("POST", "/api/v2/notes", "app/api.py:39", "none"),
        # @login_required on post does not protect get
        ("DELETE", "/api/v2/notes/<int:note_id>", "app/api.py:11", "method decorator: delete: token_auth"),
        ("GET", "/api/v2/notes/<int:note_id>", "app/api.py:11", "none"),
        ("POST", "/api/v2/notes/<int:note_id>", "app/api.py:11", "method decorator: post: login_required"),
        ("GET", "/notes/", "app/notes.py:12", "decorator: token_auth"),  # project decorator: abort(401)
        ("DELETE", "/notes/<int:note_id>", "app/notes.py:24", "none"),
        ("POST", "/notes/webhook", "app/notes.py:17", "webhook signature: compare_digest()"),
    }
    # CORS with an explicit origin list is not permissive; get_json() subscripted into a constructor is raw,
    # but Note is a plain class that stores nothing: what it does with the fields is not traced (a note)
    assert findings == [
        ("BA-AUTH-001", "app/api.py", 11, "note"),  # a read that never asks who is calling
        ("BA-AUTH-001", "app/api.py", 39, "note"),  # builds a Note, never stores or hands it on: writes not traced
        ("BA-AUTH-001", "app/notes.py", 24, "error"),
        ("BA-INP-001/flask-raw", "app/api.py", 40, "note"),
    ]


def test_aiohttp_router_calls_route_tables_sub_apps_and_middlewares(tmp_path):
    rows, findings, _ = scan_app(tmp_path, "aiohttp_app")
    assert rows == {
        ("GET", "/admin/stats", "shop/admin.py:12", "middleware: require_admin"),  # add_subapp + middlewares=
        ("GET,POST", "/carts", "shop/views.py:12", "none"),  # @routes.view on a web.View
        ("GET", "/health", "shop/handlers.py:5", "none"),  # app.router.add_get
        ("GET", "/items/{item_id}", "shop/views.py:7", "none"),  # RouteTableDef + add_routes(routes)
        ("GET", "/orders", "shop/handlers.py:18", "none"),  # add_routes([web.get(...)])
        ("POST", "/orders", "shop/handlers.py:9", "check in handler body"),  # add_route("POST", ...)
        ("DELETE", "/orders/{order_id}", "shop/handlers.py:22", "check in handler body"),
        ("POST", "/orders/{order_id}/cancel", "shop/handlers.py:14", "none"),
        # a handler object passed in: the route is listed at its registration, its auth unknown
        ("GET", "/feed", "shop/setup.py:3", "unknown: handler handler.feed not resolved statically"),
    }
    # handlers that store nothing and never ask who is calling are notes; CartView's POST saves the cart
    # through the app's store, a visible write, but nothing says it is meant to be private (no identity read,
    # no record named in its URL, no guarded route in its module): a note saying auth was not traced
    assert [f[1:] for f in findings] == [("shop/handlers.py", 14, "note"), ("shop/handlers.py", 18, "note"),
                                         ("shop/views.py", 7, "note"), ("shop/views.py", 12, "note"),
                                         ("shop/setup.py", 3, "note")]


def test_starlette_route_and_nested_mount_lists(tmp_path):
    rows, _, _ = scan_app(tmp_path, "starlette_app")
    assert rows == {
        ("GET", "/", "svc/app.py:9", "none"),
        ("GET,POST", "/api/items", "svc/api.py:6", "none"),  # Mount("/api", routes=api_routes) from another module
        ("GET", "/api/ping", "svc/api.py:14", "none"),
        ("GET", "/dashboard", "svc/app.py:14", "decorator: requires"),
        ("GET", "/v2/reports/daily", "svc/app.py:9", "none"),  # Mount inside Mount
        ("DELETE,GET", "/v2/users/{user_id}", "svc/app.py:14", "decorator: requires"),
    }


def test_unmodelled_framework_is_named_not_reported_as_empty(tmp_path, capsys):
    app = tmp_path / "svc"
    app.mkdir()
    (app / "app.py").write_text('import tornado.web\n\n\nclass Main(tornado.web.RequestHandler):\n'
                                '    def get(self):\n        self.write("hi")\n\n\n'
                                'app = tornado.web.Application([(r"/", Main)])\n')
    assert main(["endpoints", str(app)]) == 0
    out = capsys.readouterr().out
    assert "tornado: seen (imported in 1 file(s)); its routes are not modelled" in out


def test_litestar_routers_controllers_and_guards(tmp_path):
    (tmp_path / "users.py").write_text(
        "from litestar import Controller, get, post\n\nfrom auth import requires_login\n\n\n"
        "class UserController(Controller):\n    path = '/users'\n    guards = [requires_login]\n\n"
        "    @get('/{user_id:int}')\n    async def get_user(self, user_id: int) -> dict:\n        return {}\n\n"
        "    @post()\n    async def create(self, data: dict) -> dict:\n        return data\n")
    (tmp_path / "app.py").write_text(
        "from litestar import Litestar, Router, get, route\n\nfrom users import UserController\n\n\n"
        "@get('/health')\nasync def health() -> str:\n    return 'ok'\n\n\n"
        "@route('/items', http_method=['PUT', 'DELETE'])\nasync def items() -> None:\n    return None\n\n\n"
        "api = Router(path='/api', route_handlers=[UserController, items])\n"
        "app = Litestar(route_handlers=[api, health])\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(",".join(e["methods"]), e["path"], e["handler"], e["auth"]) for e in result.endpoints} == {
        ("GET", "/health", "health", "public (static page: answers from constants, settings and the URL; reads no stored data)"),
        ("DELETE,PUT", "/api/items", "items", "none"),
        ("GET", "/api/users/{user_id:int}", "UserController.get_user", "guard: requires_login"),
        ("POST", "/api/users", "UserController.create", "guard: requires_login")}
    assert result.frameworks["litestar"] == {"files": 2, "endpoints": 4, "modelled": True}


def test_endpoints_text_names_each_framework_found(tmp_path, capsys):
    shutil.copytree(FIXTURES / "aiohttp_app", tmp_path / "app")
    assert main(["endpoints", str(tmp_path / "app")]) == 0
    assert "aiohttp: 9 endpoint(s) (imported in 4 file(s))" in capsys.readouterr().out


def _django_project(root, views: str, middleware: str = "") -> None:
    (root / "proj").mkdir(parents=True)
    (root / "proj" / "settings.py").write_text(f'INSTALLED_APPS = ["proj"]\nROOT_URLCONF = "proj.urls"\n{middleware}')
    (root / "proj" / "urls.py").write_text("from django.urls import path\n\nfrom . import views\n\n"
                                           "urlpatterns = [path('a/', views.a), path('b/', views.B.as_view())]\n")
    (root / "proj" / "views.py").write_text(views)


def test_login_required_middleware_with_login_not_required(tmp_path):
    _django_project(tmp_path, "from django.contrib.auth.decorators import login_not_required\n"
                              "from django.views import View\n\n\n@login_not_required\ndef a(request):\n    pass\n\n\n"
                              "class B(View):\n    def post(self, request):\n        pass\n",
                    'MIDDLEWARE = ["django.contrib.auth.middleware.LoginRequiredMiddleware"]\n')
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(e["path"], e["auth"]) for e in result.endpoints} == {
        ("/a/", "public (marked)"), ("/b/", "middleware: LoginRequiredMiddleware")}
    assert result.findings == []


def test_configured_auth_decorators_and_mixins(tmp_path):
    _django_project(tmp_path, "from django.views import View\n\nfrom acl import TenantGuard, tenant_only\n\n\n"
                              "@tenant_only\ndef a(request):\n    pass\n\n\nclass B(TenantGuard, View):\n"
                              "    def post(self, request):\n        pass\n")
    (tmp_path / "pyproject.toml").write_text('[tool.backend-audit]\nauth-decorators = ["tenant_only"]\n'
                                             'auth-mixins = ["TenantGuard"]\n')
    from backend_audit.config import load_settings

    settings = load_settings([tmp_path], None)
    result = scan([tmp_path], settings.with_(select=("BA-AUTH-001",), jobs=1), use_git=False)
    assert {(e["path"], e["auth"]) for e in result.endpoints} == {
        ("/a/", "decorator: tenant_only"), ("/b/", "mixin: TenantGuard")}
    assert result.findings == []


def test_auth_decorators_must_be_a_list_of_names(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[tool.backend-audit]\nauth-mixins = 3\n")
    assert main(["endpoints", str(tmp_path)]) == 2
    assert "'auth-mixins' must be a list of strings" in capsys.readouterr().err


def test_sanic_app_and_blueprints(tmp_path):
    app = tmp_path / "svc"
    app.mkdir()
    (app / "app.py").write_text(
        "from sanic import Blueprint, Sanic\nfrom sanic.response import json\n\n"
        "app = Sanic('svc')\nbp = Blueprint('orders', url_prefix='/orders')\n\n\n"
        "@app.get('/')\nasync def index(request):\n    return json({})\n\n\n"
        "@bp.route('/<order_id:int>', methods=['PUT', 'DELETE'])\nasync def change(request, order_id):\n"
        "    return json({})\n\n\napp.blueprint(bp)\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(e["framework"], ",".join(e["methods"]), e["path"], e["line"]) for e in result.endpoints} == {
        ("sanic", "GET", "/", 9), ("sanic", "DELETE,PUT", "/orders/<order_id:int>", 14)}


def test_prefix_from_a_settings_factory_and_a_django_setting_in_an_f_string(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "config.py").write_text(
        "from functools import lru_cache\n\nfrom pydantic_settings import BaseSettings\n\n\n"
        "class Settings(BaseSettings):\n    API_PREFIX: str = '/api'\n\n\n"
        "@lru_cache\ndef get_settings():\n    return Settings()\n\n\nsettings = get_settings()\n")
    (tmp_path / "main.py").write_text(
        "from fastapi import APIRouter, FastAPI\n\nfrom core.config import settings\n\n"
        "app = FastAPI()\nrouter = APIRouter()\n\n\n@router.get('/items')\ndef items():\n    return []\n\n\n"
        "app.include_router(router, prefix=f'{settings.API_PREFIX}/v2')\n")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "settings.py").write_text("ROOT_URLCONF = 'proj.urls'\nAPI_ROOT = 'svc'\n")
    (tmp_path / "proj" / "urls.py").write_text(
        "from django.conf import settings\nfrom django.urls import path\n\nfrom . import views\n\n"
        "urlpatterns = [path(f'{settings.API_ROOT}/ping-me/', views.pong)]\n")
    (tmp_path / "proj" / "views.py").write_text("def pong(request):\n    return None\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {e["path"] for e in result.endpoints} == {"/api/v2/items", "/svc/ping-me/"}


def test_old_style_patterns_with_views_named_by_string(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "settings.py").write_text("ROOT_URLCONF = 'site.urls'\n")
    (tmp_path / "site" / "urls.py").write_text(
        "from django.conf.urls import include, patterns, url\n\n"
        "urlpatterns = patterns('', url(r'^$', 'site.views.index'), url(r'^tasks/', include('site.task_urls')))\n")
    (tmp_path / "site" / "task_urls.py").write_text(
        "from django.conf.urls import patterns, url\n\n"
        "urlpatterns = patterns('site.views', url(r'^(?P<task_id>\\d+)/delete/$', 'delete_task'))\n")
    (tmp_path / "site" / "views.py").write_text(
        "def index(request):\n    return None\n\n\ndef delete_task(request, task_id):\n    return None\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(e["path"], e["handler"], e["line"]) for e in result.endpoints} == {
        ("/", "index", 1), ("/tasks/{task_id}/delete/", "delete_task", 5)}


def test_two_apps_side_by_side_each_import_their_own_blueprints(tmp_path):
    for app in ("bad", "good"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "mod_api.py").write_text(
            "from flask import Blueprint\n\nmod_api = Blueprint('api', __name__)\n\n\n"
            "@mod_api.route('/key', methods=['POST'])\ndef key():\n    return ''\n")
        (tmp_path / app / "app.py").write_text(
            f"from flask import Flask\n\nfrom mod_api import mod_api\n\napp = Flask(__name__)\n"
            f"app.register_blueprint(mod_api, url_prefix='/{app}')\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(e["path"], e["file"]) for e in result.endpoints} == {("/bad/key", "bad/mod_api.py"),
                                                                 ("/good/key", "good/mod_api.py")}


def test_strawberry_graphql_router_is_one_get_and_post_endpoint(tmp_path):
    (tmp_path / "main.py").write_text(
        "from fastapi import Depends, FastAPI\nfrom strawberry.fastapi import GraphQLRouter\n\n"
        "from schema import schema\n\napp = FastAPI()\ngraphql_app = GraphQLRouter(schema)\n"
        "admin_graphql = GraphQLRouter(schema)\n"
        "app.include_router(graphql_app, prefix='/graphql')\n"
        "app.include_router(admin_graphql, prefix='/admin/graphql', dependencies=[Depends(get_current_user)])\n")
    (tmp_path / "schema.py").write_text("schema = None\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(",".join(e["methods"]), e["path"], e["auth"]) for e in result.endpoints} == {
        ("GET,POST", "/graphql", "graphql: auth per resolver (not modelled)"),
        ("GET,POST", "/admin/graphql", "dependency: get_current_user")}
    assert [(f.line, f.level, f.properties.get("sub")) for f in result.findings] == [(7, "note", "graphql")]


def test_flask_restx_namespaces_and_smorest_method_views(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "__init__.py").write_text(
        "from flask import Blueprint\nfrom flask_restx import Api\n\nfrom .challenges import ns\n\n"
        "api_bp = Blueprint('api', __name__, url_prefix='/api/v1')\nrest = Api(api_bp)\n"
        "rest.add_namespace(ns, '/challenges')\n")
    (tmp_path / "api" / "challenges.py").write_text(
        "from flask_login import login_required\nfrom flask_restx import Namespace, Resource\n\n"
        "ns = Namespace('challenges')\n\n\n@ns.route('', '/all')\nclass ChallengeList(Resource):\n"
        "    def get(self):\n        return []\n\n    @login_required\n    def post(self):\n        return {}\n")
    (tmp_path / "pets.py").write_text(
        "from flask.views import MethodView\nfrom flask_smorest import Blueprint\n\n"
        "blp = Blueprint('pets', __name__, url_prefix='/pets')\n\n\n@blp.route('/<int:pet_id>')\n"
        "class Pet(MethodView):\n    def delete(self, pet_id):\n        return ''\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(",".join(e["methods"]), e["path"], e["auth"]) for e in result.endpoints} == {
        ("GET", "/api/v1/challenges", "none"), ("GET", "/api/v1/challenges/all", "none"),
        ("POST", "/api/v1/challenges", "method decorator: post: login_required"),
        ("POST", "/api/v1/challenges/all", "method decorator: post: login_required"),
        ("DELETE", "/pets/<int:pet_id>", "none")}


def test_flask_restful_resources_take_the_blueprint_prefix(tmp_path):
    # Api(bp): add_resource paths hang from the blueprint; register_blueprint(url_prefix=) replaces its own
    (tmp_path / "api.py").write_text(
        "from flask import Blueprint\nfrom flask_restful import Api, Resource\n\n\nclass Bills(Resource):\n"
        "    def get(self, project_id):\n        return []\n\n\n"
        "bp = Blueprint('api', __name__, url_prefix='/api')\nv2 = Blueprint('v2', __name__, url_prefix='/ignored')\n"
        "v1 = Api(bp, prefix='/v1')\nv1.add_resource(Bills, '/projects/<project_id>/bills')\n"
        "rest = Api(v2)\nrest.add_resource(Bills, '/bills')\n")
    (tmp_path / "run.py").write_text(
        "from flask import Flask\n\nfrom api import bp, v2\n\napp = Flask(__name__)\napp.register_blueprint(bp)\n"
        "app.register_blueprint(v2, url_prefix='/api/v2')\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert sorted(e["path"] for e in result.endpoints) == ["/api/v1/projects/<project_id>/bills", "/api/v2/bills"]


def test_litestar_auth_backend_and_unmounted_controllers(tmp_path):
    (tmp_path / "security.py").write_text("from litestar.security.jwt import JWTAuth\n\njwt_auth = JWTAuth(None)\n")
    (tmp_path / "accounts.py").write_text(
        "from litestar import Controller, get, post\n\n\nclass AccessController(Controller):\n"
        "    path = '/access'\n\n    @post('/login', exclude_from_auth=True)\n    async def login(self) -> None:\n"
        "        return None\n\n    @get('/me')\n    async def me(self) -> None:\n        return None\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    # registered by a plugin we cannot follow: listed under the controller's own path
    assert {(e["path"], e["auth"]) for e in result.endpoints} == {
        ("/access/login", "public (exclude_from_auth)"), ("/access/me", "middleware: JWTAuth")}


def test_views_registered_by_a_decorator_that_appends_path_to_urlpatterns(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "settings.py").write_text("ROOT_URLCONF = 'site.urls'\n")
    (tmp_path / "site" / "urls.py").write_text(
        "from django.urls import include, path\n\nurlpatterns = [path('app/', include('site.routes'))]\n")
    (tmp_path / "site" / "routes.py").write_text(
        "from django.urls import path\n\nurlpatterns = []\n\n\ndef register(route):\n    def deco(view):\n"
        "        urlpatterns.append(path(route, view))\n        return view\n    return deco\n")
    (tmp_path / "site" / "views.py").write_text(
        "from django.views import View\n\nfrom .routes import register\n\n\n@register('reports/')\n"
        "def reports(request):\n    if request.method == 'POST':\n        return None\n\n\n"
        "@register('export/')\nclass Export(View):\n    def get(self, request):\n        return None\n\n\n"
        "@dataclasses.dataclass()\nclass Options:\n    pass\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(",".join(e["methods"]), e["path"], f"{e['file']}:{e['line']}") for e in result.endpoints} == {
        ("GET,POST", "/app/reports/", "site/views.py:7"), ("GET", "/app/export/", "site/views.py:13")}


def django_site(tmp_path, **modules):
    """A Django project `site` (ROOT_URLCONF = site.urls) with the given modules, scanned for BA-AUTH-001."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "settings.py").write_text("ROOT_URLCONF = 'site.urls'\n")
    for name, text in modules.items():
        (tmp_path / "site" / f"{name}.py").write_text(text)
    return scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)


def test_django_ninja_api_under_its_urlconf_prefix(tmp_path):
    result = django_site(
        tmp_path,
        api="from ninja import NinjaAPI, Router\nfrom ninja.security import django_auth\n\n"
            "api = NinjaAPI(auth=django_auth)\nevents = Router()\n\n\n@events.get('/{event_id}')\n"
            "def event(request, event_id: int):\n    return {}\n\n\n@api.post('/ping', auth=None)\n"
            "def ping(request):\n    return {}\n\n\napi.add_router('/events/', events)\n",
        urls="from django.urls import path\n\nfrom .api import api\n\nurlpatterns = [path('api/v1/', api.urls)]\n")
    assert {(",".join(e["methods"]), e["path"], e["auth"]) for e in result.endpoints} == {
        ("GET", "/api/v1/events/{event_id}", "ninja auth: django_auth"), ("POST", "/api/v1/ping", "public (auth=None)")}


def test_flask_view_func_wrapped_in_a_guard(tmp_path):
    (tmp_path / "app.py").write_text(
        "from flask import Flask\nfrom flask.views import MethodView\nfrom flask_login import login_required\n\n"
        "app = Flask(__name__)\n\n\nclass NoteAPI(MethodView):\n    def delete(self, nid):\n        return ''\n\n\n"
        "def export():\n    return ''\n\n\n"
        "app.add_url_rule('/notes/<int:nid>', view_func=login_required(NoteAPI.as_view('note')))\n"
        "app.add_url_rule('/export', view_func=login_required(export), methods=['POST'])\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(",".join(e["methods"]), e["path"], e["auth"]) for e in result.endpoints} == {
        ("DELETE", "/notes/<int:nid>", "urls wrapper: login_required"),
        ("POST", "/export", "urls wrapper: login_required")}


def test_django_urlconf_wrapper_recognised_by_what_it_does(tmp_path):
    result = django_site(
        tmp_path,
        guards="from django.core.exceptions import PermissionDenied\n\n\ndef staff_only(view):\n"
               "    def inner(request, *a, **k):\n        if not request.user.is_staff:\n"
               "            raise PermissionDenied\n        return view(request, *a, **k)\n    return inner\n",
        views="def purge(request):\n    return None\n",
        urls="from django.urls import path\n\nfrom . import views\nfrom .guards import staff_only\n\n"
             "urlpatterns = [path('purge/', staff_only(views.purge))]\n")
    assert [(e["path"], e["auth"]) for e in result.endpoints] == [("/purge/", "urls wrapper: staff_only")]


def test_project_route_helper_registers_what_each_call_gives_it(tmp_path):
    # a helper whose body forwards its parameters to add_url_rule: each call registers its literal routes;
    # the blueprint's prefix comes from the config class `app.config.from_object(...)` loads
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "config.py").write_text("class Default:\n    USER_URL_PREFIX = '/user'\n")
    (tmp_path / "pkg" / "helpers.py").write_text(
        "def register_view(bp_or_app, routes, view_func, *args, **kwargs):\n"
        "    for route in routes:\n"
        "        bp_or_app.add_url_rule(route, view_func=view_func, *args, **kwargs)\n\n\n"
        "def not_a_helper(bp, routes, view_func):\n"
        "    for route in ['/fixed']:\n"
        "        bp.add_url_rule(route, view_func=view_func)\n")
    (tmp_path / "pkg" / "app.py").write_text(
        "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
        "    app.config.from_object('pkg.config.Default')\n    return app\n")
    (tmp_path / "pkg" / "views.py").write_text(
        "from flask import Blueprint\nfrom flask.views import MethodView\nfrom flask_login import login_required\n\n"
        "from pkg.helpers import not_a_helper, register_view\n\n\n"
        "class Settings(MethodView):\n    decorators = [login_required]\n\n"
        "    def get(self):\n        return ''\n\n    def post(self):\n        return ''\n\n\n"
        "class Profile(MethodView):\n    def get(self, username):\n        return User.query.get(username)\n\n\n"
        "def load(app):\n    user = Blueprint('user', __name__)\n"
        "    register_view(user, routes=['/settings', '/prefs'], view_func=Settings.as_view('settings'))\n"
        "    register_view(user, ['/<username>'], Profile.as_view('profile'), methods=['GET'])\n"
        "    not_a_helper(user, routes=['/other'], view_func=Profile.as_view('other'))\n"
        "    app.register_blueprint(user, url_prefix=app.config['USER_URL_PREFIX'])\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(",".join(e["methods"]), e["path"], e["handler"], e["auth"]) for e in result.endpoints} == {
        ("GET,POST", "/user/settings", "Settings", "decorators attribute: login_required"),
        ("GET,POST", "/user/prefs", "Settings", "decorators attribute: login_required"),
        ("GET", "/user/<username>", "Profile", "none")}
    assert any("USER_URL_PREFIX" in via and "'/user'" in via for e in result.endpoints for via in e["prefix_from"])


def test_route_helper_looping_over_path_resource_pairs_registers_each_pair(tmp_path):
    # a helper that loops over (path, Resource) tuples, making each view with as_view() and wrapping it in the
    # decorators its caller passes; a module-level list of pairs handed to it registers every pair, guarded by
    # those decorators. A flask-restful loop (`api.add_resource(resource, path)`) registers its pairs too.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "util.py").write_text(
        "def configure(blueprint, route_tuples, decorators=None):\n"
        "    made = {}\n"
        "    for path, resource in route_tuples:\n"
        "        view_func = made.get(resource)\n"
        "        if view_func is None:\n"
        "            view_func = resource.as_view(resource.__name__)\n"
        "            for decorator in decorators or []:\n"
        "                view_func = decorator(view_func)\n"
        "            made[resource] = view_func\n"
        "        blueprint.add_url_rule(path, view_func=view_func)\n"
        "    return blueprint\n\n\n"
        "def add_all(api, pairs):\n"
        "    for path, resource in pairs:\n"
        "        api.add_resource(resource, path)\n")
    (tmp_path / "pkg" / "views.py").write_text(
        "from flask import Blueprint\nfrom flask.views import MethodView\nfrom flask_restful import Api, Resource\n"
        "from flask_jwt_extended import jwt_required\n\nfrom pkg.util import add_all, configure\n\n\n"
        "class Notes(MethodView):\n    def get(self, note_id):\n        return ''\n\n\n"
        "class Tags(Resource):\n    def get(self):\n        return []\n\n\n"
        "routes = [\n    ('/notes/<note_id>', Notes),\n    ('/notes/<note_id>/copy', Notes),\n]\n"
        "blueprint = Blueprint('notes', __name__)\n"
        "configure(blueprint, routes, decorators=[jwt_required()])\n"
        "open_bp = Blueprint('open', __name__)\napi = Api(open_bp)\n"
        "add_all(api, [('/tags', Tags)])\n")
    (tmp_path / "pkg" / "app.py").write_text(
        "from flask import Flask\n\nfrom pkg.views import blueprint, open_bp\n\n"
        "app = Flask(__name__)\napp.register_blueprint(blueprint)\napp.register_blueprint(open_bp)\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(",".join(e["methods"]), e["path"], e["handler"], e["auth"]) for e in result.endpoints} == {
        ("GET", "/notes/<note_id>", "Notes", "urls wrapper: jwt_required"),
        ("GET", "/notes/<note_id>/copy", "Notes", "urls wrapper: jwt_required"),
        ("GET", "/tags", "Tags", "none")}


def test_fastapi_route_helper_method_passes_its_path_and_endpoint_on(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "__init__.py").write_text("")
    (tmp_path / "api" / "routing.py").write_text(
        "def add(router, path, endpoint, methods=None, **extra):\n"
        "    router.add_api_route(path, endpoint, methods=methods, **extra)\n")
    (tmp_path / "api" / "main.py").write_text(
        "from fastapi import APIRouter, FastAPI\n\nfrom api.routing import add\n\n"
        "router = APIRouter(prefix='/items')\n\n\n"
        "def delete_item(item_id: int):\n    return None\n\n\n"
        "add(router, '/{item_id}', delete_item, methods=['DELETE'])\n"
        "app = FastAPI()\napp.include_router(router, prefix='/api')\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert [(e["methods"], e["path"], e["handler"]) for e in result.endpoints] == [
        (["DELETE"], "/api/items/{item_id}", "delete_item")]


def test_django_url_wrapper_returning_path_registers_each_call(tmp_path):
    result = django_site(
        tmp_path,
        guards="",
        views="from django.contrib.auth.decorators import login_required\nfrom django.views import View\n\n\n"
              "def users(request):\n    return None\n\n\n@login_required\ndef me(request):\n    return None\n\n\n"
              "class Report(View):\n    def get(self, request):\n        return None\n",
        urls="from django.urls import path, re_path\n\nfrom . import views\n\n\n"
             "def api_path(route, view, name=None):\n    return path(f'api/v1/{route}', view, name=name)\n\n\n"
             "def legacy(route, view):\n    return re_path(route, view)\n\n\n"
             "urlpatterns = [api_path('users/', views.users), api_path('me/', views.me, name='me'),\n"
             "               api_path('report/', views.Report.as_view()), legacy(r'^old/(?P<pk>\\d+)/$', views.users)]\n")
    assert sorted((e["path"], e["handler"], e["auth"]) for e in result.endpoints) == [
        ("/api/v1/me/", "me", "decorator: login_required"), ("/api/v1/report/", "Report", "none"),
        ("/api/v1/users/", "users", "none"), ("/old/{pk}/", "users", "none")]


def test_starlette_helper_returning_route_is_placed_by_its_list_and_mount(tmp_path):
    (tmp_path / "routing.py").write_text(
        "from starlette.routing import Route\n\n\ndef route(path, endpoint, methods=None):\n"
        "    return Route(path, endpoint, methods=methods)\n")
    (tmp_path / "app.py").write_text(
        "from starlette.applications import Starlette\nfrom starlette.routing import Mount\n\n"
        "from routing import route\n\n\nasync def items(request):\n    return None\n\n\n"
        "async def drop(request):\n    return None\n\n\n"
        "routes = [route('/items', items), Mount('/admin', routes=[route('/drop', drop, methods=['POST'])])]\n"
        "app = Starlette(routes=routes)\n")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert sorted((",".join(e["methods"]), e["path"], e["handler"]) for e in result.endpoints) == [
        ("GET", "/items", "items"), ("POST", "/admin/drop", "drop")]


def test_django_ninja_subclassed_api_with_routers_added_by_import_path(tmp_path):
    # A project subclass of NinjaAPI carries the API-wide auth; routers added by their import path (a string)
    # inside a helper that receives the API get it too; add_router(auth=...) and a route's auth=None override.
    result = django_site(
        tmp_path,
        api="from ninja import NinjaAPI\nfrom ninja.security import django_auth\n\n\n"
            "class LoggedAPI(NinjaAPI):\n    pass\n\n\n"
            "def register(api):\n    api.add_router('/core/', 'site.core.router')\n"
            "    api.add_router('/hooks/', 'site.hooks.router', auth=None)\n    return api\n\n\n"
            "api = LoggedAPI(auth=django_auth)\napi = register(api)\nurls = api.urls\n",
        core="from ninja import Router\n\nrouter = Router()\n\n\n@router.post('/tag/{tag_id}/rename')\n"
             "def rename(request, tag_id: int):\n    return {}\n\n\n@router.get('/open', auth=None)\n"
             "def open_page(request):\n    return {}\n",
        hooks="from ninja import Router\n\nrouter = Router()\n\n\n@router.get('/ping')\ndef ping(request):\n"
              "    return {}\n",
        urls="from django.urls import path\n\nfrom .api import urls as v1_urls\n\n"
             "urlpatterns = [path('api/v1/', v1_urls)]\n")
    assert {(",".join(e["methods"]), e["path"], e["auth"]) for e in result.endpoints} == {
        ("POST", "/api/v1/core/tag/{tag_id}/rename", "ninja auth: django_auth"),
        ("GET", "/api/v1/core/open", "public (auth=None)"), ("GET", "/api/v1/hooks/ping", "none")}


def test_falcon_resources_responders_suffixes_and_helper_guards(tmp_path):
    rows, findings, result = scan_app(tmp_path, "falcon_app")
    assert rows == {
        ("GET", "/items", "shop/resources.py:8", "none"),
        # a project helper named for auth that refuses (HTTPUnauthorized) guards the responder calling it
        ("POST", "/items", "shop/resources.py:11", "check in helper: parse_token()"),
        ("DELETE", "/items/{item_id:int}", "shop/resources.py:17", "check in helper: parse_token()"),
        # add_route(..., suffix="reviews"): on_get_reviews serves it; a resource bound to a name first
        ("GET", "/items/{item_id:int}/reviews", "shop/resources.py:21", "none"),
        ("POST", "/items/{item_id:int}/reset", "shop/resources.py:26", "none"),
    }
    assert result.frameworks["falcon"] == {"files": 3, "endpoints": 5, "modelled": True}
    # the reset writes a record its URL names by id beside routes guarded one by one: an error, as in any framework
    assert ("BA-AUTH-001", "shop/resources.py", 26, "error") in findings


def test_pyramid_cornice_resource_paths_with_format_escapes(tmp_path):
    rows, _, _ = scan_app(tmp_path, "pyramid_app")
    auth = "unknown: pyramid view permission and ACL factory (not modelled)"
    # `{{id}}` is a str.format escape: the route is served as /buckets/{id}
    assert rows == {("GET,POST", "/buckets", "store/views.py:5", auth),
                    ("DELETE,GET", "/buckets/{id}", "store/views.py:5", auth)}


def test_pyramid_url_dispatch_joins_add_route_and_views_by_route_name(tmp_path):
    rows, findings, result = scan_app(tmp_path, "pyramid_dispatch_app")
    acl = " (ACL of route factory ItemFactory)"
    assert rows == {
        ("GET", "/", "shop/views.py:6", "none"),
        # NO_PERMISSION_REQUIRED: the view says it is open to anyone
        ("GET", "/_health/", "shop/views.py:11", "public (permission=NO_PERMISSION_REQUIRED)"),
        # a project view deriver's option listing the verbs it lets through
        ("POST", "/hooks/mail", "shop/views.py:16", "none"),
        # @view_defaults on the class: route and permission for each method, a method's own permission wins
        ("GET", "/items/{id}", "shop/views.py:26", f"pyramid permission: view{acl}"),
        ("DELETE", "/items/{id}", "shop/views.py:30", f"pyramid permission: delete{acl}"),
        # config.include(".admin", route_prefix="/admin"); config.add_view(view, route_name=...)
        ("GET", "/admin/users/", "shop/admin/views.py:5", "pyramid permission: admin"),
        ("POST", "/admin/users/{id}/purge", "shop/admin/views.py:9", "none"),
    }
    assert result.frameworks["pyramid"]["endpoints"] == 7
    assert any(f[0] == "BA-AUTH-001" and f[1:3] == ("shop/admin/views.py", 9) for f in findings)
    assert not any(f[0] == "BA-AUTH-001" and f[1] == "shop/views.py" and f[2] in (26, 30) for f in findings)


def test_django_urlpatterns_rebound_to_itself_and_a_decorator_gating_on_a_middleware_user(tmp_path):
    # `urlpatterns = [...] + urlpatterns` under DEBUG keeps every route; `if not request.me:` in a decorator (or
    # the helper it hands the request to) guards, `me` being what a middleware in MIDDLEWARE sets from the user
    files = {
        "settings.py": (
            "DEBUG = False\nROOT_URLCONF = 'club.urls'\nMIDDLEWARE = ['club.middleware.me']\n"
            "if DEBUG:\n    MIDDLEWARE = ['debug_toolbar.middleware.DebugToolbarMiddleware'] + MIDDLEWARE\n"),
        "middleware.py": (
            "from club.helpers import authorized_user_with_session\n\n\ndef me(get_response):\n"
            "    def middleware(request):\n"
            "        request.me, request.my_session = authorized_user_with_session(request)\n"
            "        return get_response(request)\n\n    return middleware\n"),
        "helpers.py": (
            "from django.shortcuts import redirect\n\n\ndef authorized_user_with_session(request):\n"
            "    return None, None\n\n\ndef check_user_permissions(request):\n    if not request.me:\n"
            "        return redirect('login')\n    return None\n"),
        "decorators.py": (
            "import functools\n\nfrom club.helpers import check_user_permissions\n\n\ndef require_auth(view):\n"
            "    @functools.wraps(view)\n    def wrapper(request, *args, **kwargs):\n"
            "        denied = check_user_permissions(request)\n        if denied:\n            return denied\n"
            "        return view(request, *args, **kwargs)\n\n    return wrapper\n\n\n"
            "def api(require_auth=True):\n    def decorator(view):\n        def wrapper(request, *args, **kwargs):\n"
            "            if require_auth:\n                if not request.me:\n"
            "                    raise PermissionError()\n"
            "            return view(request, *args, **kwargs)\n        return wrapper\n    return decorator\n"),
        "views.py": (
            "from django.http import JsonResponse\n\nfrom club.decorators import api, require_auth\n\n\n@require_auth\n"
            "def settings_page(request):\n    request.me.delete()\n    return JsonResponse({})\n\n\n"
            "@api(require_auth=True)\ndef vote(request, post_id):\n    return JsonResponse({})\n\n\n"
            "@api(require_auth=False)\ndef feed(request):\n    return JsonResponse({})\n"),
        "urls.py": (
            "from django.conf import settings\nfrom django.urls import include, path\n\n"
            "from club.views import feed, settings_page, vote\n\n"
            "urlpatterns = [path('settings/', settings_page), path('vote/<int:post_id>/', vote),\n"
            "               path('feed/', feed)]\n\n"
            "if settings.DEBUG:\n    import debug_toolbar\n"
            "    urlpatterns = [path('__debug__/', include(debug_toolbar.urls))] + urlpatterns\n"),
    }
    (tmp_path / "club").mkdir()
    for name, text in files.items():
        (tmp_path / "club" / name).write_text(text)
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert {(e["path"], e["auth"]) for e in result.endpoints} == {
        ("/settings/", "decorator: require_auth"), ("/vote/<int:post_id>/", "decorator: api"), ("/feed/", "none")}


def test_project_route_registry_decorators_become_endpoints(tmp_path):
    """`@Route.get("/x")` appends the handler's wrapper to `Route._routes`, which a loop hands to aiohttp's
    `add_route`: each decorated handler is an endpoint. The wrapper's guard answers 401 only when a setting
    is on (auth depends on configuration: unknown, a note) and lets `console/ws` paths through (no guard).
    `Hooks.on` has the same shape, but no loop registers its list: no route."""
    rows, findings, _ = scan_app(tmp_path, "aiohttp_registry_app")
    by_config = ("unknown: authentication depends on configuration: the registry's guard Route.authenticate "
                 "(svc/route.py:18) answers 401 only when the 'auth' setting is on (off by default)")
    assert rows == {
        ("GET", "/projects/{project_id}", "svc/handlers.py:8", by_config),
        ("DELETE", "/projects/{project_id}", "svc/handlers.py:12", by_config),
        ("GET", "/projects/{project_id}/console/ws", "svc/handlers.py:17",
         "none (exempted by the registry's guard Route.authenticate (svc/route.py:18), which lets paths ending in "
         "'console/ws' through)"),
    }
    assert findings == [("BA-AUTH-001", "svc/handlers.py", 17, "warning"),
                        ("BA-AUTH-001/unknown", "svc/handlers.py", 8, "note"),
                        ("BA-AUTH-001/unknown", "svc/handlers.py", 12, "note")]
