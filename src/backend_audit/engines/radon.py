"""Complexity from radon, computed from the one `ast` tree the runner already parsed."""

from __future__ import annotations

import ast
import io
import math
import re
import tokenize

from radon.raw import Module, analyze
from radon.visitors import ComplexityVisitor

from ..checks.base import FileContext, RadonCheck
from ..findings import Finding


def run_checks(tree: ast.Module, ctx: FileContext, checks: list[type[RadonCheck]]) -> tuple[list[Finding], list[str]]:
    """(findings, errors): a check radon cannot evaluate on this file is named in errors, the others still run."""
    if not checks:
        return [], []
    # one complexity count serves both rules: the per-function blocks (what cc_visit_ast returns) and the
    # module total the maintainability index needs; counted in the batched walk (ComplexityCounter) when
    # the runner added it there, else by radon's own visitor
    cc = ctx.facts.get("_complexity") or ComplexityVisitor.from_ast(tree)
    out: list[Finding] = []
    errors: list[str] = []
    for cls in checks:
        try:
            out.extend(cls(ctx).run(tree, cc))
        except (SyntaxError, tokenize.TokenError, StopIteration, ValueError) as exc:
            # radon.raw.analyze re-tokenizes line by line and trips on odd control characters
            errors.append(f"{cls.RULE_ID}: {type(exc).__name__}: {exc}")
    return out, errors


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# what radon's HalsteadVisitor takes as an operand's identity: a name, an attribute name, a constant's
# value; any other operand node counts as itself (distinct from every other node)
_OPERAND_ATTR = {"Num": "n", "Name": "id", "Attribute": "attr", "Constant": "value"}


class HalsteadCounter:
    """radon's Halstead totals (`h_visit_ast(tree).total`, what the maintainability index reads), counted
    in the one batched walk instead of a second Python-level visitor pass over the tree.

    radon's rules, kept exactly (tests compare the volume with radon's on real files): BinOp, UnaryOp,
    BoolOp, AugAssign and Compare count their operators and operands; inside a def only the body is
    visited (decorators, defaults, annotations are not counted) and operands are told apart per function
    name; nested operators count too.
    """

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.operators = self.operands = 0
        self.operators_seen: set[str] = set()
        self.operands_seen: set[tuple] = set()
        self._bodies: dict[int, frozenset[int]] = {}

    def _count(self, node: ast.AST, ops: list[str], operands: list[ast.AST]) -> None:
        context = None
        chain = self.ctx.parents
        for i, anc in enumerate(chain):
            if isinstance(anc, _FUNCTIONS):
                child = chain[i + 1] if i + 1 < len(chain) else node
                body = self._bodies.get(id(anc))
                if body is None:
                    body = self._bodies[id(anc)] = frozenset(map(id, anc.body))
                if id(child) not in body:
                    return  # radon never visits a def's decorators, arguments or return annotation
                context = anc.name
        self.operators += len(ops)
        self.operands += len(operands)
        self.operators_seen.update(ops)
        for operand in operands:
            self.operands_seen.add((context, getattr(operand, _OPERAND_ATTR.get(type(operand).__name__, ""),
                                                     operand)))

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self._count(node, [type(node.op).__name__], [node.left, node.right])

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        self._count(node, [type(node.op).__name__], [node.operand])

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._count(node, [type(node.op).__name__], node.values)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._count(node, [type(node.op).__name__], [node.target, node.value])

    def visit_Compare(self, node: ast.Compare) -> None:
        self._count(node, [type(op).__name__ for op in node.ops], [*node.comparators, node.left])

    def leave_Module(self, node: ast.Module) -> None:
        h1, h2 = len(self.operators_seen), len(self.operands_seen)
        h = h1 + h2
        total = self.operators + self.operands
        # radon.metrics.halstead_visitor_report's expression, so the float is the same
        self.ctx.facts["_halstead_volume"] = total * math.log(h, 2) if h != 0 else 0


