"""Class-based views that answer with HTML fragments."""

import html

from django.http import HttpResponse
from django.views import View
from flask import request
from flask.views import MethodView
from markupsafe import Markup


class PreviewView(MethodView):
    def post(self):
        body = request.form.get("body", "")
        return Markup(f"<article>{body.strip()}</article>")  # vuln: xss


class PreviewEscapedView(MethodView):
    def post(self):
        body = html.escape(request.form.get("body", ""), quote=True)
        return Markup(f"<article>{body.strip()}</article>")  # safe: xss


class GreetingView(View):
    def get(self, request):
        name = request.GET.get("name", "")
        return HttpResponse("<h1>Hello, %s</h1>" % name.title())  # vuln: xss


class GreetingCountView(View):
    def get(self, request):
        name = request.GET.get("name", "")
        return HttpResponse("<h1>Hello, visitor %d</h1>" % len(name))  # safe: xss
