"""Code-quality checks (radon metrics)."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath
from typing import Any

import libcst as cst

from ..findings import Finding
from .base import RadonCheck
from .cst_base import CstCheck
from .cst_util import is_route_handler


class FunctionTooComplex(RadonCheck):
    RULE_ID = "BA-QUAL-001"

    def run(self, tree: ast.Module, cc: Any) -> list[Finding]:
        from radon.complexity import cc_rank  # radon loads only when a file is analysed (warm scans skip it)

        limit = int(self.option("max_complexity", 10))
        lines = self.ctx.text.splitlines()
        out: list[Finding] = []
        for block in _functions(cc.blocks):
            if block.complexity <= limit:
                continue
            rank = cc_rank(block.complexity)
            level = "error" if rank in ("E", "F") else "warning"
            header = lines[block.lineno - 1] if 0 < block.lineno <= len(lines) else ""
            col = len(header) - len(header.lstrip())
            out.append(Finding(
                rule_id=self.RULE_ID, path=self.ctx.path, line=block.lineno, column=col + 1,
                end_line=block.lineno, end_column=len(header.rstrip()) + 1, level=level,
                message=f"{block.fullname} has cyclomatic complexity {block.complexity} (rank {rank}), above the "
                        f"limit of {limit}; split it into smaller functions",
                engine=self.ENGINE, snippet=f"def {block.fullname}", symbol=block.fullname,
                properties={"complexity": block.complexity, "rank": rank},
            ))
        return out


def _functions(blocks: list[Any]):
    """Functions and methods, never classes as a whole (radon lists methods inside class blocks)."""
    for b in blocks:
        if hasattr(b, "methods"):
            yield from b.methods
        else:
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
        from radon.raw import analyze

        min_sloc = int(self.option("mi_min_sloc", 20))
        if len(self.ctx.lines) < min_sloc:  # sloc <= physical lines: skip radon's tokenizer pass
            return []
        raw = analyze(self.ctx.text)
        if raw.sloc < min_sloc:
            return []
        if path.name == "__init__.py" and all(isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr))
                                              for n in tree.body):
            return []
        comments = (raw.comments + raw.multi) / float(raw.sloc) * 100 if raw.sloc else 0
        mi = mi_compute(h_visit_ast(tree).total.volume, cc.total_complexity,
                        raw.lloc, comments)
        limit = float(self.option("mi_min", 20))
        if mi >= limit:
            return []
        rank = mi_rank(mi)
        level = "warning" if rank == "C" else "note"
        return [Finding(
            rule_id=self.RULE_ID, path=self.ctx.path, line=1, column=1, end_line=1,
            end_column=len(self.ctx.text.splitlines()[0]) + 1 if self.ctx.text else 1, level=level,
            message=f"maintainability index {mi:.1f} (rank {rank}) is below {limit:g}: the module is long, "
                    "dense and branchy; split it by responsibility",
            engine=self.ENGINE, snippet=f"module {self.ctx.path}", symbol="",
            properties={"maintainability_index": round(mi, 2), "rank": rank},
        )]


_MUTABLE_CALLS = frozenset({"list", "dict", "set", "bytearray", "collections.defaultdict", "collections.OrderedDict",
                            "collections.deque", "collections.Counter"})


class MutableDefaultArgument(CstCheck):
    RULE_ID = "BA-QUAL-003"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        endpoint = is_route_handler(node)
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is None or not self._mutable(param.default):
                continue
            if endpoint:
                self.report(param.default, f"mutable default for '{param.name.value}' in an endpoint: FastAPI copies "
                                           "it per request, but direct callers share one object; default to None",
                            level="note", key_node=param)
            else:
                self.report(param.default, f"mutable default for '{param.name.value}' is created once and shared by "
                                           "every call (and every request); default to None and create it inside",
                            key_node=param)

    def _mutable(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, (cst.List, cst.Dict, cst.Set, cst.ListComp, cst.DictComp, cst.SetComp)):
            return True
        if isinstance(node, cst.Call):
            qn = self.ctx.qualname(node.func)  # None when a local shadows the name
            return qn is not None and qn.removeprefix("builtins.") in _MUTABLE_CALLS
        return False
