"""Authentication and authorization checks."""

from __future__ import annotations

import re
from typing import Any

from ..model.frameworks.assets import FILE_RESPONSES, catch_all
from ..model.frameworks.capability import secret_path_param
from ..model.frameworks.common import STATE_CHANGING
from ..model.frameworks.evidence import ACCOUNT_STEP, PER_ACTION, WEBHOOK
from ..model.frameworks.public_flows import account_flow
from ..model.frameworks.registry_routes import EXEMPTED
from ..model.frameworks.rpc_methods import declared_anonymous
from .endpoint_base import EndpointCheck
from .proxy_internal import internal_locations, internal_prefix

# DRF's explicit opt-outs: the view's author said "public" (inventory: evidence.py)
_DECLARED_OPEN = ("public (AllowAny)", "public (permission_classes = [])")
UNTRACED = "unknown: guard not traced: "
# Folders of code that is run by developers, not deployed: a second app there is a mock or a load-test server
_TOOLING = re.compile(r"(?i)^(scripts?|bench(mark)?s?|examples?|demos?|samples?|tools|dev|fixtures|mocks?|loadtests?"
                      r"|load_tests?|perf)$")
# Folders of an installer's own app: a setup or configuration wizard, public to whoever installs the product
# (it renders a compose file or a config from a form), deployed apart from the product's API
_WIZARD = re.compile(r"(?i)^(setup|installer|install|wizard|configurator)$")
# Calls that hand data on to other clients or to a job: the effect of a POST that stores nothing itself
_PUSH = re.compile(r"^(send|send_\w+|broadcast\w*|publish\w*|emit|push|notify\w*|enqueue\w*|delay|apply_async"
                   r"|send_task|kiq|xadd|lpush|rpush)$")
_WRITES = frozenset({"PUT", "PATCH", "DELETE"})
_NO_GUARD = ("none", "unknown", "graphql", "public")
# The weak sign that a write is meant to be private: it reads who is asking (its data is the caller's own)
_IDENTITY = "reads who is asking"
# The sign that what a route changes is someone's record (weaker alone: see the one-sign branch)
_BY_ID = "acts on a record its URL names by id"
# What a note says when nothing marks a route as private or guarded
_NOT_TRACED = "auth for this route not traced: no guard found in decorators, bases, dependencies or middleware"
_SIGN_IN = ("public (account flow: login", "public (account flow: sign-in", "public (credential exchange")
# A path parameter (`{task_id}`, `<int:pk>`): the route acts on one stored record its URL names
_PATH_PARAM = re.compile(r"[{<]([^}>]+)[}>]")
# A path parameter named as a record's id (`task_id`, `pk`, `userId`)
_ID_PARAM = re.compile(r"(^|_)(id|pk)$|[a-z]Id$")
# A literal path segment naming an administrative area (`/admin/users/import`, `/api/staff/...`): a route there
# is meant for operators, whatever its handler reads
_ADMIN_SEGMENT = re.compile(r"(?i)^(admin|administration|administrator|backoffice|back-office|staff|superuser|"
                            r"sysadmin)([-_][a-z0-9]+)?$")
# Calls that set an account's password: creating or changing a credential outside the sign-up and recovery
# flows (those are public by design and judged before this) is for an administrator or the account's owner
_SETS_PASSWORD = re.compile(r"^(set_password|make_password|get_password_hash|hash_password|generate_password_hash"
                            r"|set_unusable_password|change_password|update_password|create_user|create_superuser)$")
# Library views that answer the same public text to every visitor: Django's translation catalogs for the
# front end's JavaScript, and `TemplateView.as_view(template_name=...)` routed as it is, which renders one
# template from the view's keyword arguments only (the class-based `render(request, "about.html")`, a static
# page: an imprint, the terms, an error page); drf-spectacular's schema and its UI pages, which check
# `SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]` themselves (AllowAny unless the project says otherwise: the API's
# description is public by the library's design, or guarded by that setting)
_PUBLIC_LIBRARY_VIEWS = frozenset({"JavaScriptCatalog", "JSONCatalog", "TemplateView", "SpectacularAPIView",
                                   "SpectacularJSONAPIView", "SpectacularYAMLAPIView", "SpectacularSwaggerView",
                                   "SpectacularSwaggerSplitView", "SpectacularRedocView"})
# Generic views whose inherited handlers save or delete the model (Django, DRF, Flask-Admin)
_EDITING_BASES = frozenset({"CreateView", "UpdateView", "DeleteView", "BaseCreateView", "BaseUpdateView",
                            "BaseDeleteView", "CreateAPIView", "UpdateAPIView", "DestroyAPIView", "ListCreateAPIView",
                            "RetrieveUpdateAPIView", "RetrieveDestroyAPIView", "RetrieveUpdateDestroyAPIView",
                            "ModelViewSet", "CreateModelMixin", "UpdateModelMixin", "DestroyModelMixin"})


def _csrf_exempt(fn: dict[str, Any] | None) -> bool:
    return any(d.get("ref", "").rsplit(".", 1)[-1] == "csrf_exempt" for d in (fn or {}).get("decorators", ()))


def _own_rate_limit(group: list) -> str | None:
    """The rate limit a route sets itself (`throttle_classes`, a limiter decorator or dependency), not one of
    its router, app or settings."""
    return next((e.rate_limit for e, _ in group if (e.rate_limit or "").startswith(
        ("throttle_classes=", "decorator:", "dependency:"))), None)


