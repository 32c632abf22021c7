"""Code-quality checks (radon metrics)."""

from __future__ import annotations

import ast
import math
from pathlib import PurePosixPath
from typing import Any

from ..findings import Finding
from .base import AstCheck, RadonCheck, dotted
from .lazy_re import re  # compiled on first use
from .util import RUN_FROM_TERMINAL, is_cli_command, is_route_handler, outside_product, shipped_outside
from .vendored import DEFERRED_VENDORED, record_header, vendor_dir


_WARNING_MARGIN = 5


class FunctionTooComplex(RadonCheck):
    RULE_ID = "BA-QUAL-001"

    def run(self, tree: ast.Module, cc: Any) -> list[Finding]:
        from radon.complexity import cc_rank  # radon loads only when a file is analysed (warm scans skip it)

        limit = int(self.option("max_complexity", 10))
        if _TEST_DOUBLES.search(f"/{self.ctx.path}"):
            return []  # test code outside the test paths: a fake's canned-answer table is no logic to split
        lines = self.ctx.lines
        out: list[Finding] = []
        outside: str | None | bool = False  # asked once, and only when a function over the warning cut is found
        defs: dict[int, ast.AST] | None = None
        for block in _functions(cc.blocks):
            if block.complexity <= limit:
                continue
            rank = cc_rank(block.complexity)
            # A few paths over the limit is worth a note, not a warning: reviewers judged complexity 11-14 (the
            # default limit + 1..4) readable on every backend; a warning starts at limit + 5 (rank C's upper half).
            level = "error" if rank in ("E", "F") else \
                "warning" if block.complexity >= limit + _WARNING_MARGIN else "note"
            where = ""
            if level == "error":
                # rank E/F reached through a flat run (`if "x" in data: user.x = data["x"]` copied field by
                # field, guard clauses): long and worth splitting, a warning, but the error is kept for
                # functions whose paths nest (reviewers pinned mailu's 37-39 field-copy handlers to warning)
                if defs is None:
                    defs = _defs_by_line(tree.body, {})
                flat = _top_level_flat_checks(defs.get(block.lineno))
                # mostly a list (half the paths or more are the run): a few guards in front of nested logic
                # do not make a 31-40 function a list
                if 2 * flat >= block.complexity and block.complexity - flat < _ERROR_FROM:
                    level, where = "warning", f" ({flat} of the paths are a flat run of one-statement checks " \
                                              "at the top of the body)"
                else:
                    # the error needs tangled logic: half the decision points or more inside other decisions,
                    # nesting four deep. A long sequence of independent steps, `or` defaults and comprehension
                    # filters reaches rank E as well, and reviewers of unseen backends judged those warnings;
                    # so did a dispatch table written as an `elif` ladder (its cases are one decision)
                    nested, depth, extra, paths = _shape(defs.get(block.lineno))
                    if block.complexity - extra < _ERROR_FROM:
                        level, where = "warning", f" ({extra} of the paths are further cases of a dispatch on one value)"
                    elif 2 * nested < block.complexity - extra or depth < _ERROR_DEPTH:
                        level, where = "warning", f" (not tangled: {nested} of its decisions sit inside another, " \
                                                  f"nesting {depth} deep)"
            if level == "warning" and not where:
                # a straight run of guard clauses (`if not x: raise PermissionDenied(...)` one after another at
                # the top of the body) adds a path per check but reads as a list: it does not count toward the
                # warning (reviewers pinned such functions to note on set J)
                if defs is None:
                    defs = _defs_by_line(tree.body, {})
                guards = _top_level_guards(defs.get(block.lineno))
                if block.complexity - guards < limit + _WARNING_MARGIN:
                    level, where = "note", f" ({guards} of the paths are top-level guard clauses)"
                elif rank not in ("E", "F"):
                    # blind, most rank C/D warnings reviewers pinned to note read as a list (optional-field
                    # appends, a status dispatch, option checks): a third of the decisions nested or more is the
                    # branching worth a warning. A dispatch's further cases (`if field == "x"` per field, an
                    # `elif` ladder over a sort key) are one table, not paths to weigh (blind set O)
                    nested, depth, extra, paths = _shape(defs.get(block.lineno))
                    if block.complexity - extra < limit + _WARNING_MARGIN:
                        level, where = "note", f" ({extra} of the paths are further cases of a dispatch on one value)"
                    elif 1 + paths - extra < limit + _WARNING_MARGIN:
                        # its statements branch little; radon's count is mostly conditional expressions, `and`/`or`
                        # operands and comprehension filters (a scraper's per-field fallbacks, a task's loop with
                        # skip conditions): reviewers of unseen backends pinned these to note
                        level, where = "note", f" (mostly expressions: its statements make {1 + paths - extra} " \
                                               "of the paths)"
                    elif 3 * nested < block.complexity - extra:
                        level, where = "note", f" (mostly flat: {nested} of its decisions sit inside another)"
            if level == "error" and "/management/commands/" in f"/{self.ctx.path}":
                # an operator's command (`manage.py createsuperuser`): tangled, but run by hand or by cron, away
                # from the request path; blind set N pinned such a handle() to warning
                level, where = "warning", " (in a management command an operator runs)"
            if level != "note" and vendor_dir(self.ctx.path):
                # a copy of another project's code: its shape is upstream's, splitting it makes the copy drift
                level, where = "note", f" (vendored third-party code under {vendor_dir(self.ctx.path)}/)"
            if level != "note":
                if outside is False:
                    outside = outside_product(self.ctx)
                away = outside or self._command(defs, block.lineno, tree)
                if away:
                    # real complexity, but in code run once or only by developers: ranks E/F are warnings there,
                    # the rest notes (a one-off data migration, a maintainer's generator)
                    level, where = ("warning" if rank in ("E", "F") else "note"), f" ({shipped_outside(away)})"
            if level == "error":
                level, where = self._mapping(defs.get(block.lineno) if defs else None, level, where)
            header = lines[block.lineno - 1] if 0 < block.lineno <= len(lines) else ""
            col = len(header) - len(header.lstrip())
            out.append(Finding(
                rule_id=self.RULE_ID, path=self.ctx.path, line=block.lineno, column=col + 1,
                end_line=block.lineno, end_column=len(header.rstrip()) + 1, level=level,
                message=f"{block.fullname} has cyclomatic complexity {block.complexity} (rank {rank}), above the "
                        f"limit of {limit}{where}; split it into smaller functions",
                engine=self.ENGINE, snippet=f"def {block.fullname}", symbol=block.fullname,
                properties={"complexity": block.complexity, "rank": rank},
            ))
        return defer_licensed(self.ctx, out)

    @staticmethod
    def _mapping(fn: ast.AST | None, level: str, where: str) -> tuple[str, str]:
        """An error left standing in application code that maps a record field by field (most of its tests ask
        whether one named field is there: `if "cvss" in item`, `node.find("severity")`, `data.get("cwe")`), one
        branch per optional field of a report, a feed or a file format. Blind set W pinned 7 of 7 such report
        parsers lower: under 200 lines to note (the format's field list), the two over 300 lines that inline
        every section of a format to warning. A request handler doing the same on a request's fields stayed an
        error on set F (the user's input runs through every path). Asked last, so that code run by hand keeps
        the warning it gets for being run by hand."""
        keyed, tests = _record_field_tests(fn)
        if not 2 * keyed > tests or _serves_request(fn):
            return level, where
        span = fn.end_lineno - fn.lineno + 1 if fn.end_lineno else 0
        return ("note" if span < _MAPPER_NOTE_LINES else "warning",
                f" ({keyed} of its {tests} tests read one field of a record by name: a field-by-field mapping of "
                f"{span} lines)")

    def _command(self, defs: dict[int, ast.AST] | None, line: int, tree: ast.Module) -> str | None:
        """A function registered as a command of a click/typer program (`@app.command()` in a module the
        console script of pyproject.toml names, with no `__main__` block): a person runs it at a terminal, as
        a command module's function. Blind sets M and T pinned such rank D commands to note, as the catalog
        puts command modules."""
        fn = (defs if defs is not None else _defs_by_line(tree.body, {})).get(line)
        return RUN_FROM_TERMINAL if fn is not None and is_cli_command(self.ctx, fn) else None


