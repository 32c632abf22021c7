"""The words a file's code passes to a child process as its command line (`Popen([python, manage_py,
"import_ctf", path])`): a command-line command the project launches itself runs under whoever launched it (a
web request's import job), so what it prints is not only its operator's (BA-LOG-003's command-only excuse)."""

from __future__ import annotations

import ast
import re

from ..checks.base import FileContext, dotted

_SPAWNERS = frozenset({"Popen", "run", "call", "check_call", "check_output", "create_subprocess_exec", "spawn"})
_WORD = re.compile(r"[A-Za-z][\w-]{0,63}")
_MAX_WORDS = 200  # a hostile file's huge argument lists cost a bounded fact


class SpawnedCommandsCollector:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.words: set[str] = set()

    def visit_Call(self, node: ast.Call) -> None:
        if not node.args or not isinstance(node.args[0], (ast.List, ast.Tuple)) or \
                (dotted(node.func) or "").rsplit(".", 1)[-1] not in _SPAWNERS:
            return
        for el in node.args[0].elts:
            if isinstance(el, ast.Constant) and isinstance(el.value, str) and _WORD.fullmatch(el.value) and \
                    len(self.words) < _MAX_WORDS:
                self.words.add(el.value)

    def leave_Module(self, node: ast.Module) -> None:
        if self.words:
            self.ctx.facts["spawned_words"] = sorted(self.words)
