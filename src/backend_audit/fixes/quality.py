"""Debugger hooks left in code (BA-QUAL-004): the statement goes, or becomes `pass` where a block needs one."""

from __future__ import annotations

import libcst as cst

from ..findings import Finding
from .base import Fixer


class RemoveDebuggerHook(Fixer):
    RULE_ID = "BA-QUAL-004"
    SAFETY = "unsafe"  # code that still uses the debugger module would fail once its import is gone
    TITLE = "remove the debugger hook"

    def rewrite(self, finding: Finding) -> list[list] | None:
        node = self.tree.at(finding, cst.Import, cst.ImportFrom, cst.Call)
        small = self.tree.parent(node) if isinstance(node, cst.Call) else node
        if isinstance(node, cst.Call) and not isinstance(small, cst.Expr):
            return None  # `x = pdb.set_trace()` or a hook inside an expression: not a statement to drop
        line = self.tree.parent(small) if small is not None else None
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return None  # `a(); pdb.set_trace()` shares its line
        block = self.tree.parent(line)
        first, last = self.tree.start_line(line), self.tree.end_line(line)
        if isinstance(block, cst.IndentedBlock) and len(block.body) == 1:
            return [[first, last + 1, f"{self.tree.indent_of(first)}pass\n"]]
        return [[first, last + 1, ""]]
