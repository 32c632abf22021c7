"""The fixer interface: one class per rule, located by the finding's span in the libcst tree."""

from __future__ import annotations

from typing import Any, ClassVar

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from ..findings import Finding

class Fixer:
    """Subclasses set RULE_ID, SAFETY ("safe": no behaviour change a reasonable program relies on;
    "unsafe": may change behaviour, only with --unsafe-fixes) and TITLE, and implement `rewrite`."""

    RULE_ID: ClassVar[str] = ""
    SAFETY: ClassVar[str] = "safe"
    TITLE: ClassVar[str] = ""

    def __init__(self, tree: "Tree", options: dict[str, Any]) -> None:
        self.tree = tree
        self.options = options

    def rewrite(self, finding: Finding) -> list[list] | None:  # pragma: no cover - abstract
        """The line edits (edits.py) that fix this one finding, or None when this shape is not fixable."""
        raise NotImplementedError


class Tree:
    """One file's libcst module with the positions and parents the fixers locate nodes by. Fixes are
    edits of the original lines around one node (code generated for that node only), so a file with many
    findings costs one parse, not one whole-module rewrite per finding."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.memo: dict[str, object] = {}
        self.wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
        self.module = self.wrapper.module
        self.positions = self.wrapper.resolve(PositionProvider)
        self.parents = self.wrapper.resolve(ParentNodeProvider)
        self._by_span: dict[tuple[int, int, int, int], list[cst.CSTNode]] = {}
        for node, where in self.positions.items():
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            self._by_span.setdefault(key, []).append(node)

    def at(self, finding: Finding, *types: type) -> cst.CSTNode | None:
        """The node the finding was reported on (ast and libcst agree on spans: 0-based start column,
        exclusive end; findings add one to both)."""
        key = (finding.line, finding.column - 1, finding.end_line, finding.end_column - 1)
        for node in self._by_span.get(key, ()):
            if not types or isinstance(node, types):
                return node
        return None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def node_edit(self, old: cst.CSTNode, new: cst.CSTNode) -> list:
        """The line edit that puts `new` where `old` is: the lines `old` spans, with only its characters
        replaced by the code of `new`."""
        where = self.positions[old]
        first, last = where.start.line, where.end.line
        code = self.module.code_for_node(new)
        if first == last and "\n" not in code:
            head = self.lines[first - 1][:where.start.column]
            tail = self.lines[last - 1][where.end.column:]
            return [first, last + 1, head + code + tail]
        # Across lines, continuation lines are indented by the enclosing blocks, which only the whole
        # module's code generation knows: regenerate it and keep the changed lines.
        from .edits import line_edits

        whole = line_edits("".join(self.lines), self.module.deep_replace(old, new).code)
        return [whole[0][0], whole[-1][1], "".join(_splice(self.lines, whole))] if whole else [first, first, ""]

    def indent_of(self, line: int) -> str:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return text[:len(text) - len(text.lstrip(" \t"))]

    def start_line(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def end_line(self, node: cst.CSTNode) -> int:
        return self.positions[node].end.line


def dotted(node: cst.BaseExpression) -> str | None:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def without_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """The call minus one argument, the others untouched. Removing the last argument hands its comma (or
    its absence) to the new last one, so `f(a, b=1,\n)` keeps its trailing-comma layout."""
    args = list(call.args)
    index = args.index(arg)
    del args[index]
    if args and index == len(args):
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)


def _splice(lines: list[str], edits: list[list]) -> list[str]:
    """The new text of the line range the edits cover, as one edit."""
    start, end = edits[0][0], edits[-1][1]
    out: list[str] = []
    at = start
    for first, last, text in edits:
        out.extend(lines[at - 1:first - 1])
        out.append(text)
        at = last
    out.extend(lines[at - 1:end - 1])
    return out