def _defs_by_line(body: list[ast.stmt], out: dict[int, ast.AST]) -> dict[int, ast.AST]:
    """Function definitions by the line radon reports them at, from the statements alone (no expression is
    visited): asked only for a file with a function over the warning cut."""
    for st in body:
        if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.setdefault(st.lineno, st)
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(st, field, None)
            if isinstance(inner, list):
                _defs_by_line(inner, out)
        for part in (*getattr(st, "handlers", ()), *getattr(st, "cases", ())):
            _defs_by_line(part.body, out)
    return out


def _top_level_guards(fn: ast.AST | None) -> int:
    """The guard clauses at the top level of a function's body: an `if` with no `else` whose body is one
    `raise` or `return`. One path each: the `and`/`or` operands of a guard's test still count (a guard on a
    long compound condition is complex)."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return 0
    return sum(1 for st in fn.body if isinstance(st, ast.If) and not st.orelse and len(st.body) == 1
               and isinstance(st.body[0], (ast.Raise, ast.Return)))


# radon's rank E starts here
_ERROR_FROM = 31
# an error's decisions nest at least this deep (an `if` in a loop in a `try` in a loop)
_ERROR_DEPTH = 4
_TRIES = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
_DECISIONS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Match) + _TRIES


# a run of at least this many `if`/`elif` tests of one value against constants is a dispatch table
_DISPATCH_CASES = 4


def _shape(fn: ast.AST | None) -> tuple[int, int, int, int]:
    """How many of a function's decision statements sit inside another decision, how deep they nest, and how
    many of its paths are the further cases of a dispatch, and how many paths its statements alone make (the rest
    of radon's count is conditional expressions, `and`/`or` operands and comprehension filters). An `elif` is its chain's next case, not a level, and
    `with` adds none. A dispatch (`if field == "state": ... if field == "labels": ...`, an `elif` ladder over a
    column name, siblings of one body testing the same value against constants) is one decision and each case
    reads as a small function of its own: what its body holds nests only within the case, and its further
    cases are not tangle (reviewers of unseen backends pinned per-field tables and sort dispatches to note, and
    a column dispatch inside a per-row loop to warning). Statements only (no expression is visited), nested
    definitions left out: asked only for a function over the warning cut."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return 0, 0, 0, 0
    nested = deepest = extra = paths = 0
    # (statements, their depth within the function or within the dispatch case that holds them, whether a
    # case holds them: how deep a case's own body nests is the case's, not the function's)
    todo: list[tuple[list[ast.stmt], int, bool]] = [(fn.body, 0, False)]
    while todo:
        body, depth, in_case = todo.pop()
        cases = _dispatch_cases(body)
        seen: set[str] = set()
        for st in body:
            if isinstance(st, (ast.With, ast.AsyncWith)):
                todo.append((st.body, depth, in_case))
                continue
            if not isinstance(st, _DECISIONS):
                continue
            if isinstance(st, ast.Match) and len(st.cases) > 1 and depth == 0:
                # a `match` at the top of the body is a dispatch on one value written as such: its cases read as
                # functions of their own and its further cases are one decision (reviewers pinned a match over four
                # file formats, each case its own parse-and-check block, to warning on blind set P). Inside a loop
                # its cases work on the pass's shared state, tangled with it (a per-row count by action type: a
                # warning on the same set)
                paths += len(st.cases)
                extra += len(st.cases) - 1
                nested += depth > 0
                if not in_case:
                    deepest = max(deepest, depth + 1)
                todo.extend((case.body, 0, True) for case in st.cases)
                continue
            link: ast.stmt | None = st
            first = True
            while isinstance(link, ast.If) and id(link) in cases:
                subject = cases[id(link)]
                paths += 1
                if subject in seen:
                    extra += 1  # only the dispatch's first case counts as a decision
                else:
                    seen.add(subject)
                    nested += depth > 0
                    if not in_case:
                        deepest = max(deepest, depth + 1)
                first = False
                todo.append((link.body, 0, True))
                orelse = link.orelse
                link = orelse[0] if len(orelse) == 1 and isinstance(orelse[0], ast.If) else None
                if link is None and orelse:
                    todo.append((orelse, 0, True))
            if link is None:
                continue
            if not first:
                todo.append(([link], depth, in_case))  # the ladder goes on with tests of something else
                continue
            nested += depth > 0
            if not in_case:
                deepest = max(deepest, depth + 1)
            paths += len(st.handlers) if isinstance(st, _TRIES) else len(st.cases) if isinstance(st, ast.Match) \
                else 1 + (not isinstance(st, ast.If) and bool(st.orelse))
            orelse = getattr(st, "orelse", [])
            if isinstance(st, ast.If) and len(orelse) == 1 and isinstance(orelse[0], ast.If):
                todo.append((orelse, depth, in_case))  # elif: the same level
            elif orelse:
                todo.append((orelse, depth + 1, in_case))
            todo.extend((part, depth + 1, in_case)
                        for part in (getattr(st, "body", []), getattr(st, "finalbody", []),
                                     *(h.body for h in getattr(st, "handlers", ())),
                                     *(c.body for c in getattr(st, "cases", ()))) if part)
    return nested, deepest, extra, paths


def _dispatch_cases(body: list[ast.stmt]) -> dict[int, str]:
    """The `if`/`elif` links of one body that test one value against constants (`field == "state"`,
    `kind in ("a", "b")`, `status == Status.OPEN`), by the value they test, where that value has at least
    `_DISPATCH_CASES` of them: the cases of a dispatch table written as code."""
    links: list[tuple[ast.If, str]] = []
    for st in body:
        while isinstance(st, ast.If):
            subject = _case_subject(st.test)
            if subject is not None:
                links.append((st, subject))
            orelse = st.orelse
            st = orelse[0] if len(orelse) == 1 else None
    counts: dict[str, int] = {}
    for _, subject in links:
        counts[subject] = counts.get(subject, 0) + 1
    return {id(link): subject for link, subject in links if counts[subject] >= _DISPATCH_CASES}


def _case_subject(test: ast.expr) -> str | None:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.In))):
        return None
    right = test.comparators[0]
    values = right.elts if isinstance(right, (ast.Tuple, ast.List, ast.Set)) else [right]
    # literals, enum members and CONSTANTS: a variable on the right is a comparison, not a case label
    if not values or not all(isinstance(v, ast.Constant) or isinstance(v, ast.Attribute) and dotted(v)
                             or isinstance(v, ast.Name) and v.id.isupper() for v in values):
        return None
    return ast.dump(test.left)


