"""Base for the taint-backed rules: each reads the project's taint flows for its sink kinds.

Levels: request data reaching the sink unsanitised is the rule's level; a value whose origin is not
traced (not request data, not constant) is reported one level lower with "origin not traced" when the
rule asks for it (`UNKNOWN`: "lower", a fixed level, or None for silence; `UNKNOWN_NEEDS_BUILT`: only when the
value was built by string operations), and not at all in a migration or a program run from a terminal (the
collector's `offline`); sanitised and constant values report nothing. One finding per line.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..findings import Finding, normalise_code
from ..model.taint.values import MATCHED, PARSED
from ..untrusted.files import read_tree_text
from .base import ProjectCheck

_LOWER = {"error": "warning", "warning": "note", "note": "note"}
_RANK = {"error": 3, "warning": 2, "note": 1}


class TaintCheck(ProjectCheck):
    ENGINE: ClassVar[str] = "taint"
    # on an explicit file list (pre-commit) what lies outside it is "origin not traced": still sound
    SOUND_ON_FILE_SUBSET: ClassVar[bool] = True
    KINDS: ClassVar[tuple[str, ...]] = ()
    UNKNOWN: ClassVar[str | None] = None  # "lower" (one level below the rule's), a level ("note"), or None
    UNKNOWN_NEEDS_BUILT: ClassVar[bool] = True
    WHAT: ClassVar[str] = ""  # what the data reaches, for messages ("reaches the SQL text of a query")
    NOUN: ClassVar[str] = "value"  # what the sink takes ("SQL text")
    FIX: ClassVar[str] = ""

    def run(self, project: Any) -> list[Finding]:
        from ..model.taint.project import analyse

        self._root = getattr(project, "root", None)
        self._project = project
        self._lines: dict[str, list[str]] = {}
        # migrations and programs run from a terminal: what is not traced there is the code's, the database's
        # or the operator's own, not a request's
        self._offline = {p for p, f in project.facts.items() if (f.get("taint") or {}).get("offline")}
        best: dict[tuple[str, int], tuple] = {}
        for tf in analyse(project):
            if tf.kind not in self.KINDS:
                continue
            judged = self.judge(tf)
            if judged is None:
                continue
            level, message = judged
            key = (tf.path, tf.line)
            rank = (-_RANK[level], len(tf.flow.steps), tf.col, message)
            old = best.get(key)
            if old is None or rank < old[0]:
                best[key] = (rank, self.finding(tf, level, message))
        return [f for _, (_, f) in sorted(best.items())]

    def step_text(self, path: str, line: int, text: str) -> str:
        """A step's message; one that ends open ("returned: ", "passed to ", or empty for an assignment)
        gets its source line, read from the scanned tree only for the findings shown."""
        if text and not text.endswith((": ", " ")):
            return text
        lines = self.source_lines(path)
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        if len(code) > 80:
            code = code[:79] + "…"
        return (text + code).strip() or f"line {line}"

    def source_lines(self, path: str) -> list[str]:
        """The lines of a scanned file, read once, only for the flows a rule asks about."""
        if path not in self._lines:
            source = read_tree_text(self._root, self._root / path) if self._root is not None else None
            self._lines[path] = source.splitlines() if source is not None else []
        return self._lines[path]

    def judge(self, tf) -> tuple[str, str] | None:
        flow = tf.flow
        kinds = flow.sanitised
        if "all" in kinds or tf.kind in kinds or flow.root.startswith("store:"):
            return None  # (a session value is the application's own: only BA-INP-012 looks at its reads)
        if flow.root.startswith("src:"):
            what = flow.root.split(":", 3)[3]
            if "host" in kinds and tf.kind in ("url", "redirect"):
                if tf.kind == "redirect":
                    return None
                return "note", (f"request data ({what}) reaches {tf.api} after a constant scheme and host: only the "
                                f"path or query is controlled. {self.FIX}")
            if PARSED in kinds:
                return "note", (f"request data ({what}) {self.WHAT} ({tf.api}) after a form's or serializer's fields "
                                f"parsed it: whether the field that gets here constrains the value (a choice, a "
                                f"number, a path under a root) was not traced. {self.FIX}")
            if MATCHED in kinds:
                # a deliberate existence check: a second-order flow at most, worth knowing, not a gate
                return "note", (
                    f"request data ({what}) {self.WHAT} ({tf.api}) after a lookup matched it against a stored "
                    f"record: only values the database already holds get here; check that users cannot write "
                    f"them. {self.FIX}")
            if "validated" in kinds:
                return _LOWER[self.rule.level], (
                    f"request data ({what}, through a model whose fields have validators: check the field that "
                    f"gets here is validated) {self.WHAT} ({tf.api}). {self.FIX}")
            return self.rule.level, f"request data ({what}) {self.WHAT} ({tf.api}) unsanitised. {self.FIX}"
        offline = getattr(self, "_offline", ())
        # (an untraced value that starts in a migration or a terminal program is the migrator's or the
        # operator's, also where it reaches a shared database wrapper's sink)
        if self.UNKNOWN is None or tf.traced_only or (self.UNKNOWN_NEEDS_BUILT and not flow.built) or \
                tf.path in offline or (flow.steps and flow.steps[0][0] in offline) or "key" in kinds:
            return None  # ("key": made of ORM primary keys, not request data: an integer or UUID)
        how = "is built at run time from" if flow.built else "comes from"
        level = self.UNKNOWN if self.UNKNOWN in _RANK else _LOWER[self.rule.level]
        return level, (f"the {self.NOUN} passed to {tf.api} {how} a value whose origin is not "
                                         f"traced (origin not traced): not request data as far as the source "
                                         f"shows. {self.FIX}")

    def finding(self, tf, level: str, message: str) -> Finding:
        trace = [{"path": p, "line": line, "column": col, "message": self.step_text(p, line, text)}
                 for p, line, col, text in tf.flow.steps]
        return Finding(rule_id=self.RULE_ID, path=tf.path, line=tf.line, column=tf.col, end_line=tf.end_line,
                       end_column=tf.end_col, level=level, message=message, engine=self.ENGINE,
                       snippet=normalise_code(tf.snippet)[:500], symbol=tf.symbol,
                       properties={"sink": tf.api, "kind": tf.kind}, trace=trace or None)
