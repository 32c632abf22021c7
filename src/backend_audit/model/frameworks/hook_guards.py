"""Flask request hooks that guard a whole blueprint, wherever they are written.

`@policy_blueprint.before_request` stacked on `@admin_required` in a module of hooks (`before_after.py`) that
imports the blueprints: Flask runs the hook, and so the decorator's check, before every route of each
blueprint it names. A hook guards when its decorator is an auth decorator (judged by name or by what it does,
`is_auth_decorator`), when its body checks the caller, or when it calls a project check that raises on a bad
credential (`verify_auth_token(token, roles)`, named as a token check and raising). Hooks are indexed once per
project by the blueprint they attach to, resolved through imports.
"""

from __future__ import annotations

from ...checks.lazy_re import re  # compiled on first use
from typing import Any

from .common import last_name

_HOOKS = ("before_request", "before_app_request", "url_value_preprocessor")
# a credential check by its name: `verify_auth_token`, `check_api_key`, `validate_jwt`, `authenticate`
_CREDENTIAL_CHECK = re.compile(r"(?i)^_*((verify|validate|check)_?\w*(token|jwt|api_?key|auth\w*|credentials?)"
                               r"|authenticate\w*|require_(login|auth\w*|user|admin))$")


class HookGuards:
    """Mixed into the inventory builder: needs `facts`, `semantic`, `r` (Resolver), `function()`, `_module()`,
    and `is_auth_decorator()`."""

    def blueprint_hooks(self, key: tuple[str, str]) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(hook kind, file, function name, facts) of every function decorated `@<blueprint>.<hook>` in any
        module, the blueprint `key` = (file, name) resolved through that module's imports."""
        if "_hook_index" not in self.__dict__:
            self._hook_index = self._index_hooks()
        return self._hook_index.get(key, [])

    def _index_hooks(self) -> dict[tuple[str, str], list[tuple[str, str, str, dict[str, Any]]]]:
        index: dict[tuple[str, str], list[tuple[str, str, str, dict[str, Any]]]] = {}
        for path in sorted(self.facts):
            for fname, fn in self.facts[path].get("functions", {}).items():
                for d in fn.get("decorators", []):
                    owner, _, kind = d["ref"].rpartition(".")
                    if kind not in _HOOKS or not owner:
                        continue
                    target = self.r.resolve(path, owner) or (path, owner)
                    index.setdefault(target, []).append((kind, path, fname, fn))
        return index

    def hook_guard(self, path: str, fname: str, fn: dict[str, Any]) -> str | None:
        """Why this hook refuses an unauthenticated request, or None."""
        if fn.get("auth_check"):
            return "checks the caller"
        for d in fn.get("decorators", []):
            if last_name(d["ref"]) not in _HOOKS and self.is_auth_decorator(path, d["ref"]):
                return f"decorated @{d['ref']}"
        checker = self._raising_check(path, fname)
        return f"calls {checker}()" if checker else None

    def _raising_check(self, path: str, fname: str) -> str | None:
        """A project function the hook calls that is named as a credential check and raises when it fails."""
        sm = self.semantic
        module = self._module(path)
        if sm is None or module is None:
            return None
        for callee in sorted(sm.callees(f"{module}.{fname}")):
            info = sm.function(callee)
            if info is None or not info.path or not info.module:
                continue
            name = callee.rsplit(".", 1)[-1]
            facts = self.function(info.path, callee[len(info.module) + 1:]) or {}
            if _CREDENTIAL_CHECK.match(name) and (facts.get("raises") or facts.get("auth_check")):
                return name
        return None
