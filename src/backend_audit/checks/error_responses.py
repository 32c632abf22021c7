"""Error responses: exception text sent to clients (BA-ERR-002), no central exception handler (BA-ERR-003)."""

from __future__ import annotations

from typing import Any

from .app_evidence import AppEvidenceCheck


class NoCentralExceptionHandler(AppEvidenceCheck):
    """No exception handler registered for the whole application (project check)."""

    RULE_ID = "BA-ERR-003"

    def run(self, project: Any) -> list:
        app = self.application(project)
        if app is None or self.signal(project, "error-handler"):
            return []
        path, line = app
        return [self.finding(path, line, "no central exception handler (FastAPI/Starlette exception_handler, Flask "
                             "errorhandler, DRF EXCEPTION_HANDLER, Django handler500 or process_exception "
                             "middleware): unexpected errors reach clients in the framework's default shape",
                             snippet="exception-handler")]
