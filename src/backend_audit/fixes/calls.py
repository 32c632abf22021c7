"""Fixes that change one call's arguments or callee: yaml.load (BA-INP-004), verify=False (BA-SEC-002),
a missing timeout (BA-PERF-002)."""

from __future__ import annotations

import libcst as cst

from ..findings import Finding
from .base import Fixer, dotted, without_arg

_UNSAFE_LOADERS = {"Loader", "FullLoader", "UnsafeLoader"}


class SafeYamlLoad(Fixer):
    RULE_ID = "BA-INP-004"
    SAFETY = "safe"
    TITLE = "use yaml.safe_load"

    def rewrite(self, finding: Finding) -> list[list] | None:
        call = self.tree.at(finding, cst.Call)
        if call is None or not isinstance(call.func, cst.Attribute):
            return None  # `from yaml import load`: the safe name is not imported; leave it to a person
        if call.func.attr.value not in ("load", "load_all"):
            return None
        loader = next((a for a in call.args if a.keyword and a.keyword.value == "Loader"), None)
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if len(positional) != 1 or any(a.star for a in call.args):
            return None  # yaml.load(stream, SomeLoader) or *args: which loader is unknown
        if loader is not None:
            name = (dotted(loader.value) or "").split(".")[-1]
            if name not in _UNSAFE_LOADERS:
                return None  # a custom loader may be what the code needs
            call = without_arg(call, loader)
        safe = "safe_load" if call.func.attr.value == "load" else "safe_load_all"
        new = call.with_changes(func=call.func.with_changes(attr=cst.Name(safe)))
        return [self.tree.node_edit(self.tree.at(finding, cst.Call), new)]


class KeepTlsVerification(Fixer):
    RULE_ID = "BA-SEC-002"
    SAFETY = "safe"
    TITLE = "remove verify=False (verification is the default)"

    def rewrite(self, finding: Finding) -> list[list] | None:
        if finding.properties.get("sub") == "by-mode":
            return None  # the operator's own opt-out (`if not settings.VERIFY_SSL:`): removing it breaks the switch
        arg = self.tree.at(finding, cst.Arg)
        if arg is None or arg.keyword is None or arg.keyword.value != "verify" or \
                not (isinstance(arg.value, cst.Name) and arg.value.value == "False"):
            return None
        call = self.tree.parent(arg)
        if not isinstance(call, cst.Call):
            return None
        # cert= or a custom adapter may rely on verification being off: only a plain call is fixed
        if any(a.star or (a.keyword and a.keyword.value in ("cert", "ssl_context", "mounts", "transport"))
               for a in call.args):
            return None
        return [self.tree.node_edit(call, without_arg(call, arg))]


class AddTimeout(Fixer):
    RULE_ID = "BA-PERF-002"
    SAFETY = "unsafe"  # a request that used to wait forever now fails after the timeout
    TITLE = "pass timeout="

    def rewrite(self, finding: Finding) -> list[list] | None:
        call = self.tree.at(finding, cst.Call)
        if call is None or any(a.star for a in call.args):
            return None
        seconds = self.options.get("fix_timeout", 10)
        value = cst.Integer(str(seconds)) if isinstance(seconds, int) else cst.Float(repr(float(seconds)))
        existing = next((a for a in call.args if a.keyword and a.keyword.value == "timeout"), None)
        if existing is not None:
            if not (isinstance(existing.value, cst.Name) and existing.value.value == "None"):
                return None
            return [self.tree.node_edit(existing.value, value)]
        if (dotted(call.func) or "").endswith("ClientTimeout"):
            return None  # ClientTimeout(total=None) needs a limit of its own, not a timeout= argument
        new_arg = cst.Arg(keyword=cst.Name("timeout"), value=value,
                          equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                whitespace_after=cst.SimpleWhitespace("")))
        args = list(call.args)
        if args:
            last = args[-1]
            if isinstance(last.comma, cst.Comma):  # a trailing comma: the new argument follows its layout
                new_arg = new_arg.with_changes(comma=last.comma)
                args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            else:
                args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return [self.tree.node_edit(call, call.with_changes(args=[*args, new_arg]))]
