"""Findings a webhook's signature check settles (see model/frameworks/signed_senders.py).

The file checks of BA-API-006 (a state change in a view that accepts GET) and BA-ERR-002 (exception text sent to
the client) cannot see a project helper in another module that verifies the caller's signature
(`event = parse_stripe_webhook_event(request, secret)`); they leave their findings in module functions here,
and these project checks ask. A write that comes after the signature check cannot be triggered by a GET, a
crawler or a cross-site `<img>`: dropped. Error text in such a view goes back to the signing service (or is the
check's own refusal of a caller that failed it): a note."""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from ..model.frameworks.signed_senders import sender_check
from .base import FileContext, ProjectCheck, deferred_findings

DEFERRED_GET_WRITES = "get_writes_in_functions"
DEFERRED_ERROR_TEXT = "error_text_in_functions"


def defer_to_sender_check(ctx: FileContext, key: str) -> None:
    """Move the finding just reported in a module function to fact `key`, naming that function; a finding
    elsewhere (a method, module level) stays as reported."""
    stack = ctx.function_stack
    tree = ctx.tree
    if not stack or tree is None or not any(stack[0] is st for st in tree.body):
        return
    finding = ctx.findings.pop()
    finding.properties = {**finding.properties, "function": stack[0].name}
    ctx.facts.setdefault(key, []).append(finding.to_dict())


def _settled(project: Any, key: str):
    """(finding, how its function checks the caller's signature before the finding's line, "" if it does not)."""
    for finding in deferred_findings(project, key):
        yield finding, _signed(project, finding)


def _signed(project: Any, finding: Finding) -> str:
    properties = dict(finding.properties)  # the facts' own dict stays as cached
    function = properties.pop("function", "")
    finding.properties = properties
    return sender_check(project, finding.path, function, before=finding.line) if function else ""


def settle_error_text(project: Any, finding: Finding) -> Finding:
    """An exception-text finding left in a module function: a note in a webhook that verifies its caller's
    signature first, as reported otherwise."""
    signed = _signed(project, finding)
    if signed:
        finding.level = "note"
        finding.message += (f" (in a webhook that verifies its caller's signature first ({signed}): the "
                            "answer goes back to the signing service, or is the check's own refusal of a "
                            "caller that failed it; whether the text carries internals was not traced)")
    return finding


class SignedWebhookWrites(ProjectCheck):
    RULE_ID = "BA-API-006"
    # a helper outside the given files is not seen: the finding then stays as the file check made it
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        return [finding for finding, signed in _settled(project, DEFERRED_GET_WRITES) if not signed]


class SignedWebhookErrorText(ProjectCheck):
    RULE_ID = "BA-ERR-002"
    # a helper outside the given files is not seen: the finding then stays as the file check made it
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        return [settle_error_text(project, finding) for finding in deferred_findings(project, DEFERRED_ERROR_TEXT)]
