"""BA-INP-004 unsafe deserialization and XML parsing: bandit's pickle/marshal/torch/XML tests re-keyed, plus
what bandit does not model (PyYAML Loader semantics, numpy allow_pickle, Celery and Django pickle settings)."""

from __future__ import annotations

from .lazy_re import re  # compiled on first use

import ast

from ..findings import Finding
from .base import AstCheck, BanditCheck
from .package_files import package_file
from .pickle_origin import stored_origin
from .recognise import UNKNOWN, arg, arg_values, literal_value, strings_in, target_name
from .util import is_migration

_XML_TESTS = frozenset({"B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"})
# The first argument is a string literal, or open() of one: a file shipped with the code, not user input.
_LITERAL_FILE_ARG = re.compile(r"^[\w.]+\(\s*(open\(\s*)?[rbuRBU]*['\"]")

# `parser.setFeature(feature_external_ges, True)`: a SAX parser told to resolve external entities again.
_EXTERNAL_ENTITIES_ON = re.compile(r"feature_external_(ges|pes)\s*,\s*(True|1)\b")

# Names on the flagged line that show the bytes come from outside the process.
_OUTSIDE_INPUT = re.compile(r"\b(request|req|files|upload\w*|body|payload|recv\w*|socket|sock|conn|stdin|"
                            r"get_data|get_json|content|message|msg|urlopen|requests|httpx)\b")


class UnsafeDeserializationBandit(BanditCheck):
    RULE_ID = "BA-INP-004"

    def convert(self, issue) -> Finding | None:
        lines = self.ctx.lines  # split once per file, with Python's own line breaks
        text = lines[issue.lineno - 1][issue.col_offset or 0:] if 0 < issue.lineno <= len(lines) else ""
        local_file = bool(_LITERAL_FILE_ARG.match(text))
        xml = issue.test_id in _XML_TESTS
        stdlib_xml = xml and issue.test_id != "B320" and not _EXTERNAL_ENTITIES_ON.search(self.ctx.text)
        if stdlib_xml:
            # Python's XML docs: since 3.7.1 the stdlib parsers resolve no external entities (no XXE), and the
            # Expat bundled since 3.10 (>= 2.4.1) bounds billion-laughs and quadratic blowup; only a Python
            # linked to an older system Expat is left exposed to the amplification, which defusedxml refuses
            message = (f"XML parsed with the standard library ({issue.test_id}): no external entities are "
                       "resolved (Python >= 3.7.1) and Expat >= 2.4.1 bounds entity amplification; on a Python "
                       "linked to an older system Expat use defusedxml")
        elif xml:
            message = (f"XML parsed with {'lxml' if issue.test_id == 'B320' else 'the standard library'} "
                       f"({issue.test_id}): entity expansion and external entities are not disabled; use "
                       "defusedxml")
        else:
            message = (f"unsafe deserialization ({issue.test_id}: {issue.text.rstrip('.')}); loading untrusted "
                       "bytes runs arbitrary code: use JSON or a schema-checked format")
        untraced = not xml and not local_file and not _OUTSIDE_INPUT.search(text)
        if local_file:
            message += " (input is a literal local file path: warning)"
        elif untraced:
            # bandit flags every load; without the bytes visibly coming from a request, an upload or a socket
            # the rule cannot tell the app's own cache or model file from an attacker's payload
            message += (" (origin not traced: an error when the bytes can come from a request, an upload or a "
                        "shared cache)")
        level = "note" if stdlib_xml else "warning" if local_file or untraced else None
        stored = stored_origin(self.ctx, issue.lineno, issue.col_offset or 0) if untraced else None
        if stored:
            # the bytes are the app's own database rows, or the caller's: nothing here shows a request, an
            # upload or a shared cache handing them over, and request data that does reach the load is
            # BA-INP-013's traced flow (an error there)
            level = "note"
            message = message.replace(" (origin not traced:", f" ({stored}; origin not traced:")
        elif untraced and is_migration(self.ctx):
            # a data migration reads rows back from the app's own tables, once, when the operator migrates:
            # whatever pickled them (the app, a library's job store) unpickles them at run time too, and that
            # load, not this one, is where attacker bytes would have to get in
            level = "note"
            message = message.replace(" (origin not traced:", " (in a migration reading the app's own rows; "
                                                               "origin not traced:")
        finding = self.finding_from_issue(issue, level=level, message=message)
        if xml:
            finding.properties["sub"] = "xml"
            finding.properties["cwe"] = 611
        return finding