class Block:
    """A function, method or class block as radon's ComplexityVisitor reports it (the fields our rules read)."""

    __slots__ = ("node", "name", "lineno", "col_offset", "classname", "is_method", "complexity", "methods", "kind")

    def __init__(self, node: ast.AST, kind: str, classname: str | None = None) -> None:
        self.node = node
        self.kind = kind  # "function", "method", "class", or "dropped" (closures and nested classes)
        self.name = node.name
        self.lineno = node.lineno
        self.col_offset = node.col_offset
        self.classname = classname
        self.is_method = kind == "method"
        self.complexity = 1  # radon starts every block at 1 and adds the decision points it owns
        if kind == "class":  # like radon's Class, and unlike its Function: rules tell them apart by this
            self.methods: list[Block] = []

    @property
    def real_complexity(self) -> int:
        return self.complexity + sum(m.complexity for m in getattr(self, "methods", ()))

    @property
    def fullname(self) -> str:
        return self.name if self.classname is None else f"{self.classname}.{self.name}"


class Complexity:
    """What the quality rules read of radon's ComplexityVisitor: `blocks` (functions, then each class
    followed by its methods) and `total_complexity`."""

    def __init__(self, module: int, functions: list[Block], classes: list[Block]) -> None:
        self.functions, self.classes = functions, classes
        self.total_complexity = (module + sum(f.complexity for f in functions) - len(functions)
                                 + sum(c.real_complexity for c in classes) - len(classes))

    @property
    def blocks(self) -> list[Block]:
        out = list(self.functions)
        for cls in self.classes:
            out.append(cls)
            out.extend(cls.methods)
        return out


_FRAMES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class ComplexityCounter:
    """radon's cyclomatic complexity (ComplexityVisitor.from_ast), counted in the one batched walk.

    radon's rules, kept exactly (tests compare every block and the total with radon's on real files): a
    def or class counts only its body (decorators, arguments, bases are not visited), an assert counts 1
    and is not descended into, a closure's or a nested class's decision points count nowhere, a class is
    1 + its own decision points + its methods', and the module total adds every top-level block's
    decision points to the module's own.
    """

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.module = 1
        self.functions: list[Block] = []
        self.classes: list[Block] = []
        self.blocks: dict[int, Block] = {}  # id(def or class node) -> its block
        self._bodies: dict[int, frozenset[int]] = {}

    def _owner(self, node: ast.AST) -> Block | None | bool:
        """The block whose visitor counts `node`: a Block, None for the module, False when radon never
        visits it (in a def's or class's header, inside an assert)."""
        chain = self.ctx.parents
        child = node
        for anc in reversed(chain):
            if isinstance(anc, ast.Assert):
                return False
            if isinstance(anc, _FRAMES):
                body = self._bodies.get(id(anc))
                if body is None:
                    body = self._bodies[id(anc)] = frozenset(map(id, anc.body))
                return self.blocks[id(anc)] if id(child) in body else False
            child = anc
        return None

    def _add(self, node: ast.AST, points: int) -> None:
        owner = self._owner(node)
        if owner is None:
            self.module += points
        elif owner is not False and owner.kind != "dropped":
            owner.complexity += points

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        parent = self._owner(node)
        if parent is None:
            block = Block(node, "function")
            self.functions.append(block)
        elif parent is not False and parent.kind == "class":
            block = Block(node, "method", classname=parent.name)
            parent.methods.append(block)
        else:  # a closure: radon keeps it apart and counts it nowhere
            block = Block(node, "dropped")
        self.blocks[id(node)] = block

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        parent = self._owner(node)
        block = Block(node, "class" if parent is None else "dropped")
        if parent is None:
            self.classes.append(block)
        self.blocks[id(node)] = block

    def visit_If(self, node: ast.If) -> None:
        self._add(node, 1)

    visit_IfExp = visit_If

    def visit_Try(self, node: ast.Try) -> None:
        if type(node) is ast.Try:  # radon counts Try only (the walk also sends TryStar here)
            self._add(node, len(node.handlers) + bool(node.orelse))

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._add(node, len(node.values) - 1)

    def visit_For(self, node: ast.For) -> None:
        self._add(node, bool(node.orelse) + 1)

    visit_While = visit_For

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._add(node, len(node.ifs) + 1)

    def visit_Match(self, node: ast.Match) -> None:
        wildcard = any(getattr(case.pattern, "pattern", False) is None for case in node.cases)
        self._add(node, max(0, len(node.cases) - wildcard))

    def visit_Assert(self, node: ast.Assert) -> None:
        self._add(node, 1)

    def leave_Module(self, node: ast.Module) -> None:
        self.ctx.facts["_complexity"] = Complexity(self.module, self.functions, self.classes)


