"""BA-AUTH-004: `assert` used for an access-control decision (stripped by `python -O`).

An assert about rights (owner, role, permission, staff) decides access: always an error. An assert that only
says "someone is logged in" (`assert request.user.is_authenticated`) is how typed Django code narrows
`AnonymousUser | User` behind a login guard; it is the access control only where nothing else guards the
code. So it is judged by who reaches it: the endpoint it sits in, the views a decorator wrapping it is put
on, or the callers of a helper (the semantic model's call graph).
"""

from __future__ import annotations

from typing import Any

from .endpoint_base import EndpointCheck

_NO_GUARD = ("none", "unknown", "graphql", "public")
# bases of a class no framework dispatches requests to
_PLAIN_BASES = frozenset({"object", "builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol"})


class AssertForAccessControl(EndpointCheck):
    RULE_ID = "BA-AUTH-004"

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        self._ev = inv.evidence
        self._sm = getattr(project, "semantic", None)
        self._endpoints: dict[tuple[str, str], str] = {}
        for e in inv.endpoints:
            key = (e.file, e.handler)
            if key not in self._endpoints or self._endpoints[key].startswith(_NO_GUARD):
                self._endpoints[key] = e.auth
        self._memo: dict[tuple[str, str], tuple[str, str]] = {}
        self._users_memo: dict[tuple[str, str], list] = {}
        out = []
        for path in sorted(project.facts):
            facts = project.facts[path]
            if facts.get("is_test"):
                continue
            for qualname, fn in sorted(facts.get("functions", {}).items()):
                for a in fn.get("auth_asserts", []):
                    finding = self._judge(path, qualname, a)
                    if finding is not None:
                        out.append(finding)
        return out

    def _judge(self, path: str, qualname: str, a: dict[str, Any]):
        stripped = "`python -O` strips it and the check with it; raise PermissionDenied / HTTPException(403) instead"
        if a.get("data_only"):
            # role or permission words only in the names of the code's own data, no user, request or
            # predicate: a developer invariant unless something shows it guards a caller
            return self.finding(path, a, f"assert on role/permission data ({a['term']}) that names no user, "
                                "request or permission check: whether it decides anyone's access was not traced; "
                                f"if it does, {stripped}", level="note", symbol=qualname)
        if not a.get("authn_only"):
            checked_by = self._checking_callers(path, qualname)
            if checked_by:
                # a helper's precondition: every caller refused the wrong caller itself before calling
                return self.finding(path, a, f"assert on access ({a['term']}) repeats the check its callers make "
                                    f"({checked_by}) before calling {qualname}: a developer invariant here; if "
                                    f"another caller relies on it, {stripped}", level="note", symbol=qualname)
            return self.finding(path, a, f"assert used for an access-control decision ({a['term']}): {stripped}",
                                level="error", symbol=qualname)
        verdict, who = self._reach(path, qualname, 0, frozenset())
        if verdict == "guarded":
            return None  # type narrowing behind a login guard
        if verdict == "untraced" and a.get("own_state") and self._plain_class(path, qualname):
            return self.finding(path, a, f"assert that the object's own user is logged in ({a['term']}) in "
                                f"{qualname}, a method of a class deriving from no framework class: an invariant of "
                                f"how the object is built, whose callers were not traced; if a request reaches it "
                                f"unguarded, {stripped}", level="note", symbol=qualname)
        if verdict == "untraced":
            return self.finding(path, a, f"assert used as the login check ({a['term']}) in {qualname}, whose "
                                f"callers were not traced: if nothing else guards them, {stripped}",
                                level="warning", symbol=qualname)
        return self.finding(path, a, f"assert used as the login check ({a['term']}): it is the only guard of "
                            f"{who}; {stripped}", level="error", symbol=qualname)

    def _plain_class(self, path: str, qualname: str) -> bool:
        """The method's class derives from nothing outside the project but `object` and abstract bases: no
        view, consumer or handler a framework dispatches a request to."""
        sm = self._sm
        module = sm.module_of(path) if sm is not None else None
        owner = qualname.rpartition(".")[0]
        if module is None or not owner or sm.class_(f"{module}.{owner}") is None:
            return False
        external = [base for base in sm.mro(f"{module}.{owner}")[1:] if sm.class_(base) is None]
        return all(base in _PLAIN_BASES for base in external)

    def _checking_callers(self, path: str, qualname: str) -> str:
        """The callers of a helper that is no endpoint, when every one refuses on a permission test of its own
        (`if not is_admin_user(request): return ...`): their names, else ""."""
        if (path, qualname) in self._endpoints or (path, qualname.split(".")[0]) in self._endpoints:
            return ""
        callers = [(cpath, cname) for cpath, cname in self._callers(path, qualname)
                   if not self._ev.facts.get(cpath, {}).get("is_test")]  # a test calls it as it likes
        if not callers or any(not (self._function(cpath, cname) or {}).get("permission_gate")
                              for cpath, cname in callers):
            return ""
        return ", ".join(sorted(cname for _, cname in callers))

    # --- who reaches a function -------------------------------------------------------------------
    def _reach(self, path: str, qualname: str, depth: int, seen: frozenset) -> tuple[str, str]:
        """("guarded" | "open" | "untraced", what): is every way into this function behind a login guard?"""
        key = (path, qualname)
        if key in self._memo:
            return self._memo[key]
        if key in seen or depth > 4:
            return ("untraced", qualname)
        self._memo[key] = result = self._reach_uncached(path, qualname, depth, seen | {key})
        return result

    def _reach_uncached(self, path: str, qualname: str, depth: int, seen: frozenset) -> tuple[str, str]:
        auth = self._endpoints.get((path, qualname)) or self._endpoints.get((path, qualname.split(".")[0]))
        if auth is not None:
            return ("open", f"the endpoint {qualname}") if auth.startswith(_NO_GUARD) else ("guarded", auth)
        fn = self._function(path, qualname) or {}
        if self._guarded_here(path, fn, skip=None):
            return ("guarded", qualname)
        outer = qualname.rsplit(".", 1)[0] if "." in qualname else None
        if outer is not None and self._function(path, outer) is not None:
            return self._decorated_by(path, outer, depth, seen)  # a decorator's wrapper
        callers = self._callers(path, qualname)
        if not callers:
            return ("untraced", qualname)
        for cpath, cname in callers:
            verdict, who = self._reach(cpath, cname, depth + 1, seen)
            if verdict != "guarded":
                return verdict, who
        return ("guarded", ", ".join(sorted(c for _, c in callers)))

    def _decorated_by(self, path: str, decorator: str, depth: int, seen: frozenset) -> tuple[str, str]:
        """The wrapper of decorator `decorator` runs wherever the decorator is put: judge those views, with
        their other guards (the decorator itself does not count)."""
        key = (path, decorator)
        if key not in self._users_memo:
            self._users_memo[key] = self._decorated_functions(path, decorator)
        users = self._users_memo[key]
        if not users:
            return ("untraced", decorator)
        for upath, uname, ufn in users:
            if self._guarded_here(upath, ufn, skip=(path, decorator)):
                continue
            auth = self._endpoints.get((upath, uname))
            if auth is None or auth.startswith(_NO_GUARD) or auth == f"decorator: {decorator}" or \
                    auth.endswith(f": {decorator.rsplit('.', 1)[-1]}"):
                return ("open", f"{uname} (decorated with {decorator})") if auth is not None else \
                    self._reach(upath, uname, depth + 1, seen)
        return ("guarded", f"every view decorated with {decorator}")

    def _decorated_functions(self, path: str, decorator: str) -> list[tuple[str, str, dict[str, Any]]]:
        users = []
        for upath in sorted(self._ev.facts):
            for uname, ufn in sorted(self._ev.facts[upath].get("functions", {}).items()):
                if any(self._ev._project_function(upath, d["ref"]) == (path, decorator)
                       for d in ufn.get("decorators", [])):
                    users.append((upath, uname, ufn))
        return users

    def _guarded_here(self, path: str, fn: dict[str, Any], skip: tuple[str, str] | None) -> bool:
        """A login guard on the function itself: an auth decorator (other than `skip`), or a real check."""
        if fn.get("auth_check"):
            return True
        for d in fn.get("decorators", []):
            if skip is not None and self._ev._project_function(path, d["ref"]) == skip:
                continue
            if self._ev.is_auth_decorator(path, d["ref"]):
                return True
        return False

    def _function(self, path: str, qualname: str) -> dict[str, Any] | None:
        return self._ev.facts.get(path, {}).get("functions", {}).get(qualname)

    def _callers(self, path: str, qualname: str) -> list[tuple[str, str]]:
        sm = self._sm
        module = sm.module_of(path) if sm is not None else None
        if module is None:
            return []
        out = []
        for caller in sorted(sm.callers(f"{module}.{qualname}")):
            info = sm.function(caller)
            if info is None or not info.path:
                return []  # a caller we cannot read: not traced
            out.append((info.path, caller[len(info.module) + 1:]))
        return out
