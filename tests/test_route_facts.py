"""Route-wiring and Django facts on the ast engine: the argument shapes ast stores apart from each other
(keywords, `*x`, `**x`) still count where libcst's source-ordered argument list counted them."""

import textwrap

from backend_audit.config import Settings
from backend_audit.pipeline.discovery import SourceRef
from backend_audit.pipeline.runner import Plan, analyse_file

PLAN = Plan(settings=Settings(jobs=1), enabled=set(), root="/")


def facts(tmp_path, code):
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    result = analyse_file(SourceRef("app.py", str(path)), PLAN)
    assert not result.skipped
    return result.facts


def test_keyword_and_starred_arguments_keep_their_meaning(tmp_path):
    web = facts(tmp_path, """\
        from fastapi import FastAPI
        from flask_restful import Api
        app = FastAPI()
        api = Api(app)
        app.before_request(f=check)
        app.mount("/sub", app=subapp)
        api.add_resource(Res, "/r1", *more, "/r2", endpoint="x")
    """)["web"]
    assert [h["function"] for h in web["hooks"]] == ["check"]
    # flask-restful's Api(app) hangs its resources from the app it is given (its prefix, hooks)
    assert [(i["target"], i.get("prefix")) for i in web["includes"]] == [("api", None), ("subapp", "/sub")]
    assert [(r["path"], r["view"], r["line"]) for r in web["url_rules"]] == [("/r1", "Res", 7), ("/r2", "Res", 7)]


def test_urlpatterns_unpack_starred_lists_and_module_level_only(tmp_path):
    got = facts(tmp_path, """\
        from django.urls import path
        urlpatterns = [path("a/", views.a), *[path("b/", views.b)]]
        urlpatterns += list(*[[path("c/", views.c)]])
        REST_FRAMEWORK = {}
        REST_FRAMEWORK["PAGE_SIZE"] = 10
        def helper():
            urlpatterns = []
            MIDDLEWARE = ["ignored"]
    """)
    assert [(p["route"], p["view"], p["line"]) for p in got["urlpatterns"]] == [
        ("a/", "views.a", 2), ("b/", "views.b", 2), ("c/", "views.c", 3)]
    assert got["settings"] == {"REST_FRAMEWORK": {"value": {"PAGE_SIZE": 10}, "line": 4}}