class EndpointWithoutAuth(EndpointCheck):
    """Endpoints with no auth evidence (decorator, dependency, router/app dependency, mixin, permission classes,
    settings default, auth middleware); one finding per handler, an error when it changes state."""

    RULE_ID = "BA-AUTH-001"

    def run(self, project: Any) -> list:
        inv = self.inventory(project)
        self._facts = project.facts
        self._semantic = getattr(project, "semantic", None)
        self._evidence = inv.evidence
        self._stores_memo: dict[tuple[str, str, int], bool] = {}
        by_handler: dict[tuple[str, int], list] = {}
        undecided: dict[tuple[str, int], list] = {}
        declared: dict[tuple[str, int], list] = {}
        # a module whose routes carry a guard this analysis could not follow: its other routes may be guarded
        # the same way (a hook or router it could not see either), so no route of it is called open
        untraced = {e.file: e for e in sorted(inv.endpoints, key=lambda x: x.line, reverse=True)
                    if e.auth.startswith(UNTRACED)}
        for e in inv.endpoints:
            methods = [m for m in e.methods if m not in ("OPTIONS", "HEAD")]
            if e.auth.startswith(_DECLARED_OPEN) and _WRITES & set(methods):
                declared.setdefault((e.file, e.line), []).append((e, methods))
            if e.public or not methods:
                continue
            if not STATE_CHANGING & set(methods) and self._public_asset(e):
                continue  # the UI build, the favicon, a translation catalog: nobody's data to guard
            sibling = e.auth == "none" and e.file in untraced and not WEBHOOK.search(f"{e.path} {e.handler}")
            if (sibling or e.auth.startswith(UNTRACED)) and not STATE_CHANGING & set(methods) and \
                    self._serves_anonymous(e.file, e):
                continue  # a read built for anonymous visitors: silent, whatever guard may sit around it
            if e.auth.startswith(("unknown:", "graphql:")) or sibling:
                # (a webhook is called by another service, never behind its siblings' user guard)
                undecided.setdefault((e.file, e.line), []).append((e, methods))
            elif e.auth.startswith("none"):
                by_handler.setdefault((e.file, e.line), []).append((e, methods))
        # files and routers with a route that takes a login: an unguarded route beside it is the odd one out
        # modules where routes taking a login are at least as many as the unguarded ones: an unguarded route
        # there is the odd one out (where most are open, open is the author's habit there). By module, not by
        # app: the app a router is mounted on holds every route of the project
        tally: dict[str, list[int]] = {}
        for e in inv.endpoints:
            if not e.public:
                tally.setdefault(e.file, [0, 0])[0 if e.auth.startswith(_NO_GUARD) else 1] += 1
        guarded = {k for k, (open_, closed) in tally.items() if closed and closed >= open_}
        # modules that serve a sign-in step (a login, a code or password exchanged for a session): an unguarded
        # route there may be another step of it (asking for the one-time code that step takes), so the guarded
        # routes beside it (who am I, log out) say nothing about this one
        self._signin_files = {e.file for e in inv.endpoints if e.auth.startswith(_SIGN_IN) or
                              (account_flow(e.path, e.handler, e.file) or "").startswith("login")}
        # the proxy configs are read only when some route is judged unguarded
        locations = internal_locations(project) if by_handler else []
        switched = [dict(m) for m in inv.evidence.credential_middleware() if m.get("when")]
        out = self._undecided(undecided, untraced) + self._declared_open(declared) + \
            self._apps_without_auth(inv, by_handler, switched)
        out += self._rpc_anonymous_writes(inv) + self._left_out_actions(inv)
        for (path, line), group in sorted(by_handler.items()):
            routes = sorted({f"{'/'.join(m)} {e.path}" for e, m in group})
            changing = any(STATE_CHANGING & set(m) for _, m in group)
            handler = group[0][0].handler
            why = group[0][0].auth
            reason = " (DRF falls back to AllowAny)" if "AllowAny" in why else ""
            # POST is also how forms ask for a preview or a search; PUT/PATCH/DELETE mean "change this"
            if changing and STATE_CHANGING & {x for _, m in group for x in m} == {"POST"} and \
                    not self._may_write(path, group[0][0]):
                changing = False  # a POST that computes (a preview, a validator) and stores nothing
                reason += (" (it accepts POST but writes nothing this analysis can see: no save/delete/commit, no store into the "
                           "request or a model, no project helper)")
            level = "error" if changing else "warning"
            hook = any(WEBHOOK.search(f"{e.path} {e.handler}") for e, _ in group)
            if hook and changing:
                # called by another service, never with a user's login: what stands in for it is a check of
                # the sender, and none was found (no signature, HMAC or shared secret compared)
                reason += (" (a webhook that verifies no signature or shared secret of its sender: anyone who "
                           "knows the URL can post to it)")
            if changing and STATE_CHANGING & {x for _, m in group for x in m} == {"POST"} and \
                    not self._stores(path, group[0][0].handler, group[0][0].fn):
                # a POST is an error only with evidence that a stranger changes stored data; a socket push, a
                # call to another service or a helper this analysis could not resolve is not that evidence
                # (PUT/PATCH/DELETE declare the change themselves)
                level = "warning"
                reason += (" (writes not traced: no ORM, SQL, file or mail write was found in the handler or the "
                           "project helpers it calls)")
                pushed = self._pushes(path, group[0][0].handler)
                if pushed:
                    reason = reason[:-1] + f"; it hands data on with {pushed}())"
                elif not hook:
                    # nothing it does is seen to reach anyone else: a calculator, a decoder, or a write out of
                    # sight; only an unauthenticated webhook is a known problem by its shape
                    level = "note"
            step = ACCOUNT_STEP in why
            served = {x for _, m in group for x in m}
            views = self._views(path, group[0][0], served)
            if not step and not changing and any(v.get("persists") for v in views):
                changing, level = True, "error"
                reason += " (a GET that saves or deletes stored data)"
            elif not step and not changing and self._serves_anonymous(path, group[0][0]):
                continue  # `if current_user.is_authenticated: <more>`: built for anonymous visitors too
            owned = self._meant_private(group)
            # a webhook or a provider's callback is called by another service or a redirect, never with the
            # user's login: the guard of the routes beside it could not apply to it, so it says nothing here
            convention = None if hook else self._convention(group, tally)
            if step:
                flow = why.rsplit(": ", 1)[-1].rstrip(")")
                reason += (f" (a step of the {flow} flow that reads the logged-in user, so a guard is missing, but an "
                           "anonymous caller reaches only that step)")
                changing, level = False, "warning" if convention else "note"
                if not convention:
                    reason += f" ({_NOT_TRACED}; no route beside it takes a login either)"
            elif not changing:
                readers = [v for v in self._views(path, group[0][0], None) if v.get("reads_identity")]
                scopes = sorted({s for v in readers for s in v.get("identity_scope") or ()})
                if served == {"POST"} and _csrf_exempt(group[0][0].fn):
                    # exempt from the CSRF check: called by another service or a script, not a browser's form,
                    # like a webhook; with no sender check, what it does with the posted data is not traced
                    level = "warning"
                    reason += (" (it is csrf_exempt and accepts only POST: meant for another service or a script, "
                               "like a webhook, yet it checks no sender, signature or shared secret)")
                elif readers and all(v.get("identity_scope") for v in readers):
                    # the caller is only handed to the query or helper that picks the rows (`visible_for(
                    # request.user)`, `filter(owner=request.user)`): each caller, an anonymous one included, gets
                    # what that caller may see, so the read is guarded by its data; what the filter admits for an
                    # anonymous caller is not traced
                    level = "note"
                    reason += (f" and reads who is asking only to scope what it returns (the user is handed to "
                               f"{', '.join(f'{s}()' for s in scopes)}): each caller gets the rows that caller "
                               "may see, so it is guarded by its data; what that filter lets an anonymous caller "
                               "see is not traced")
                elif not readers and (download := self._serves_record_file(group)):
                    # a stored file (an upload, an attachment) answered as a download for the record its URL
                    # names by id: what a file store keeps is someone's document, and an id can be counted, so
                    # every stored file is one loop away; public files are served from a folder, not by record
                    level = "warning"
                    reason += (f" and reads no user identity, yet it answers a stored file "
                               f"({download}()) of the record its URL names by id: anyone "
                               "can count through the ids and download every stored file")
                elif why.startswith(EXEMPTED):
                    # the guard every other route of the registry passes through lets this path by: not a
                    # forgotten guard but a stated exception, open whenever the others are closed
                    level = "warning"
                    reason += (f" ({why[len('none ('):-1]}: it stays open when the routes beside it take a login; "
                               "authenticate it, or say why it may be open)")
                elif not readers:
                    # public content or a forgotten guard: the code does not say which (also on DRF's open
                    # default: a tag list or a version check reads the same for everyone)
                    level = "note"
                    reason += (" and reads no user identity (no request.user / current_user / session user): public "
                               "content or a forgotten guard cannot be told apart")
                elif "AllowAny" not in why and not convention:
                    # it reads who is asking, yet no route of its module shows a guard this analysis knows: the
                    # blind reviews found such reads guarded out of sight (an app-wide hook) far more often than open
                    level = "note"
                    reason += (f" (it reads who is asking, but {_NOT_TRACED} and no route beside it takes a login "
                               "either, so the guard may be out of sight)")
                elif "AllowAny" not in why:
                    reason += f" (it reads who is asking, and {convention})"
            if level == "error" and not step:
                limited = _own_rate_limit(group)
                if owned == _IDENTITY and convention:
                    # the odd one out of its module, but what it changes is keyed on the caller: an anonymous
                    # caller writes as no one (fails, or an orphan row) and changes no other user's record; a
                    # forgotten login, without evidence that a stranger reaches someone else's data
                    level = "warning"
                    reason += (f" (it reads who is asking, and {convention}; but what it changes is keyed on the "
                               "caller, so an anonymous caller reaches no other user's record by it)")
                elif owned and convention:
                    # two independent signs: what it changes is someone's, and its author guards the routes
                    # beside it one by one, this one excepted
                    reason += f" (it {owned}, and {convention})"
                elif not owned and limited:
                    # its author bounded how often a caller may use it, and guarded it with nothing: built for
                    # anonymous callers (a recovery code, a second factor); what it lets them change is not traced
                    level = "note"
                    reason += (f" (it sets a rate limit of its own, {limited}, and nothing says it is meant to be "
                               "private: a step made for anonymous callers at a bounded rate, such as a recovery "
                               "or second-factor code; whether it checks what the caller's earlier steps left is "
                               "not traced)")
                elif owned == _IDENTITY and not convention and "AllowAny" not in why:
                    # tied to the caller only: an anonymous caller changes no one's data (it fails or writes an
                    # orphan), and with no guarded route beside it the guard may be out of sight (a hook)
                    level = "note"
                    reason += (f" (it reads who is asking, so it changes the caller's own data, and no route beside "
                               f"it takes a login: {_NOT_TRACED})")
                elif not owned and all(self._random_key(x) for x, _ in group):
                    # what it changes is named by a UUID in its URL: the key of a link handed to someone (an
                    # unsubscribe or invitation link is its own credential), not a record a stranger can count to
                    level = "note"
                    reason += (" (it names what it changes by a UUID in its URL, the key of a link handed to "
                               "someone, and nothing ties it to a user: no identity read, no record by a numeric "
                               f"id, no password set; whether that key stays secret is not traced; {_NOT_TRACED})")
                elif not owned and convention and "AllowAny" not in why and not self._beside_guarded(group, guarded):
                    # guarded routes beside it, but fewer than the open ones (or with a sign-in step, whose other
                    # steps are public), and nothing ties what it changes to anyone: open is the module's habit
                    level = "note"
                    reason += (f" ({convention}, but no more than the open ones or beside a sign-in step, and it "
                               "changes nothing this analysis can tie to a user: no identity read, no record its "
                               f"URL names by id, no password set; {_NOT_TRACED})")
                elif owned == _BY_ID and not convention and not hook and not self._admin_or_password(group):
                    # a record named by id is the only sign: the blind sets R-U had 0 TP of 14 such warnings (a
                    # server guarded by a middleware or dependency this analysis does not see); with no guarded
                    # route beside it, that the caller is not authenticated is not established. A webhook keeps its
                    # warning below: checking no sender is a problem by its shape.
                    level = "note"
                    reason += (f" (it {owned}, but no route beside it takes a login: auth not confirmed, the guard "
                               "may sit out of sight)")
                elif owned or convention or "AllowAny" in why:
                    # one sign only: a forgotten guard, or a public form / a guard out of sight on a record or
                    # in a module the other sign does not confirm
                    level = "warning"
                    reason += (f" (it {owned}, but no route beside it takes a login, so the guard may sit out of "
                               "sight)" if owned else " (it relies on DRF's open default, but nothing ties what it "
                               "changes to a user)" if not convention else
                               f" ({convention}, but it changes nothing this analysis can tie to a user: no identity "
                               "read, no record its URL names by a numeric or untyped id, no password set)")
                elif hook and STATE_CHANGING & served:
                    level = "warning"  # a webhook with no sender check: a known problem by its shape
                elif hook:
                    # a callback reached by GET is a browser sent back by a provider (OAuth), carrying a code or
                    # state whose check is a proof of its own: not traced here
                    level = "note"
                    reason += (f" ({_NOT_TRACED}; a callback reached by GET is a browser sent back by a provider, "
                               "carrying a code or state whose check is not traced)")
                else:
                    # fail-safe: a change made by an anonymous caller is a defect only where the endpoint is
                    # meant for someone in particular; nothing here says it is
                    level = "note"
                    beside = ("the routes beside it that take a login sit with a sign-in step, of which it may be "
                              "one" if any(x.file in self._signin_files for x, _ in group) else
                              "no route beside it takes a login")
                    reason += (f" ({_NOT_TRACED}; and nothing says it is meant to be private: it reads no user "
                               "identity, names no record in its URL by a numeric or untyped id (a string or UUID id "
                               f"may be a link's key), sets no password, and {beside}; a public form or a guard out "
                               "of sight cannot be told apart)")
                # where the routes beside it carry a guard and it does not, the author's convention is a guard
                # on each route: a check in the call it hands the request to would be the exception
                handed = None if self._beside_guarded(group, guarded) else self._request_untraced(group[0][0])
                if level == "error" and handed:
                    level = "warning"
                    reason += (f" (it hands the request to {handed}(), code this analysis does not follow: a check "
                               "of the caller there is not traced)")
            switch = self._switched_guard(switched, group)
            if switch is not None:
                # the whole server is guarded, but only under a switch: one finding at the switch says so, the
                # route itself is open only while it is off
                switch.setdefault("open", []).extend(routes)
                if level != "note":
                    level = "note"
                    reason += (f" (the server refuses every request without its credential through "
                               f"{switch['name']}, but only when `{switch['when']}`: reported once at "
                               f"{switch['file']}:{switch['line']})")
            shut = [internal_prefix(locations, e.path) for e, _ in group]
            if all(shut):
                # the repository's proxy answers 404 to outside callers there: only the services on the
                # private network reach it, so what stands in for a guard is that network, not proven here
                prefix, where = shut[0]
                level = "note"
                reason = (f" (its path is under `location {prefix}` that the repository's proxy config marks "
                          f"`internal` ({where}): clients outside cannot reach it, it relies on network "
                          "isolation from the other services)")
            out.append(self.finding(
                path, line, f"{'; '.join(routes[:3])}{' ...' if len(routes) > 3 else ''} ({handler}) has no "
                f"authentication or permission check{reason}; add one, or list the path as public",
                level=level, symbol=handler, snippet=" ".join(routes), properties={"routes": routes}))
        out += self._switch_findings(switched)
        # the views the open default leaves public that this run reports at warning or error: what makes the
        # missing default more than a hardening gap
        opened = sorted({f.symbol for f in out if f.level != "note" and "DRF falls back to AllowAny" in f.message})
        out.extend(self._drf_default_open(inv, opened))
        return out

    @staticmethod
    def _switched_guard(switched: list[dict[str, Any]], group: list) -> dict[str, Any] | None:
        """The switched credential middleware of the app serving this handler's routes (the app it is added to,
        or the only one), if any."""
        roots = {e.root for e, _ in group}
        for m in switched:
            if len(switched) == 1 or any(r is not None and r[0] == m["file"] for r in roots):
                return m
        return None

    def _switch_findings(self, switched: list[dict[str, Any]]) -> list:
        out = []
        for m in switched:
            routes = sorted(set(m.get("open", ())))
            if routes:
                out.append(self.finding(
                    m["file"], m["line"], f"the API is unauthenticated unless `{m['when']}`: {m['name']}, which refuses "
                    "every request without the server's credential, is added only then, and none of the "
                    f"{len(routes)} route(s) it would guard ({'; '.join(routes[:3])}{' ...' if len(routes) > 3 else ''}) "
                    "checks a caller of its own; make the guard the default (refuse to start without a credential) "
                    "or put one on the routes", level="warning", snippet=f"{m['name']} when {m['when']}",
                    rule_id="BA-AUTH-001/switched-guard", properties={"routes": routes[:50]}))
        return out

    def _meant_private(self, group: list) -> str | None:
        """Positive evidence that what an endpoint touches belongs to someone in particular: it reads who is
        asking, it acts on a stored record its URL names (`/tasks/{task_id}/edit`), it sits under an
        administrative path, or it sets a password. None when nothing says so. The strong signs come first:
        a read of who is asking alone (_IDENTITY) ties the write to the caller, so an anonymous caller acts on
        no one's data."""
        e = group[0][0]
        if any(self._names_record(x) for x, _ in group):
            return _BY_ID
        other = self._admin_or_password(group)
        if other:
            return other
        return _IDENTITY if any(v.get("reads_identity") for v in self._views(e.file, e, None)) else None

    def _admin_or_password(self, group: list) -> str | None:
        """It sits under an administrative path or sets a password: a sign of its own that what it changes is
        not for anyone to change."""
        area = next((seg for x, _ in group for seg in x.path.split("/") if _ADMIN_SEGMENT.match(seg)), None)
        if area:
            return f"sits under an administrative area (/{area}/)"
        e = group[0][0]
        hit = self._calls_matching(e.file, e.handler, _SETS_PASSWORD)
        return f"sets a password ({hit}())" if hit else None

    def _convention(self, group: list, tally: dict[str, list[int]]) -> str | None:
        """The other kind of evidence: routes of its own module carry a guard this analysis recognises (a
        decorator, dependency, permission class or check in the body), so the author guards route by route
        there and this one has none. A route with a rate limit of its own was made for anonymous callers at a
        bounded rate (a recovery or sign-in step), not forgotten."""
        if _own_rate_limit(group):
            return None
        closed = max(tally.get(x.file, [0, 0])[1] for x, _ in group)
        return f"{closed} route(s) beside it in its module take a login" if closed else None

    @staticmethod
    def _names_record(e, by_name: bool = False) -> bool:
        """A path parameter naming a stored record, unless it is declared a string or a UUID (a `str` / `UUID`
        annotation, a `<str:...>` / `<uuid:...>` converter): such an id may be a random key handed out as a link
        (an invoice page's), so on its own it says nothing of who the record is for."""
        params = {}  # name -> converter: `{name:type}` (Starlette), `<type:name>` (Flask, Django)
        for m in _PATH_PARAM.finditer(e.path):
            parts = [x.strip() for x in m.group(1).split(":")]
            name, conv = (parts[0], parts[1] if len(parts) > 1 else "") if m.group(0)[0] == "{" else \
                (parts[-1], parts[0] if len(parts) > 1 else "")
            params[name] = conv.lower()
        typed = {p.get("name"): (p.get("annotation") or "").rpartition(".")[2] for p in e.fn.get("params") or ()}
        # an id by its type (`<int:pk>`, `task_id: int`) or, untyped, by its name (`{task_id}`, `<pk>`): a word
        # such as `<ns>`, `{item}` or `{slug}` names a place or a page as often as a record. by_name: only an id
        # named so (`<int:size>` of a thumbnail is a number, not a record)
        # (by_name also takes pydantic's `UUID4` for the random key it is)
        return any(conv not in ("str", "string", "uuid", "path") and typed.get(name) not in ("str", "UUID") and
                   (not by_name and (conv in ("int", "integer") or typed.get(name) == "int") or
                    _ID_PARAM.search(name) and not (by_name and re.fullmatch(r"UUID\d?", typed.get(name) or "")))
                   for name, conv in params.items())

    def _serves_record_file(self, group: list) -> str | None:
        """The file response (`FileResponse`, `send_file`) a read answers for the record its URL names by an
        id (a parameter named `id`, `pk`, `file_id`, not typed str/UUID), when the file is not a public asset
        (the UI build, the favicon: assets.py)."""
        e = group[0][0]
        if not any(self._names_record(x, by_name=True) for x, _ in group):
            return None
        views = self._views(e.file, e, None)
        if any(v.get("serves_asset") for v in views):
            return None
        return next((v["serves_file"] for v in views if v.get("serves_file") in FILE_RESPONSES), None)

    @staticmethod
    def _random_key(e) -> bool:
        """A path parameter declared a UUID (`<uuid:token>`, `{key:uuid}`, `key: UUID`): a random key, not a
        counter."""
        typed = {p.get("name"): (p.get("annotation") or "").rpartition(".")[2] for p in e.fn.get("params") or ()}
        for m in _PATH_PARAM.finditer(e.path):
            parts = [x.strip() for x in m.group(1).split(":")]
            name, conv = (parts[0], parts[1] if len(parts) > 1 else "") if m.group(0)[0] == "{" else \
                (parts[-1], parts[0] if len(parts) > 1 else "")
            if conv.lower() == "uuid" or typed.get(name) == "UUID":
                return True
        return False

    def _beside_guarded(self, group: list, guarded: set) -> bool:
        return any(x.file in guarded and x.file not in self._signin_files for x, _ in group)

    def _request_untraced(self, e) -> str | None:
        """The call a view hands its request to (`form.save(request)`, `can_edit(request, obj)`) when it is not
        a project function this analysis followed: whether it checks the caller is unknown."""
        sm = self._semantic
        module = sm.module_of(e.file) if sm is not None else None
        for v in self._views(e.file, e, None):
            handed = v.get("request_to")
            if not handed:
                continue
            if module is None:
                return handed
            start = f"{module}.{e.handler}"
            cls = sm.class_(start)
            quals = [f"{start}.{m}" for m in cls.methods] if cls is not None else [start]
            tails = {c.rpartition(".")[2] for q in quals for c in sm.callees(q)}
            if handed.rpartition(".")[2] not in tails:
                return handed
        return None

    def _views(self, path: str, e, methods: set[str] | None) -> list[dict[str, Any]]:
        """The function facts behind an endpoint: a function view, or a class view's methods (only the verb
        methods serving `methods` when given; every method, helpers included, when None)."""
        ev = self._evidence
        if ev is None:
            return []
        if e.fn.get("params") is not None:
            return [e.fn]
        if methods is None:
            return ev._view_functions(path, e.handler, e.fn)
        return [v for v in ev._verb_functions(path, e.handler, e.fn) if v.get("_verb", "").upper() in methods]

    def _public_asset(self, e) -> bool:
        """A read that only serves public assets: a library view of public text, a handler answering a file
        from a folder named for the UI build or the public folder (assets.py), or a catch-all route
        (`/{full_path:path}`) answering the single-page app's index."""
        if e.handler in _PUBLIC_LIBRARY_VIEWS:
            return True
        views = self._views(e.file, e, None)
        return any(v.get("serves_asset") for v in views) or \
            catch_all(e.path) and any(v.get("serves_file") for v in views)

    def _pushes(self, path: str, handler: str) -> str | None:
        """The call by which the handler, or a project helper two calls down, hands data on to other clients or
        a job (`manager.send(item_id, data)`, `publish(...)`, `task.delay(...)`), or None."""
        return self._calls_matching(path, handler, _PUSH)

    def _calls_matching(self, path: str, handler: str, pattern) -> str | None:
        """The first call, by the handler or a project helper two calls down, whose last name matches."""
        sm = self._semantic
        module = sm.module_of(path) if sm is not None else None
        if module is None:
            return None
        start = f"{module}.{handler}"
        cls = sm.class_(start)
        todo, seen = [(f"{start}.{m}", 0) for m in cls.methods] if cls is not None else [(start, 0)], set()
        while todo:
            qual, depth = todo.pop(0)
            info = sm.function(qual)
            if info is None or qual in seen or len(seen) > 40:
                continue
            seen.add(qual)
            for _line, ref in info.calls:
                tail = str(ref).rpartition(".")[2]
                if pattern.match(tail):
                    return str(ref)
            if depth < 2:
                todo += [(c, depth + 1) for c in sorted(sm.callees(qual))]
        return None

    def _serves_anonymous(self, path: str, e) -> bool:
        """A read whose view, or a helper it calls, tests whether the visitor is logged in without refusing
        (`client_config()`: version details only `if current_user.is_authenticated`): public by design."""
        if any(v.get("serves_anonymous") for v in self._views(path, e, None)):
            return True
        return self._evidence is not None and self._evidence.helper_with(path, e.handler, "serves_anonymous")[0] \
            is not None

    def _may_write(self, path: str, e, depth: int = 0) -> bool:
        """Whether a function view (or a project helper it calls, two levels down) may change stored state;
        class views and anything not read are assumed to."""
        qualname = e if isinstance(e, str) else e.handler
        cls = self._facts.get(path, {}).get("classes", {}).get(qualname)
        if cls is not None and depth == 0:  # a class view: its own post(), unless it also overrides dispatch
            own = set(cls.get("methods", ()))
            return "post" not in own or bool(own & {"dispatch", "dispatch_request"}) or \
                self._may_write(path, f"{qualname}.post", depth)
        fn = self._facts.get(path, {}).get("functions", {}).get(qualname)
        sm = self._semantic
        module = sm.module_of(path) if sm is not None else None
        if fn is None or fn.get("writes") or module is None or depth > 2:
            return True
        for callee in sorted(sm.callees(f"{module}.{qualname}")):
            info = sm.function(callee)
            if info is None or not info.path or self._may_write(info.path, callee[len(info.module) + 1:], depth + 1):
                return True
        return False

    def _stores(self, path: str, handler: str, fn: dict[str, Any] | None, depth: int = 0) -> bool:
        """Whether the handler (a function view, or a class view's methods along its MRO), or a project helper
        it calls (two levels down), changes stored data: an ORM/SQL/file/mail write, or a generic editing view
        (`CreateView`, DRF's `ModelViewSet`) whose inherited handlers save."""
        if fn is not None and fn.get("params") is not None:
            return self._function_stores(path, handler, depth)
        ev = self._evidence
        if ev is None:
            return False
        for kind, where, what in ev._mro_chain(path, handler.split(".")[0]):
            if kind == "external" and what.rpartition(".")[2] in _EDITING_BASES:
                return True
            if kind == "project" and any(
                    self._function_stores(where, f"{what}.{m}", depth)
                    for m in self._facts.get(where, {}).get("classes", {}).get(what, {}).get("methods", [])):
                return True
        return False

    def _function_stores(self, path: str, qualname: str, depth: int) -> bool:
        memo = self._stores_memo
        key = (path, qualname, depth)
        if key not in memo:
            memo[key] = False  # a cycle through this function answers "not seen" while it is being asked
            memo[key] = self._function_stores_uncached(path, qualname, depth)
        return memo[key]

    def _function_stores_uncached(self, path: str, qualname: str, depth: int) -> bool:
        fn = self._facts.get(path, {}).get("functions", {}).get(qualname)
        if fn is None:
            return False
        if fn.get("stores"):
            return True
        sm = self._semantic
        module = sm.module_of(path) if sm is not None else None
        if module is None or depth >= 2:
            return False
        for callee in sorted(sm.callees(f"{module}.{qualname}")):
            info = sm.function(callee)
            if info is not None and info.path and self._function_stores(info.path, callee[len(info.module) + 1:],
                                                                         depth + 1):
                return True
        return False

    def _apps_without_auth(self, inv, by_handler: dict[tuple[str, int], list], switched: list[dict[str, Any]]) -> list:
        """A second app in a project whose main app authenticates, where none of its own routes does and it
        has no login either (an embedding or thumbnail sidecar): whether it is an internal service behind the
        network or an open API cannot be told from the code. One warning for the app instead of an error per
        route (taken out of by_handler)."""
        apps: dict[tuple[str, str] | None, list] = {}
        for e in inv.endpoints:
            apps.setdefault(e.root, []).append(e)
        guarded = {root for root, group in apps.items() if any(  # a health check on the allow-list is no login
            not e.auth.startswith(("none", "unknown", "graphql")) for e in group)}
        out = []
        for root, group in sorted(((r, g) for r, g in apps.items() if r is not None), key=lambda kv: kv[0]):
            path, name = root
            if root in guarded or not guarded - {root}:
                continue
            kind = self._facts.get(path, {}).get("web", {}).get("routers", {}).get(name, {}).get("kind", "")
            if kind.endswith(("_blueprint", "_router")):
                # a blueprint or router serves nothing by itself: it is mounted on an app by code this
                # analysis did not follow (`def init_app(app): app.register_blueprint(bp)`), most likely the
                # main one; its routes are judged one by one
                continue
            routes = sorted({f"{'/'.join(e.methods)} {e.path}" for e in group if not e.public})
            if not routes:
                continue
            for e in group:
                by_handler.pop((e.file, e.line), None)
            switch = next((m for m in switched if m["file"] == path), None)
            if switch is not None:
                # the app is the one a switched credential middleware is added to: its routes are guarded like
                # the others when the switch is on, and the one finding at the switch names them
                switch.setdefault("open", []).extend(routes)
                continue
            line = self.inventory_line(path, name) or min((e.route_line or e.line for e in group if e.file == path), default=1)
            tooling = next((part for part in path.split("/")[:-1] if _TOOLING.match(part) or _WIZARD.match(part)),
                           None)
            if not tooling and all(set(e.methods) <= {"POST", "PUT"} and e.fn.get("acknowledges") for e in group):
                # a collector (telemetry, beacons, logs): callers only add data and read nothing stored back
                out.append(self.finding(path, line, f"none of the {len(routes)} route(s) of {name} "
                                        f"({'; '.join(routes[:3])}) authenticates and the app has no login, but each "
                                        "only takes data in and answers a fixed acknowledgement (a collector: "
                                        "telemetry, beacons), so anonymous callers read nothing stored; whether "
                                        "anyone may submit is not traced", level="note", symbol=name,
                                        snippet=" ".join(routes), rule_id="BA-AUTH-001/app-without-auth",
                                        properties={"routes": routes}))
                continue
            out.append(self.finding(path, line, f"none of the {len(routes)} route(s) of {name} ({'; '.join(routes[:3])}"
                                    f"{' ...' if len(routes) > 3 else ''}) authenticates and the app has no login: "
                                    "if it is an internal service reached only through a private network, declare "
                                    "its paths public; otherwise add authentication" + (
                                        f" (it lives under {tooling}/, where a mock or load-test server is usual: "
                                        "whether it is ever deployed is not traced)" if tooling and not
                                        _WIZARD.match(tooling) else
                                        f" (it lives under {tooling}/, where a setup or configuration wizard "
                                        "(public to whoever installs the product) is usual: whether it holds "
                                        "anyone's data is not traced)" if tooling else ""),
                                    level="note" if tooling else "warning", symbol=name,
                                    snippet=" ".join(routes), rule_id="BA-AUTH-001/app-without-auth",
                                    properties={"routes": routes}))
        return out

    def inventory_line(self, path: str, name: str) -> int:
        return self._facts.get(path, {}).get("web", {}).get("routers", {}).get(name, {}).get("line", 0)

    def _declared_open(self, groups: dict[tuple[str, int], list]) -> list:
        """`permission_classes = []` / `[AllowAny]` is a deliberate public declaration and not a missing check;
        on a view that updates or deletes it is worth a second look."""
        out = []
        for (path, line), group in sorted(groups.items()):
            if all(secret_path_param(e.path) for e, _ in group):
                continue  # declared public and addressed by a key in its URL: a client SDK's or a link's own route
            routes = sorted({f"{'/'.join(m)} {e.path}" for e, m in group})
            e = group[0][0]
            out.append(self.finding(path, line, f"{'; '.join(routes[:3])}{' ...' if len(routes) > 3 else ''} "
                                    f"({e.handler}) is declared {e.auth} yet updates or deletes data: make sure "
                                    "anonymous callers may do that", level="warning", symbol=e.handler,
                                    snippet=" ".join(routes), rule_id="BA-AUTH-001/declared-public",
                                    properties={"routes": routes}))
        return out

    def _undecided(self, groups: dict[tuple[str, int], list], untraced: dict[str, Any]) -> list:
        """Endpoints whose auth cannot be told: a note saying why, never a missing-auth warning (the module
        that would tell was skipped; a guard this analysis could not follow, on the route or its siblings; a
        GraphQL endpoint checks per resolver)."""
        out = []
        for (path, line), group in sorted(groups.items()):
            routes = sorted({f"{'/'.join(m)} {e.path}" for e, m in group})
            e = group[0][0]
            if e.auth == "none":
                sibling = untraced[e.file]
                why = (f"has auth that cannot be told: guard not traced on the routes beside it ({sibling.handler}: "
                       f"{sibling.auth[len(UNTRACED):]}); this one shows no guard at all, so it is public or "
                       "guarded the same way out of sight")
                sub = "unknown"
            elif e.auth.startswith("graphql:"):
                why = "is a GraphQL endpoint: authentication is checked per resolver, which this rule does not " \
                      "model; review the resolvers and mutations"
                sub = "graphql"
            else:
                why = f"has auth that cannot be told: {e.auth[len('unknown: '):]}" + (
                    " (fix that file so it parses)" if e.auth.endswith("was not analysed") else "")
                sub = "unknown"
            out.append(self.finding(path, line, f"{'; '.join(routes[:3])}{' ...' if len(routes) > 3 else ''} "
                                    f"({e.handler}) {why}", level="note", symbol=e.handler,
                                    snippet=" ".join(routes), rule_id=f"BA-AUTH-001/{sub}",
                                    properties={"routes": routes}))
        return out

    def _rpc_anonymous_writes(self, inv) -> list:
        """The methods an RPC entry point serves that their registration declares anonymous
        (`@app_rpc_method(name=..., auth="anonymous")`) and that change stored data: an anonymous caller
        reaches them through the entry point. The author chose it (a public form's submission), so a note
        saying what it writes; an anonymous read is public by the author's word and silent."""
        if self._evidence is None or not any(e.auth.startswith("rpc:") for e in inv.endpoints):
            return []
        out = []
        for m in self._evidence.rpc_methods():
            if not declared_anonymous(m) or not self._function_stores(m["path"], m["qualname"], 0):
                continue
            out.append(self.finding(
                m["path"], m["line"], f"RPC method {m['name']} ({m['qualname']}) is registered for anonymous "
                f"callers (auth={m['declared']!r}) and changes stored data: anyone who can reach the entry point "
                "calls it; whether it is meant for anyone (a public form's submission) or should take a login is "
                f"not traced", level="note", symbol=m["qualname"], snippet=f"auth={m['declared']!r}",
                rule_id="BA-AUTH-001/rpc-anonymous"))
        return out

    def _left_out_actions(self, inv) -> list:
        """A detail action that changes a record, left out of the actions the viewset's `get_permissions` adds
        its own permissions for (`if self.action in ["destroy", "kill"]: append(IsObjectOwner())`): it keeps the
        default (a login) where its siblings also check whose record it is. A note: the record lookup may be
        scoped to the caller (`get_queryset`), which is not traced."""
        out = []
        for e in inv.endpoints:
            methods = STATE_CHANGING & set(e.methods)
            if not e.auth.startswith(f"{PER_ACTION} (adds") or not methods or \
                    methods == {"POST"} and not self._stores(e.file, e.handler, e.fn):
                continue
            added = e.auth[len(PER_ACTION) + 2:-1]
            out.append(self.finding(
                e.file, e.line, f"{'/'.join(sorted(methods))} {e.path} ({e.handler}) changes the record its URL "
                f"names, but the viewset's get_permissions() {added}: this action keeps only the default "
                "permission, without the check its siblings add; whether get_queryset() scopes the record to the "
                "caller is not traced", level="note", symbol=e.handler, snippet=e.handler,
                rule_id="BA-AUTH-001/per-action-left-out"))
        return out

    def _drf_default_open(self, inv, opened: list[str]) -> list:
        if not any(e.drf for e in inv.endpoints):
            return []
        rf = inv.settings.get("REST_FRAMEWORK")
        if rf and isinstance(rf["value"], dict) and rf["value"].get("DEFAULT_PERMISSION_CLASSES"):
            return []
        anchor = rf or inv.settings.get("INSTALLED_APPS")
        if anchor is None:
            return []  # settings were not scanned: nothing to say about the default
        if opened:
            tail = (f": {', '.join(opened[:3])}{' ...' if len(opened) > 3 else ''} rel"
                    f"{'ies' if len(opened) == 1 else 'y'} on it and {'is' if len(opened) == 1 else 'are'} reported")
        else:
            # every view sets its own permission_classes, or the ones left on the default are public by design
            # (a recovery step, a schema): an open default for the next view, a hardening gap
            tail = ("; no view reported at warning or error relies on it (each sets its own permission_classes or "
                    "is public by design): a hardening gap for the next view")
        return [self.finding(anchor["file"], anchor["line"], "REST_FRAMEWORK sets no DEFAULT_PERMISSION_CLASSES: DRF "
                             "falls back to AllowAny, so every view without permission_classes is public" + tail,
                             rule_id="BA-AUTH-001/drf-default-open", level="warning" if opened else "note",
                             snippet="DEFAULT_PERMISSION_CLASSES")]