# Characters str.splitlines() breaks lines on and the tokenizer does not: radon's line loop and one
# tokenize pass would disagree about what a line is, so such (rare) files take radon's own path.
_ODD_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]|\r(?!\n)")
_SKIP = (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)


def odd_line_breaks(text: str) -> bool:
    """Whether the text has line breaks str.splitlines() and the tokenizer disagree about."""
    return bool(_ODD_BREAKS.search(text))


def raw_metrics(text: str) -> Module:
    """radon.raw.analyze's counts from ONE tokenize pass.

    radon tokenizes line by line, re-tokenizing a growing buffer until each statement is complete: most
    of a cold scan's radon time (9 s of 13 on Django). A statement radon sees that way is exactly one
    logical line of the whole-file token stream, so the same counts come out of one pass; anything the
    two could disagree on (odd line breaks, error tokens, tokenizer errors) takes radon's own path, and
    tests/test_engines.py compares both on real code.
    """
    if _ODD_BREAKS.search(text):
        return analyze(text)
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in _SKIP]
    except (tokenize.TokenError, SyntaxError):
        return analyze(text)
    lines = [line.strip() for line in text.splitlines()]
    lloc = comments = single_comments = multi = blank = sloc = 0
    chunk: list[tokenize.TokenInfo] = []
    start = 1
    for tok in tokens:
        if tok.type == tokenize.ERRORTOKEN:
            return analyze(text)
        chunk.append(tok)
        if tok.type == tokenize.NEWLINE or (tok.type == tokenize.NL and all(
                t.type in (tokenize.COMMENT, tokenize.NL) for t in chunk)):
            end = tok.start[0]
            used = lines[start - 1:end]
            comments += sum(1 for t in chunk if t.type == tokenize.COMMENT)
            kinds = [t.type for t in chunk]
            if _single(tokenize.COMMENT, kinds):
                single_comments += 1
            elif _single(tokenize.STRING, kinds):
                if chunk[0].start[0] == chunk[0].end[0]:
                    single_comments += 1
                else:
                    multi += sum(1 for line in used if line)
                    blank += sum(1 for line in used if not line)
            else:
                sloc += sum(1 for line in used if line)
                blank += sum(1 for line in used if not line)
            lloc += _logical(chunk)
            chunk = []
            start = end + 1
    # lines after the last token (blank lines at the end of the file)
    for line in lines[start - 1:]:
        if line:
            return analyze(text)
        blank += 1
    return Module(sloc + blank + multi + single_comments, lloc, sloc, comments, multi, blank, single_comments)


def _single(kind: int, kinds: list[int]) -> bool:
    """radon's is_single_token: one token of `kind` and only line ends after it."""
    return kinds[0] == kind and all(k in (tokenize.NL, tokenize.NEWLINE) for k in kinds[1:])


def _logical(chunk: list[tokenize.TokenInfo]) -> int:
    """radon's _logical: `if x: y` counts 2, `;` splits; radon's chunk ends with an ENDMARKER it counts."""
    subs = [[]]
    for t in chunk:
        if t.type == tokenize.OP and t.string == ";":
            subs.append([])
        else:
            subs[-1].append(t)
    total = 0
    for i, sub in enumerate(subs):
        processed = [t for t in sub if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]
        n = len(processed) + (1 if i == len(subs) - 1 else 0)  # radon's isolated chunk ends with ENDMARKER
        colon = max((j for j, t in enumerate(processed) if t.type == tokenize.OP and t.string == ":"), default=None)
        if colon is not None:
            total += 2 - (colon == n - 2)
        elif processed:
            total += 1
    return total