def _record_field_tests(fn: ast.AST | None) -> tuple[int, int]:
    """How many of a function's tests (`if`, `elif`, `while`, conditional expressions; nested definitions left
    out) read a field of a record by a literal name, and how many tests there are: `"cvss" in item`,
    `item.get("cwe")`, `node.find("severity")`, `row["status"] == ...`."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return 0, 0
    keyed = tests = 0
    todo: list[ast.AST] = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.If, ast.While, ast.IfExp)):
            tests += 1
            keyed += any(_reads_field(n) for n in ast.walk(node.test))
        todo.extend(ast.iter_child_nodes(node))
    return keyed, tests


def _reads_field(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        return _name_literal(node.left) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute) and node.func.attr in _FIELD_READERS and bool(node.args) \
            and _name_literal(node.args[0])
    return isinstance(node, ast.Subscript) and _name_literal(node.slice)


def _name_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


# below this many lines a rank E/F mapper is a note
_MAPPER_NOTE_LINES = 200
# a mapping's and an XML element's readers of one named field
_FIELD_READERS = frozenset({"get", "find", "findtext", "findall", "getattr", "attrib"})


def _serves_request(fn: ast.AST | None) -> bool:
    """A request handler: route-decorated, a DRF `@action`, or a view taking the `request`."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return is_route_handler(fn) or any(a.arg == "request" for a in (*fn.args.posonlyargs, *fn.args.args)) or any(
        (dotted(d.func if isinstance(d, ast.Call) else d) or "").split(".")[-1] == "action" for d in fn.decorator_list)


