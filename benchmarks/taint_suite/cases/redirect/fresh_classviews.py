"""Class-based views that redirect after an action."""

from django.http import HttpResponseRedirect
from django.views import View
from flask import redirect, request, url_for
from flask.views import MethodView


class ContinueView(MethodView):
    def get(self):
        return redirect(request.args.get("continue") or url_for("index"))  # vuln: redirect


class ContinueNamedView(MethodView):
    PAGES = {"home": "index", "profile": "profile"}

    def get(self):
        return redirect(url_for(self.PAGES.get(request.args.get("continue"), "index")))  # safe: redirect


class UnsubscribeView(View):
    def post(self, request):
        self.back = request.POST.get("back", "/")
        return self.done()

    def done(self):
        return HttpResponseRedirect(self.back)  # vuln: redirect


class UnsubscribeHomeView(View):
    def post(self, request):
        self.back = "/newsletters/"
        self.reason = request.POST.get("reason", "")
        return self.done()

    def done(self):
        return HttpResponseRedirect(self.back)  # safe: redirect
