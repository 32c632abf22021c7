"""Whether a view authenticates its caller by a signature over the request: a webhook.

A payment provider or a code host calls a webhook and signs the body (`stripe.Webhook.construct_event`, an
HMAC of a signature header compared with `hmac.compare_digest`); the function facts mark such a check as
`sender_checked` (functions.py). A view that makes it, itself or through a project helper it calls first
(`event = parse_stripe_webhook_event(request, secret)`), acts only on what that service sent: a browser, a
crawler or a cross-site `<img>` cannot produce the signature, and the view's answers go back to the service
(its delivery log), or, refused, to a caller that failed the check.
"""

from __future__ import annotations

from typing import Any

_DEPTH = 2  # the view, a helper it calls, and one that helper calls (`parse_event` -> `verify_signature`)
_MAX_FUNCTIONS = 40  # bounded on generated code


def sender_check(project: Any, path: str, function: str, before: int | None = None) -> str:
    """How `function` (its qualname inside the module at `path`) verifies its caller's signature: "" when it
    does not; `construct_event()` when it does so itself; `parse_event() checks it with construct_event()` for a
    project helper that does. `before`: only calls the function makes on lines before it count (the check must
    come before the write it guards)."""
    own = _facts(project, path, function)
    if own.get("sender_checked"):
        return str(own.get("signature_check") or "a signature check")
    sm = project.semantic
    module = sm.module_of(path)
    if module is None:
        return ""
    start = f"{module}.{function}"
    todo, seen = [(start, 0)], set()
    while todo:
        qual, depth = todo.pop(0)
        info = sm.function(qual)
        if qual in seen or depth >= _DEPTH or len(seen) > _MAX_FUNCTIONS or info is None:
            continue
        seen.add(qual)
        for line, ref in sorted(info.calls):
            if qual == start and before is not None and line >= before:
                continue
            target = sm.call_target(qual, ref)
            callee = sm.function(target) if target else None
            if callee is None or not callee.path:
                continue
            facts = _facts(project, callee.path, target[len(callee.module) + 1:])
            if facts.get("sender_checked"):
                return f"{target.rsplit('.', 1)[-1]}() checks it with {facts.get('signature_check')}"
            todo.append((target, depth + 1))
    return ""


def _facts(project: Any, path: str, function: str) -> dict[str, Any]:
    return ((project.facts.get(path) or {}).get("functions") or {}).get(function) or {}
