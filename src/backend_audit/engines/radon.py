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
    # one complexity pass serves both rules: the per-function blocks (what cc_visit_ast returns) and the
    # module total the maintainability index needs
    cc = ComplexityVisitor.from_ast(tree)
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


# Characters str.splitlines() breaks lines on and the tokenizer does not: radon's line loop and one
# tokenize pass would disagree about what a line is, so such (rare) files take radon's own path.
_ODD_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]|\r(?!\n)")
_SKIP = (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)


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
