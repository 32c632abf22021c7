"""BA-AUTH-006, URLconf half: `csrf_exempt(SomeView.as_view())` judged by the class it wraps.

The file check (sessions.py) leaves these findings under `csrf_exempt_views` with the view's name as written;
the class is often in another module, so it is read here through the semantic model. CSRF only matters for
a request that changes something: a class view that answers nothing but GET (a DetailView, a TemplateView, a
View with only `get`) turns every POST into a 405, so the exemption opens nothing. A view addressed by a
secret in its URL (`order/<pk>/<key>/`, a payment provider's return callback) cannot be forged by a site
that does not know that secret: a note.
"""

from __future__ import annotations

import re
from typing import Any

from ..findings import Finding
from .base import ProjectCheck

# Django's generic views that define no handler for a state-changing method
_READ_ONLY_BASES = frozenset({
    "django.views.View", "django.views.generic.View", "django.views.generic.base.View",
    "django.views.generic.TemplateView", "django.views.generic.base.TemplateView",
    "django.views.generic.base.ContextMixin", "django.views.generic.base.TemplateResponseMixin",
    "django.views.generic.DetailView", "django.views.generic.detail.DetailView",
    "django.views.generic.detail.BaseDetailView", "django.views.generic.detail.SingleObjectMixin",
    "django.views.generic.detail.SingleObjectTemplateResponseMixin",
    "django.views.generic.ListView", "django.views.generic.list.ListView", "django.views.generic.list.BaseListView",
    "django.views.generic.list.MultipleObjectMixin", "django.views.generic.list.MultipleObjectTemplateResponseMixin",
    "object", "builtins.object",
})
_WRITE_HANDLERS = frozenset({"post", "put", "patch", "delete", "dispatch"})
# a route parameter that is a secret of the object it addresses
_SECRET_PARAM = re.compile(r"\(\?P<(\w*(?:key|secret|token|signature|hash)\w*)>|<(?:\w+:)?(\w*(?:key|secret|token|"
                           r"signature|hash)\w*)>", re.I)


class CsrfExemptClassView(ProjectCheck):
    RULE_ID = "BA-AUTH-006"

    def run(self, project: Any) -> list[Finding]:
        deferred = [(path, f) for path in sorted(project.facts) for f in project.facts[path].get("csrf_exempt_views", ())]
        if not deferred:
            return []
        sm = getattr(project, "semantic", None)
        out = []
        for path, data in deferred:
            finding = Finding.from_dict(data)
            props = finding.properties
            view, route = props.get("view", ""), props.get("route", "")
            finding.properties = {}
            module = sm.module_of(path) if sm is not None else None
            symbol = sm.resolve(module, view) if module else None
            if symbol is not None and symbol.kind == "class" and self._answers_reads_only(sm, symbol.qualname):
                continue  # a POST to it is a 405: nothing for a forged request to do
            secret = _SECRET_PARAM.search(route or "")
            if secret:
                name = secret.group(1) or secret.group(2)
                finding.level = "note"
                finding.message = (f"csrf_exempt(...) on {view}, addressed by a secret in its URL ({name}): a forged "
                                   "cross-site request needs that secret (a payment provider's callback is the usual "
                                   "reason); if the secret is shown to other sites, send the CSRF token instead")
            out.append(finding)
        return out

    @staticmethod
    def _answers_reads_only(sm: Any, qualname: str) -> bool:
        """Every class along the MRO is known and none defines a handler of a state-changing method."""
        for name in sm.mro(qualname):
            info = sm.class_(name)
            if info is None:
                if name not in _READ_ONLY_BASES:
                    return False  # an external base we do not know (FormView, APIView) or a skipped module
                continue
            if _WRITE_HANDLERS & set(info.methods):
                return False
        return True
