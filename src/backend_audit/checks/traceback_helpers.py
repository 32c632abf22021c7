"""BA-LOG-001's project half: an error logged in an except block whose message calls a project helper that
returns the traceback as text (`logger.error(f"... {get_exception_message(e)}")`, the helper returning
`"".join(traceback.format_exception(...))`) keeps the traceback, so it is not reported. The file pass defers
the findings whose message calls a plain-name function (the helper is usually imported from another module);
the rest are reported as the file pass made them."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from ..model.frameworks.resolve import module_name
from ..model.traceback_text import DEFERRED, FACT, LOGGING_FACT
from .base import ProjectCheck


def _formats(helper: list[str], path: str, formatters: dict[str, set[str]]) -> bool:
    """`helper` ([module, name] as the calling file imports it; module "" for its own function) is one of the
    functions the project defines that return traceback text. An import names the module from the package
    root, which may sit below the scan root (`src/`), so the file's module name only has to end with it."""
    module, name = helper
    if not module:
        return name in formatters.get(path, ())
    module = module.lstrip(".")  # a relative import: its last parts still name the module
    return any(name in names and (f"." + module_name(p)).endswith(f".{module}") for p, names in formatters.items())


def _logs_it(call: list, path: str, loggers: dict[str, dict[str, list]]) -> bool:
    """The handler handed the exception to a project function ([module, name, flags, positionals]) that logs it
    with its traceback, and the call leaves every flag that turns the traceback off at its default."""
    module, name, flags, positionals = call
    for where, functions in loggers.items():
        off = functions.get(name)
        if off is None or not _formats([module, name], path, {where: {name}}):
            continue
        if not any(flag in flags or 0 <= index < positionals for flag, index in off):
            return True
    return False


class TracebackTextHelperLogs(ProjectCheck):
    """The deferred BA-LOG-001 findings, dropped where the message's helper returns the traceback as text."""

    RULE_ID = "BA-LOG-001"
    # on a few files the helper may be out of view: the findings stay as the file pass made them
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = [(path, d) for path in sorted(project.facts) for d in project.facts[path].get(DEFERRED, ())]
        if not deferred:
            return []
        formatters = {path: set(project.facts[path][FACT]) for path in sorted(project.facts)
                      if project.facts[path].get(FACT)}
        loggers = {path: project.facts[path][LOGGING_FACT] for path in sorted(project.facts)
                   if project.facts[path].get(LOGGING_FACT)}
        return [Finding.from_dict(d["finding"]) for path, d in deferred
                if not any(_formats(h, path, formatters) for h in d["helpers"]) and
                not any(_logs_it(call, path, loggers) for call in d.get("loggers", ()))]
