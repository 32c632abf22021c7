"""Base for rules that read the endpoint inventory in the project pass."""

from __future__ import annotations

from typing import Any

from ..findings import Finding, normalise_code
from .base import ProjectCheck


class EndpointCheck(ProjectCheck):
    """A project rule over the endpoint inventory; `finding()` turns a recorded location into a Finding."""

    def inventory(self, project: Any):
        from ..model.frameworks.inventory import build

        return build(project)

    def finding(self, path: str, loc: dict[str, Any] | int, message: str | None = None, *,
                level: str | None = None, symbol: str = "", snippet: str = "", rule_id: str | None = None,
                properties: dict[str, Any] | None = None) -> Finding:
        if isinstance(loc, int):
            loc = {"line": loc}
        line = loc["line"]
        return Finding(
            rule_id=rule_id or self.RULE_ID, path=path, line=line, column=loc.get("col", 1),
            end_line=loc.get("end_line", line), end_column=loc.get("end_col", loc.get("col", 1) + 1),
            level=level or self.rule.level, message=message or self.rule.message, engine=self.ENGINE,
            snippet=normalise_code(loc.get("snippet") or snippet)[:500], symbol=loc.get("symbol", symbol),
            properties=properties or {})