# `webmail/mocks.py`, `tests_utils/fakes.py`: test doubles kept in the package, test code by name (not
# `fake.py`, a command that generates fake data)
_TEST_DOUBLES = re.compile(r"/(?:mocks?|fakes|stubs)(?:/|\.py$)")


def _top_level_flat_checks(fn: ast.AST | None) -> int:
    """The `if`s at the top level of a function's body with no `else` and one plain statement (a guard's
    `raise`/`return`, an assignment, a call): one path each, a list of independent checks rather than nested
    decisions."""
    if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return 0
    return sum(1 for st in fn.body if isinstance(st, ast.If) and not st.orelse and len(st.body) == 1
               and (isinstance(st.body[0], _FLAT_STATEMENTS)
                    or isinstance(st.body[0], ast.Expr) and isinstance(st.body[0].value, ast.Call)))


_FLAT_STATEMENTS = (ast.Raise, ast.Return, ast.Assign, ast.AugAssign, ast.AnnAssign)


def _functions(blocks: list[Any]):
    """Functions and methods, never classes as a whole. radon's `blocks` already lists each class's methods
    right after the class, so expanding `class.methods` again would report every method twice."""
    for b in blocks:
        if not hasattr(b, "methods"):
            yield b


class LowMaintainabilityIndex(RadonCheck):
    """radon's maintainability index, computed from the shared `ast` tree (radon's mi_visit would parse the
    file again); only the raw line counts need radon's tokenizer pass."""

    RULE_ID = "BA-QUAL-002"

    def run(self, tree: ast.Module, cc: Any) -> list[Finding]:
        path = PurePosixPath(self.ctx.path)
        if "migrations" in path.parts or path.stem in ("settings", "conftest") or "settings" in path.parts:
            return []
        from radon.metrics import h_visit_ast, mi_compute, mi_rank
        from ..engines.radon import odd_line_breaks, raw_metrics

        min_sloc = int(self.option("mi_min_sloc", 20))
        if len(self.ctx.lines) < min_sloc:  # sloc <= physical lines: skip radon's tokenizer pass
            return []
        if path.name == "__init__.py" and all(isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr))
                                              for n in tree.body):
            return []
        volume = self.ctx.facts.get("_halstead_volume")  # engines.radon.HalsteadCounter, in the one walk
        if volume is None:
            volume = h_visit_ast(tree).total.volume
        limit = float(self.option("mi_min", 20))
        if volume <= 0 and limit <= 100:
            # mi_compute gives 100 to a module without operators whatever its line counts (data modules:
            # a 10,000-line table of constants): no tokenizer pass for them
            return []
        if not odd_line_breaks(self.ctx.text) and \
                _mi_at_least(self.ctx.text, self.ctx.lines, tree, volume, cc.total_complexity) >= limit + 1e-6:
            return []  # above the limit whatever the line counts are: no tokenizer pass
        raw = raw_metrics(self.ctx.text)
        if raw.sloc < min_sloc:
            return []
        comments = (raw.comments + raw.multi) / float(raw.sloc) * 100 if raw.sloc else 0
        mi = mi_compute(volume, cc.total_complexity, raw.lloc, comments)
        rank = mi_rank(mi)
        # radon ranks A above 19: with the default limit (20, "rank A required") a module between 19 and 20 is
        # rank A, not low; a team that raises mi-min gets exactly its threshold
        if mi >= limit or (rank == "A" and limit <= 20):
            return []
        level = "warning" if rank == "C" else "note"
        where = ""
        if level == "warning" and vendor_dir(self.ctx.path):
            level, where = "note", f" (vendored third-party code under {vendor_dir(self.ctx.path)}/)"
        elif level == "warning" and (outside := outside_product(self.ctx)):
            # a maintainer's generator or a one-off harness: as BA-QUAL-001 there, worth a note, not a warning
            level, where = "note", f" ({shipped_outside(outside)})"
        return defer_licensed(self.ctx, [Finding(
            rule_id=self.RULE_ID, path=self.ctx.path, line=1, column=1, end_line=1,
            end_column=len(self.ctx.lines[0]) + 1 if self.ctx.lines else 1, level=level,
            message=f"maintainability index {mi:.1f} (rank {rank}) is below {limit:g}{where}: the module is long, "
                    "dense and branchy; split it by responsibility",
            engine=self.ENGINE, snippet=f"module {self.ctx.path}", symbol="",
            properties={"maintainability_index": round(mi, 2), "rank": rank},
        )])


