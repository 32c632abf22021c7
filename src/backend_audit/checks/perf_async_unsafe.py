"""BA-PERF-001's sync Django ORM calls in `async def`, in code a program runs after opting out of Django's guard
(`os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")` in its start-up module): the file check
(performance.BlockingCallInAsync) leaves these findings to this project pass, which knows which modules that
program reaches. Django raises SynchronousOnlyOperation for such a call unless the variable is set, so setting
it is the project's statement that this program (a chat bot handling updates one at a time, a notebook, a
one-process worker) runs its ORM calls on the loop knowingly: a note that names where. A module a program
without the opt-out also reaches (an ASGI application importing the same helpers) keeps the warning."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from ..model.reachability import reached_from, serves
from .base import ProjectCheck, deferred_findings
from .performance import DEFERRED_ORM_CALLS


class OrmCallsUnderAsyncOptOut(ProjectCheck):
    RULE_ID = "BA-PERF-001"
    # a module outside the given files that opts out is not seen: the warning then stands
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        deferred = deferred_findings(project, DEFERRED_ORM_CALLS)
        if not deferred:
            return []
        facts = project.facts
        opted = sorted(p for p in facts if facts[p].get("allows_async_unsafe") and not facts[p].get("is_test"))
        if not opted:
            return deferred
        # what each opting-out program reaches, less what serving code outside them (a view module importing a
        # web framework, a router) reaches: the ASGI application keeps Django's guard
        under = {path: reached_from(project, [path]) for path in opted}
        mine = set().union(*under.values())
        others = reached_from(project, [p for p in sorted(facts) if p.endswith(".py") and p not in mine and
                                        not facts[p].get("is_test") and serves(facts[p])])
        for finding in deferred:
            by = next((p for p in opted if finding.path in under[p]), None)
            if by is not None and finding.path not in others:
                finding.level = "note"
                finding.message += (f" (the program started by {by} sets DJANGO_ALLOW_ASYNC_UNSAFE (line "
                                    f"{facts[by]['allows_async_unsafe']}): it opted out of Django's guard and runs "
                                    "its ORM calls on the loop knowingly; how many run at once was not traced)")
        return deferred
