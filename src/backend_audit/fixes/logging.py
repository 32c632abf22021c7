"""Logging fixes: keep the traceback (BA-LOG-001), lazy %-style arguments (BA-LOG-002), print() to the
module logger (BA-LOG-003)."""

from __future__ import annotations

import string

import libcst as cst

from ..findings import Finding
from .base import Fixer, dotted


class KeepTraceback(Fixer):
    RULE_ID = "BA-LOG-001"
    SAFETY = "safe"
    TITLE = "log the traceback"

    def rewrite(self, finding: Finding) -> list[list] | None:
        call = self.tree.at(finding, cst.Call)
        if call is None or not isinstance(call.func, cst.Attribute):
            return None
        method = call.func.attr.value
        exc_info = next((a for a in call.args if a.keyword and a.keyword.value == "exc_info"), None)
        if method == "error" and exc_info is None:
            # logger.exception is logger.error with exc_info=True: same level, same handlers
            return [self.tree.node_edit(call, call.with_changes(func=call.func.with_changes(attr=cst.Name("exception"))))]
        true = cst.Name("True")
        if exc_info is not None:  # exc_info=False/None written out: turn it on
            return [self.tree.node_edit(exc_info.value, true)]
        if any(a.star == "**" for a in call.args):
            return None
        new_arg = cst.Arg(keyword=cst.Name("exc_info"), value=true,
                          equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                whitespace_after=cst.SimpleWhitespace("")))
        return [self.tree.node_edit(call, _append_arg(call, new_arg))]


def _append_arg(call: cst.Call, new_arg: cst.Arg) -> cst.Call:
    args = list(call.args)
    if args:
        last = args[-1]
        if isinstance(last.comma, cst.Comma):
            new_arg = new_arg.with_changes(comma=last.comma)
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, new_arg])


class _Bail(Exception):
    """The message has a shape the rewrite cannot keep exact (format specs, mixed quotes...)."""


def _pieces(node: cst.BaseExpression) -> list[tuple]:
    """("text", raw, prefix, quote) and ("expr", node, conversion) pieces of a string-building expression."""
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix.lower()
        if "b" in prefix:
            raise _Bail
        raw = node.value[len(node.prefix) + len(node.quote):-len(node.quote)]
        return [("text", raw, prefix.replace("u", ""), node.quote)]
    if isinstance(node, cst.FormattedString):
        prefix = node.start[:-len(node.end)].lower().replace("f", "")
        out: list[tuple] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(("text", part.value.replace("{{", "{").replace("}}", "}"), prefix, node.end))
            else:
                if part.format_spec or part.equal or part.conversion not in (None, "r", "s"):
                    raise _Bail
                out.append(("expr", part.expression, part.conversion))
        return out
    if isinstance(node, cst.ConcatenatedString):
        return _pieces(node.left) + _pieces(node.right)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _pieces(node.left) + _pieces(node.right)
    if isinstance(node, (cst.BinaryOperation, cst.Call, cst.Name, cst.Attribute, cst.Subscript)):
        return [("expr", node, None)]
    raise _Bail


def _literal(texts: list[tuple]) -> tuple[str, str]:
    """(prefix, quote) one literal can hold every text piece in, else _Bail."""
    prefix, quote = (texts[0][2], texts[0][3]) if texts else ("", '"')
    if any(t[2] != prefix for t in texts) or any(t[3] != quote and quote in t[1] for t in texts):
        raise _Bail
    if len(quote) == 1 and any("\n" in t[1] for t in texts):
        raise _Bail  # a newline from a triple-quoted piece cannot go into a one-line literal
    return prefix, quote


def _template(pieces: list[tuple]) -> tuple[cst.SimpleString, list[cst.BaseExpression]]:
    texts = [p for p in pieces if p[0] == "text"]
    prefix, quote = _literal(texts)
    raw, args = [], []
    for piece in pieces:
        if piece[0] == "text":
            raw.append(piece[1].replace("%", "%%"))
        else:
            raw.append("%r" if piece[2] == "r" else "%s")
            args.append(piece[1])
    return cst.SimpleString(f"{prefix}{quote}{''.join(raw)}{quote}"), args


def _from_format(call: cst.Call) -> tuple[cst.SimpleString, list[cst.BaseExpression]]:
    """"a {} {name}".format(x, name=y) -> "a %s %s", [x, y]."""
    template = call.func.value
    if not isinstance(template, cst.SimpleString) or "b" in template.prefix.lower() or \
            any(a.star for a in call.args):
        raise _Bail
    raw = template.value[len(template.prefix) + len(template.quote):-len(template.quote)]
    positional = [a.value for a in call.args if a.keyword is None]
    named = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    out, args, auto = [], [], 0
    try:
        parsed = list(string.Formatter().parse(raw))
    except ValueError:
        raise _Bail from None
    for literal, field, spec, conversion in parsed:
        out.append(literal.replace("%", "%%"))
        if field is None:
            continue
        if spec or conversion not in (None, "r", "s") or "." in field or "[" in field:
            raise _Bail
        if field == "":
            index, auto = auto, auto + 1
            value = positional[index] if index < len(positional) else None
        elif field.isdigit():
            value = positional[int(field)] if int(field) < len(positional) else None
        else:
            value = named.get(field)
        if value is None:
            raise _Bail
        out.append("%r" if conversion == "r" else "%s")
        args.append(value)
    # braces the formatter unescaped must not be re-read as anything: %-style has no braces to escape
    return cst.SimpleString(f"{template.prefix}{template.quote}{''.join(out)}{template.quote}"), args


