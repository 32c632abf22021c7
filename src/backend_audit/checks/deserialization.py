"""BA-INP-004 unsafe deserialization and XML parsing: bandit's pickle/marshal/torch/XML tests re-keyed, plus
what bandit does not model (PyYAML Loader semantics, numpy allow_pickle, Celery and Django pickle settings)."""

from __future__ import annotations

import re

import libcst as cst

from ..findings import Finding
from .base import BanditCheck
from .cst_base import CstCheck
from .cst_recognise import UNKNOWN, arg, literal_value, strings_in, target_name

_XML_TESTS = frozenset({"B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"})
# The first argument is a string literal, or open() of one: a file shipped with the code, not user input.
_LITERAL_FILE_ARG = re.compile(r"^[\w.]+\(\s*(open\(\s*)?[rbuRBU]*['\"]")


class UnsafeDeserializationBandit(BanditCheck):
    RULE_ID = "BA-INP-004"

    def convert(self, issue) -> Finding | None:
        lines = self.ctx.text.splitlines()
        text = lines[issue.lineno - 1][issue.col_offset or 0:] if 0 < issue.lineno <= len(lines) else ""
        local_file = bool(_LITERAL_FILE_ARG.match(text))
        xml = issue.test_id in _XML_TESTS
        if xml:
            message = (f"XML parsed with the standard library ({issue.test_id}): entity expansion and external "
                       "entities are not disabled; use defusedxml")
        else:
            message = (f"unsafe deserialization ({issue.test_id}: {issue.text.rstrip('.')}); loading untrusted "
                       "bytes runs arbitrary code: use JSON or a schema-checked format")
        if local_file:
            message += " (input is a literal local file path: warning)"
        finding = self.finding_from_issue(issue, level="warning" if local_file else None, message=message)
        if xml:
            finding.properties["sub"] = "xml"
            finding.properties["cwe"] = 611
        return finding


_YAML_UNSAFE_FUNCS = frozenset({"yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"})
_YAML_LOADS = frozenset({"yaml.load", "yaml.load_all"})
_YAML_UNSAFE_LOADERS = frozenset({"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"})
_CELERY_KEYS = frozenset({"accept_content", "task_serializer", "result_serializer", "event_serializer",
                          "result_accept_content", "celery_accept_content", "celery_task_serializer",
                          "celery_result_serializer", "celery_event_serializer", "celery_result_accept_content"})


class UnsafeDeserialization(CstCheck):
    RULE_ID = "BA-INP-004"
    PREFILTER = ("yaml", "numpy", "np.", "pickle", "PickleSerializer")

    def visit_Call(self, node: cst.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        if qn in _YAML_UNSAFE_FUNCS:
            self._yaml(node, f"{qn}() constructs arbitrary Python objects from the document")
        elif qn in _YAML_LOADS:
            loader = arg(node, "Loader", 1)
            if loader is None:
                self._yaml(node, f"{qn}() without a Loader (PyYAML < 5.1 defaults to the unsafe loader)")
            else:
                name = (self.ctx.qualname(loader.value) or "").rpartition(".")[2]
                if name in _YAML_UNSAFE_LOADERS and (self.ctx.qualname(loader.value) or "").startswith("yaml"):
                    self._yaml(node, f"{qn}() with Loader={name} constructs Python objects from the document")
        elif qn in ("numpy.load",):
            flag = arg(node, "allow_pickle")
            if flag is not None and literal_value(flag.value) is True:
                self.report(node, "numpy.load(..., allow_pickle=True) unpickles object arrays from the file; keep "
                                  "allow_pickle=False", level=self._level(node))
        else:
            # app.conf.update(...), Celery(...), dict(...): any call may carry the Celery settings as keywords
            self._celery_keywords(node)

    def _yaml(self, node: cst.Call, why: str) -> None:
        self.report(node, f"unsafe YAML load: {why}; use yaml.safe_load or Loader=yaml.SafeLoader",
                    level=self._level(node))

    def _level(self, node: cst.Call) -> str | None:
        first = arg(node, None, 0)
        if first is None:
            return None
        value = first.value
        if isinstance(value, cst.Call) and self.ctx.qualname(value.func) == "builtins.open" and value.args:
            value = value.args[0].value
        return "warning" if isinstance(literal_value(value), str) else None

    def _celery_keywords(self, node: cst.Call) -> None:
        for a in node.args:
            if a.keyword is not None and a.keyword.value.lower() in _CELERY_KEYS:
                self._setting(a, a.keyword.value, a.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            name = target_name(t.target)
            if name:
                self._setting(node, name, node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = literal_value(node.key)
        if isinstance(key, str):
            self._setting(node, key, node.value)

    def _setting(self, node: cst.CSTNode, name: str, value_node: cst.BaseExpression) -> None:
        low = name.lower()
        value = literal_value(value_node)
        if value is UNKNOWN:
            return
        if low in _CELERY_KEYS and any(s.lower() == "pickle" or s.endswith("x-python-serialize")
                                       for s in strings_in(value)):
            self.report(node, f"Celery {name} accepts pickle: any client that can publish to the broker runs code "
                              "in the worker; use json", properties={"sub": "celery-pickle"})
        elif low == "session_serializer" and any("Pickle" in s for s in strings_in(value)):
            self.report(node, "SESSION_SERIALIZER uses pickle: a leaked SECRET_KEY becomes remote code execution; "
                              "use django.contrib.sessions.serializers.JSONSerializer",
                        properties={"sub": "session-pickle"})