def defer_licensed(ctx: Any, found: list[Finding]) -> list[Finding]:
    """The warnings and errors of a module opening with a licence header that names a copyright holder wait for
    the project pass (vendored.VendoredQuality), which knows the repository's own licence; the rest stay."""
    header = record_header(ctx)
    if header is None or not any(f.level != "note" for f in found):
        return found
    ctx.facts.setdefault(DEFERRED_VENDORED, []).extend(f.to_dict() for f in found if f.level != "note")
    return [f for f in found if f.level == "note"]


def _mi_at_least(text: str, lines: list[str], tree: ast.Module, volume: float, complexity: float) -> float:
    """A floor under radon's maintainability index, from what is known without its tokenizer pass (a tenth
    of a small app's per-file analysis); most modules clear the limit even so. radon's index falls as the
    logical lines grow, and its comment term is lowest at no comments or at the most comments there can be
    (up to 3*pi/2 of its sine). Bounds without tokens:
    - logical lines: each physical line, and each `;` on it, ends at most one, which counts 2 only when it
      holds a `:` (`if x: y`), else 1;
    - code lines (`sloc`): at least the lines a statement starts on (a bare string statement aside: a lone
      string token counts as a comment or docstring);
    - comment and docstring lines: at most the lines with a `#` plus the lines that are not code lines.
    The floor is radon's own `mi_compute` at the worst of those counts."""
    from radon.metrics import mi_compute

    physical = len(lines)
    semicolons = text.count(";")
    lloc = min(2 * (physical + semicolons), physical + semicolons + text.count(":"))
    code = len(_statement_lines(tree.body, set()))
    if lloc <= 0 or code <= 0 or volume <= 0:
        return 0.0
    most_comments = (sum(1 for line in lines if "#" in line) + physical - code) / code * 100
    lowest_sine = math.degrees((1.5 * math.pi) ** 2 / 2.46)  # the percentage where radon's sine is -1
    return min(mi_compute(volume, complexity, lloc, 0.0),
               mi_compute(volume, complexity, lloc, min(most_comments, lowest_sine)))