_YAML_UNSAFE_FUNCS = frozenset({"yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"})
_YAML_LOADS = frozenset({"yaml.load", "yaml.load_all"})
# The C accelerator and the Python 2 spelling: bandit's B301 lists only `pickle.*`.
_PICKLE_ALIASES = frozenset({f"{mod}.{fn}" for mod in ("_pickle", "cPickle") for fn in ("load", "loads", "Unpickler")})
_YAML_UNSAFE_LOADERS = frozenset({"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"})
_CELERY_KEYS = frozenset({"accept_content", "task_serializer", "result_serializer", "event_serializer",
                          "result_accept_content", "celery_accept_content", "celery_task_serializer",
                          "celery_result_serializer", "celery_event_serializer", "celery_result_accept_content"})


class UnsafeDeserialization(AstCheck):
    RULE_ID = "BA-INP-004"
    PREFILTER = ("yaml", "numpy", "np.", "pickle", "PickleSerializer")

    def report(self, node: ast.AST, message: str | None = None, *, level: str | None = None, **kw) -> None:
        """A load reported at the rule's level (error) needs its loaded expression to show bytes from outside
        the process, as bandit's loads do: otherwise the rule cannot tell a config or data file the project
        reads from an attacker's document, and says so at warning."""
        if level is None and isinstance(node, ast.Call) and not _outside_input(self.ctx.lines, arg(node, None, 0)):
            level = "warning"
            message = f"{message} (origin not traced: an error when the document can come from a request, an " \
                      "upload or a shared cache)"
        if level == "warning" and "origin not traced" in (message or "") and is_migration(self.ctx):
            # as for bandit's loads (convert): a data migration reads back the app's own rows, once
            level = "note"
            message = message.replace(" (origin not traced:", " (in a migration reading the app's own rows; "
                                                               "origin not traced:")
        super().report(node, message, level=level, **kw)

    def visit_Call(self, node: ast.Call) -> None:
        qn = self.ctx.qualname(node.func) or ""
        if qn in _YAML_UNSAFE_FUNCS:
            if qn.startswith("yaml.full_load"):
                self._yaml(node, f"{qn}() constructs Python objects from the document", full=True)
            else:
                self._yaml(node, f"{qn}() constructs arbitrary Python objects from the document")
        elif qn in _YAML_LOADS:
            loader = arg(node, "Loader", 1)
            if loader is None:
                self._yaml(node, f"{qn}() without a Loader (PyYAML < 5.1 defaults to the unsafe loader)")
            else:
                name = (self.ctx.qualname(loader) or "").rpartition(".")[2]
                if name in _YAML_UNSAFE_LOADERS and (self.ctx.qualname(loader) or "").startswith("yaml"):
                    self._yaml(node, f"{qn}() with Loader={name} constructs Python objects from the document",
                               full="Full" in name)
        elif qn in _PICKLE_ALIASES:
            self.report(node, f"unsafe deserialization: {qn}() is pickle; loading untrusted bytes runs arbitrary "
                              "code: use JSON or a schema-checked format", level=self._level(node))
        elif qn in ("numpy.load",):
            flag = arg(node, "allow_pickle")
            if flag is not None and literal_value(flag) is True:
                self.report(node, "numpy.load(..., allow_pickle=True) unpickles object arrays from the file; keep "
                                  "allow_pickle=False", level=self._level(node))
        else:
            # app.conf.update(...), Celery(...), dict(...): any call may carry the Celery settings as keywords
            self._celery_keywords(node)

    def _yaml(self, node: ast.Call, why: str, *, full: bool = False) -> None:
        shipped = package_file(self.ctx, node)
        if shipped:
            # the document is one the project ships (an API spec, a defaults file): whoever can change it can
            # change the code beside it, so the unsafe loader is a habit to fix, not a way in
            self.report(node, f"unsafe YAML load: {why}; the document is a file shipped with the project "
                              f"({shipped}), not request data: use yaml.safe_load or Loader=yaml.SafeLoader",
                        level="note")
            return
        level = self._level(node)
        if full and not _outside_input(self.ctx.lines, arg(node, None, 0)):
            # FullLoader refuses the python/object tags that run code since PyYAML 5.4 (the CVE-2020-14343 fix):
            # with no request, upload or cache shown feeding it, what is left is a habit to fix (blind set R: an
            # admin form's syntax check, an operator's config file), not a way in
            self.report(node, f"unsafe YAML load: {why}, though since PyYAML 5.4 FullLoader no longer runs code "
                              "(origin not traced: an error when the document can come from a request, an upload "
                              "or a shared cache); use yaml.safe_load or Loader=yaml.SafeLoader", level="note")
            return
        self.report(node, f"unsafe YAML load: {why}; use yaml.safe_load or Loader=yaml.SafeLoader", level=level)

    def _level(self, node: ast.Call) -> str | None:
        value = arg(node, None, 0)
        if value is None:
            return None
        if isinstance(value, ast.Call) and self.ctx.qualname(value.func) == "builtins.open":
            opened = arg_values(value)
            value = opened[0] if opened else value
        return "warning" if isinstance(literal_value(value), str) else None

    def _celery_keywords(self, node: ast.Call) -> None:
        for kw in node.keywords:
            if kw.arg is not None and kw.arg.lower() in _CELERY_KEYS:
                self._setting(kw, kw.arg, kw.value)

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            name = target_name(t)
            if name:
                self._setting(node, name, node.value)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key_node, value_node in zip(node.keys, node.values):
            key = literal_value(key_node)  # None for a **spread: not a str
            if isinstance(key, str):
                self._setting(_span(key_node, value_node), key, value_node)

    def _setting(self, node: ast.AST, name: str, value_node: ast.AST) -> None:
        low = name.lower()
        value = literal_value(value_node)
        if value is UNKNOWN:
            return
        # an argument or dict entry: libcst counted its trailing comma in, so keep it in the snippet (the
        # fingerprint is computed from it)
        key_node = None if isinstance(node, ast.Assign) else self._with_comma(node)
        if low in _CELERY_KEYS and any(s.lower() == "pickle" or s.endswith("x-python-serialize")
                                       for s in strings_in(value)):
            if "accept" in low:
                # blind set P: only a party that can publish to (or write results into) the broker reaches it,
                # and the broker normally sits inside the deployment: a real exposure, not a visible attack path
                self.report(node, f"Celery {name} accepts pickle: any client that can publish to the broker runs "
                                  "code in the worker (whether anyone outside the deployment can publish is not "
                                  "traced); use json", level="warning", key_node=key_node,
                            properties={"sub": "celery-pickle"})
            else:
                # a serializer setting chooses what this side writes; what gets unpickled is the reader's
                # accept_content (json only by default since Celery 4), reported where it allows pickle
                self.report(node, f"Celery {name} writes pickle: a reader whose accept_content allows pickle "
                                  "unpickles it (that setting is reported where it does); use json", level="note",
                            key_node=key_node, properties={"sub": "celery-pickle"})
        elif low == "session_serializer" and any("Pickle" in s for s in strings_in(value)):
            self.report(node, "SESSION_SERIALIZER uses pickle: a leaked SECRET_KEY becomes remote code execution; "
                              "use django.contrib.sessions.serializers.JSONSerializer",
                        key_node=key_node, properties={"sub": "session-pickle"})

    def _with_comma(self, node: ast.AST) -> ast.AST:
        """node, stretched over the comma that follows it (whitespace, comments and line breaks between)."""
        lines = self.ctx.lines
        line, col = node.end_lineno, node.end_col_offset
        while 0 < line <= len(lines):
            raw = lines[line - 1].encode("utf-8")
            rest = raw[col:].lstrip()
            if not rest or rest.startswith(b"#") or rest == b"\\":
                line, col = line + 1, 0
                continue
            if rest.startswith(b","):
                comma = len(raw) - len(rest) + 1
                return _span(node, node, end=(line, comma))
            break
        return node


def _span(start: ast.AST, last: ast.AST, end: tuple[int, int] | None = None) -> ast.AST:
    """A node from start to the end of last (or to `end`, a line and byte column): ast has no node for a dict
    entry, and report() needs one."""
    end_line, end_col = end or (last.end_lineno, last.end_col_offset)
    return ast.expr(lineno=start.lineno, col_offset=start.col_offset, end_lineno=end_line, end_col_offset=end_col)


def _outside_input(lines: list[str], value: ast.AST | None) -> bool:
    """Names in the loaded expression that show the bytes come from outside the process (the names bandit's
    loads are judged by)."""
    if value is None or not 0 < value.lineno <= len(lines):
        return False
    return bool(_OUTSIDE_INPUT.search(" ".join(lines[value.lineno - 1:value.end_lineno])))
