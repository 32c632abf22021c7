"""Injection checks (non-SQL)."""

from __future__ import annotations

import re
from typing import Any

import ast

from ..findings import Finding
from .base import AstCheck, BanditCheck
from .endpoint_base import EndpointCheck
from .recognise import arg_values
from .util import is_literal_string


class ShellCommandExecution(BanditCheck):
    """bandit B602/B604/B605/B609, re-keyed. bandit rates a literal command LOW: that is our warning."""

    RULE_ID = "BA-INP-003"

    def convert(self, issue) -> Finding | None:
        literal = issue.severity == "LOW"
        level = "warning" if literal else "error"
        what = "with a constant command" if literal else "with a command built at run time"
        return self.finding_from_issue(
            issue, level=level,
            message=f"shell command execution {what} ({issue.test_id}); pass an argument list without a shell")


class ShellCommandExecutionAsync(AstCheck):
    """What bandit does not see: asyncio's shell subprocess API."""

    RULE_ID = "BA-INP-003"
    PREFILTER = ("create_subprocess_shell",)

    def visit_Call(self, node: ast.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        if not qn.endswith("create_subprocess_shell") or not qn.startswith("asyncio"):
            return
        values = arg_values(node)
        first = values[0] if values else None
        literal = is_literal_string(first) or (isinstance(first, ast.Constant) and isinstance(first.value, bytes))
        self.report(node, "shell command execution via asyncio.create_subprocess_shell"
                          f"{' with a constant command' if literal else ' with a command built at run time'}; "
                          "use asyncio.create_subprocess_exec with an argument list",
                    level="warning" if literal else "error")


_RAW_BODY = re.compile(r"\.(body|get_data|data|read)\b")


# Bases whose classes check what they are built from (a class with one of these anywhere in its MRO validates).
_VALIDATING = ("pydantic", "marshmallow", "msgspec", "rest_framework", "django.forms", "wtforms", "flask_wtf",
               "sqlmodel", "attrs", "attr", "cattrs", "typing.TypedDict")


def _plain_class(project: Any, path: str, ref: str) -> bool:
    """A project class whose MRO shows no validating library (a plain class or dataclass): building it from
    request data checks nothing. Unknown or library classes are not claimed either way."""
    sm = project.semantic
    module = sm.module_of(path)
    sym = sm.resolve(module, ref) if module else None
    if sym is None or sym.kind != "class":
        return False
    external = [q for q in sm.mro(sym.qualname) if q not in sm.classes]
    return all(not q.startswith("?") and q in ("object", "builtins.object") for q in external) and \
        not any(q.startswith(_VALIDATING) for q in external)


class RequestDataWithoutValidation(EndpointCheck):
    """Raw request payloads read in an endpoint and used without a validator; untyped FastAPI bodies."""

    RULE_ID = "BA-INP-001"

    def run(self, project: Any) -> list:
        from ..model.frameworks.inventory import untyped_body_params

        from ..model.frameworks.orm import OrmIndex

        out = []
        seen: set[tuple[str, int, int]] = set()
        orm = OrmIndex(project.facts)
        for e in self.inventory(project).endpoints:
            sub = {"fastapi": "fastapi-raw", "starlette": "fastapi-raw", "flask": "flask-raw"}.get(e.framework,
                                                                                               "django-raw")
            for read in e.fn.get("constructor_reads", []):
                key = (e.file, read["line"], read["col"])
                # `Note(title=data["title"])`: a pydantic model would validate, an ORM table model does not
                table = orm.is_model(e.file, read["model"])
                if key in seen or not (table or _plain_class(project, e.file, read["model"])):
                    continue
                seen.add(key)
                what = f"the {read['model']} table model" if table else f"{read['model']}, a class that checks nothing,"
                out.append(self.finding(e.file, read, f"request data `{read['snippet'][:60]}` goes straight into "
                                        f"{what} without validation; parse it with a schema first",
                                        rule_id=f"BA-INP-001/{sub}"))
            for read in e.fn.get("raw_reads", []):
                key = (e.file, read["line"], read["col"])
                if key in seen or e.fn.get("signature_check") and _RAW_BODY.search(read["snippet"]):
                    continue  # a webhook reads the raw body to check its signature: that is the point
                seen.add(key)
                out.append(self.finding(e.file, read, f"request data `{read['snippet'][:60]}` is used without "
                                        "schema validation; parse it with a pydantic model, serializer or form first",
                                        rule_id=f"BA-INP-001/{sub}"))
            if e.framework == "fastapi" and set(e.methods) & {"POST", "PUT", "PATCH"}:
                for param in untyped_body_params(e.fn):
                    key = (e.file, e.line, -1)
                    if key not in seen:
                        seen.add(key)
                        out.append(self.finding(e.file, e.line, f"body parameter `{param}` of {e.handler} is an "
                                                "untyped dict/Any: declare a pydantic model", symbol=e.handler,
                                                rule_id="BA-INP-001/untyped-body", snippet=f"{e.handler}({param})"))
        return out