class LazyLogArguments(Fixer):
    RULE_ID = "BA-LOG-002"
    SAFETY = "safe"
    TITLE = "pass the values as %s arguments"

    def rewrite(self, finding: Finding) -> list[list] | None:
        if (finding.properties or {}).get("logger") == "loguru":
            return None  # loguru formats with {} placeholders: a %s template would be logged as is
        if (finding.properties or {}).get("sub") == "placeholders":
            return None  # which placeholder each argument was meant for is the author's to say
        msg = self.tree.at(finding)
        arg = self.tree.parent(msg) if msg is not None else None
        call = self.tree.parent(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(call, cst.Call) or arg.keyword is not None:
            return None
        position = list(call.args).index(arg)
        later_positional = [a for a in call.args[position + 1:] if a.keyword is None]
        try:
            if isinstance(msg, cst.BinaryOperation) and isinstance(msg.operator, cst.Modulo):
                if later_positional or not isinstance(msg.left, (cst.SimpleString, cst.ConcatenatedString)):
                    return None
                template = msg.left
                right = msg.right
                if isinstance(right, cst.Tuple):
                    values = [e.value for e in right.elements if not isinstance(e, cst.StarredElement)]
                    if len(values) != len(right.elements):
                        return None
                elif isinstance(right, cst.Dict) or _placeholders(template) == 1:
                    values = [right]  # logging reads a single dict argument as the mapping
                else:
                    return None
            elif isinstance(msg, cst.Call) and isinstance(msg.func, cst.Attribute) and msg.func.attr.value == "format":
                if later_positional:
                    return None
                template, values = _from_format(msg)
            else:
                if later_positional:
                    return None
                template, values = _template(_pieces(msg))
        except _Bail:
            return None
        new_args = [a for a in call.args]
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        inserted = [cst.Arg(value=v, comma=comma) for v in values]
        if position + 1 == len(new_args) and inserted:  # the message was last: the last value takes its comma
            inserted[-1] = inserted[-1].with_changes(comma=arg.comma)
            new_args[position] = arg.with_changes(value=template, comma=comma)
        else:
            new_args[position] = arg.with_changes(value=template, comma=comma if inserted else arg.comma)
        new_args[position + 1:position + 1] = inserted
        return [self.tree.node_edit(call, call.with_changes(args=new_args))]


def _placeholders(template: cst.BaseExpression) -> int:
    text = template.evaluated_value if isinstance(template, (cst.SimpleString, cst.ConcatenatedString)) else None
    if not isinstance(text, str):
        return -1
    return text.replace("%%", "").count("%")


class PrintToLogger(Fixer):
    RULE_ID = "BA-LOG-003"
    SAFETY = "unsafe"  # output moves from stdout to the logging configuration's handlers
    TITLE = "log through the module logger"

    def rewrite(self, finding: Finding) -> list[list] | None:
        call = self.tree.at(finding, cst.Call)
        if call is None or dotted(call.func) != "print" or any(a.keyword or a.star for a in call.args):
            return None  # file=, sep=, end=, *args: not what a log record does
        logger = _module_logger(self.tree)
        if logger is None:
            return None
        values = [a.value for a in call.args]
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        template = cst.SimpleString('"' + " ".join(["%s"] * len(values)) + '"')
        args = [cst.Arg(value=template, comma=comma if values else cst.MaybeSentinel.DEFAULT)]
        args += [cst.Arg(value=v, comma=comma) for v in values[:-1]] + ([cst.Arg(value=values[-1])] if values else [])
        new_call = call.with_changes(func=cst.Attribute(value=cst.Name(logger), attr=cst.Name("info")), args=args)
        return [self.tree.node_edit(call, new_call), *_logger_header(self.tree, logger)]


def _module_logger(tree) -> str | None:
    """The name of the module's `logging.getLogger(...)` logger, or "logger" when that name is free."""
    if "logger" not in tree.memo:
        tree.memo["logger"] = _find_logger(tree.module)
    return tree.memo["logger"]


def _find_logger(module: cst.Module) -> str | None:
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) and \
                        (dotted(small.value.func) or "").endswith("getLogger") and len(small.targets) == 1 and \
                        isinstance(small.targets[0].target, cst.Name):
                    return small.targets[0].target.value
    return None if "logger" in _names(module) else "logger"


def _names(module: cst.Module) -> set[str]:
    found: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Collect())
    return found


def _logger_header(tree, name: str) -> list[list]:
    """`import logging` (unless imported) and `<name> = logging.getLogger(__name__)` after the module's
    leading imports, unless the module already defines that logger. The same edit for every print() of
    a file, so applying several fixes at once inserts it once."""
    if any(isinstance(s, cst.SimpleStatementLine) and any(
            isinstance(x, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name
                                              for t in x.targets) for x in s.body) for s in tree.module.body):
        return []
    after = 0  # the line after which the header goes: the end of the docstring and leading imports
    imported = False
    for i, stmt in enumerate(tree.module.body):
        if not _is_import_or_docstring(stmt, i):
            break
        after = tree.end_line(stmt)
        small = stmt.body[0]
        if isinstance(small, cst.Import) and any(dotted(a.name) == "logging" and a.asname is None
                                                 for a in small.names):
            imported = True
    text = ("" if imported else "import logging\n") + f"\n{name} = logging.getLogger(__name__)\n"
    if after == 0:
        text += "\n\n"
    return [[after + 1, after + 1, text]]


def _is_import_or_docstring(stmt: cst.CSTNode, index: int) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    small = stmt.body[0]
    if isinstance(small, (cst.Import, cst.ImportFrom)):
        return True
    return index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString,
                                                                                     cst.ConcatenatedString))