def _statement_lines(body: list[ast.stmt], out: set[int]) -> set[int]:
    """The lines statements start on, a bare string statement aside: statement lists only, no expression
    is visited (a def or class inside an expression, a lambda's body, holds no statement line)."""
    for stmt in body:
        if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Constant, ast.JoinedStr))):
            out.add(stmt.lineno)
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list):
                _statement_lines(inner, out)
        for part in (*(getattr(stmt, "handlers", None) or ()), *(getattr(stmt, "cases", None) or ())):
            _statement_lines(part.body, out)
    return out


_MUTATORS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "add",
                       "discard", "popitem", "sort", "reverse", "appendleft", "extendleft", "popleft",
                       "difference_update", "intersection_update", "symmetric_difference_update", "__setitem__"})
# Builtins that only read the object handed to them.
_READERS = frozenset({"len", "list", "dict", "set", "tuple", "frozenset", "sorted", "reversed", "enumerate", "iter",
                      "any", "all", "sum", "min", "max", "str", "repr", "bool", "isinstance", "zip", "print",
                      "deepcopy", "copy", "dumps", "hash", "format"})
_RANK = {"read": 0, "escapes": 1, "mutated": 2}


def _default_uses(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """Per parameter name, the strongest use in the body (nested functions included, as closures see the
    same object): "mutated" (a mutating method, item assignment or deletion, `+=`), "escapes" (passed to a
    call that is not a plain reader, returned, yielded, stored or aliased: what happens next is not traced)
    or "read". Walked only for functions that have a mutable default."""
    params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    out: dict[str, str] = {}

    def mark(name: str, use: str) -> None:
        if _RANK[use] > _RANK[out.get(name, "read")]:
            out[name] = use

    parent_of: dict[int, ast.AST] = {}
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            parent_of[id(child)] = node
            stack.append(child)
        if not (isinstance(node, ast.Name) and node.id in params and isinstance(node.ctx, ast.Load)):
            continue
        value: ast.AST = node
        parent = parent_of.get(id(node))
        while isinstance(parent, (ast.BoolOp, ast.IfExp)):  # `items = items or []` hands the default on
            value, parent = parent, parent_of.get(id(parent))
        while isinstance(parent, ast.Subscript) and parent.value is value and isinstance(parent.ctx, ast.Load):
            value, parent = parent, parent_of.get(id(parent))  # `acc[key].append(x)` changes what the default holds
        if isinstance(parent, ast.Attribute):
            if parent.attr in _MUTATORS:
                mark(node.id, "mutated")
        elif isinstance(parent, ast.Subscript):
            if not isinstance(parent.ctx, ast.Load):
                mark(node.id, "mutated")
        elif isinstance(parent, ast.AugAssign):
            mark(node.id, "mutated")
        elif isinstance(parent, ast.Call):
            if value is not parent.func and (dotted(parent.func) or "").rpartition(".")[2] not in _READERS:
                mark(node.id, "escapes")
        elif isinstance(parent, ast.keyword):
            mark(node.id, "escapes")  # a keyword argument of a call: the callee is not traced
        elif isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.Assign, ast.AnnAssign, ast.NamedExpr,
                                 ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Starred, ast.Lambda)):
            mark(node.id, "escapes")
    return out


