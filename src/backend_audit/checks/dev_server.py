"""BA-DEP-003: development servers and their settings in entrypoints: Python code, Dockerfiles, Procfiles, compose."""

from __future__ import annotations

import re

import ast

from ..findings import Finding
from .base import AstCheck, FileContext, ProjectCheck, dotted
from .deploy import _flag
from .recognise import literal_value
from .repo_text import texts
from .util import MainGuardDepth


_ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})
_SERVER_RUNS = frozenset({"uvicorn.run", "hypercorn.run", "werkzeug.serving.run_simple", "werkzeug.run_simple",
                          "aiohttp.web.run_app"})


class DevServerInEntrypoint(MainGuardDepth, AstCheck):
    """Development servers started by application code, reload on, binds to every interface."""

    RULE_ID = "BA-DEP-003"
    PREFILTER = ("run",)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._apps: set[str] = set()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        qn = self.ctx.qualname(func) or ""
        flask_run = func.attr == "run" and not qn and self._flask_app(func.value)
        if not (flask_run or qn in _SERVER_RUNS):
            return
        reload = _flag(node, "reload") or _flag(node, "use_reloader")
        if reload is not None and literal_value(reload.value) is True and qn != "":
            self.report(node, f"{qn}(reload=True): the auto-reloader is a development feature (file watching, "
                              "one process); serve with gunicorn/uvicorn workers in production",
                        rule_id="BA-DEP-003/reload")
            return
        if self.main_depth:
            return  # `python app.py` for local runs
        host = _flag(node, "host")
        bind_all = host is not None and literal_value(host.value) in _ALL_INTERFACES
        if flask_run:
            self.report(node, "app.run() outside `if __name__ == \"__main__\"` starts Werkzeug's development "
                              "server whenever the module is imported" + (" and binds every interface" if bind_all
                                                                           else ""),
                        rule_id="BA-DEP-003/dev-server")
        elif bind_all:
            self.report(host, f"{qn}(host={literal_value(host.value)!r}) binds every network interface from "
                              "application code: bind in the deployment config instead", rule_id="BA-DEP-003/bind-all")

    def _flask_app(self, receiver: ast.AST) -> bool:
        name = dotted(receiver) or ""
        if not any(v.split(".")[0] in ("flask", "quart") for v in self.ctx.imports.values()):
            return False
        return name.rsplit(".", 1)[-1] in ("app", "application", "flask_app") or name in self._apps

    def visit_Assign(self, node: ast.Assign) -> None:
        if isinstance(node.value, ast.Call) and (self.ctx.qualname(node.value.func) or "") in ("flask.Flask",
                                                                                                "quart.Quart"):
            self._apps.update(t.id for t in node.targets if isinstance(t, ast.Name))


# shell form and exec form (`["python", "manage.py", "runserver"]`) alike
_SEP = r"""["',\s]+"""
_DEV_COMMAND = re.compile(rf"(manage\.py|django-admin){_SEP}runserver\b|\bflask{_SEP}run\b|\buvicorn\b[^\n]*--reload\b")
_ENTRYPOINT_FILES = re.compile(r"(^|/)(Dockerfile[^/]*|[^/]*\.Dockerfile|Procfile[^/]*|(docker-)?compose[^/]*\.ya?ml)$")


class DevServerInContainer(ProjectCheck):
    """`runserver`, `flask run` or `uvicorn --reload` as the command of a Dockerfile, Procfile or compose service."""

    RULE_ID = "BA-DEP-003"

    def run(self, project) -> list[Finding]:
        out = []
        for rel, text in texts(project, lambda r: bool(_ENTRYPOINT_FILES.search(r))):
            if any(p in ("tests", "test", "docs", "examples", "example") for p in rel.split("/")[:-1]):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                stripped = line.strip()
                if stripped.startswith("#") or not _DEV_COMMAND.search(stripped):
                    continue
                if rel.rsplit("/", 1)[-1].lower().startswith(("docker-compose.dev", "compose.dev",
                                                               "docker-compose.override", "dockerfile.dev")):
                    continue  # a file named for development says where it runs
                out.append(Finding(
                    rule_id="BA-DEP-003/container-dev-server", path=rel, line=number, column=1, end_line=number,
                    end_column=len(line) + 1, level=self.rule.level, engine=self.ENGINE, snippet=stripped[:200],
                    message=f"{rel} starts a development server ({_DEV_COMMAND.search(stripped)[0]}): single "
                            "process, no hardening; use gunicorn/uvicorn workers"))
        return out