_MUTABLE_CALLS = frozenset({"list", "dict", "set", "bytearray", "collections.defaultdict", "collections.OrderedDict",
                            "collections.deque", "collections.Counter"})


class MutableDefaultArgument(AstCheck):
    RULE_ID = "BA-QUAL-003"

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        endpoint = is_route_handler(node)
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        # defaults align with the last positional parameters; kw_defaults holds None where there is none
        pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
                 *zip(args.kwonlyargs, args.kw_defaults)]
        uses: dict[str, str] | None = None
        for param, default in pairs:
            if default is None or not self._mutable(default):
                continue
            if uses is None:
                uses = _default_uses(node)
            use = uses.get(param.arg, "read")
            if use == "read":
                continue  # only read (iterated, tested, looked up): the shared object never changes
            if endpoint:
                self.report(default, f"mutable default for '{param.arg}' in an endpoint: FastAPI copies "
                                     "it per request, but direct callers share one object; default to None",
                            level="note", key_node=self._param_span(param, default))
            elif use == "mutated":
                self.report(default, f"mutable default for '{param.arg}' is created once and shared by "
                                     "every call (and every request), and this function changes it; default to "
                                     "None and create it inside", key_node=self._param_span(param, default))
            else:
                self.report(default, f"mutable default for '{param.arg}' is created once and shared by every "
                                     "call; it is handed on (passed, returned or stored) and whether anything "
                                     "changes it was not traced; default to None and create it inside",
                            level="note", key_node=self._param_span(param, default))

    def _param_span(self, param: ast.arg, default: ast.expr) -> ast.AST:
        """A node spanning `name: annotation = default` and the comma after it, the text libcst's Param
        covered (the snippet, hence the fingerprint, stays the same)."""
        end_col = default.end_col_offset
        line = self.ctx.lines[default.end_lineno - 1].encode("utf-8")
        rest = line[end_col:]
        if rest.lstrip().startswith(b","):
            end_col += len(rest) - len(rest.lstrip()) + 1
        return ast.arg(arg=param.arg, lineno=param.lineno, col_offset=param.col_offset,
                       end_lineno=default.end_lineno, end_col_offset=end_col)

    def _mutable(self, node: ast.expr) -> bool:
        if isinstance(node, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
            return True
        if isinstance(node, ast.Call):
            qn = self.ctx.qualname(node.func)  # None when a local shadows the name
            return qn is not None and qn.removeprefix("builtins.") in _MUTABLE_CALLS
        return False
