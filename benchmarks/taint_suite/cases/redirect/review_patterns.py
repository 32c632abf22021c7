"""Redirect checks met reviewing real backends: a re-read request value, a project predicate."""

from django.shortcuts import redirect as dj_redirect
from django.views import View
from flask import Flask, redirect, request

from .urls import is_safe_url, safe_for_redirect

app = Flask(__name__)


@app.post("/login")
def login_next():
    if request.args.get("next") and is_safe_url(request.args.get("next")):
        return redirect(request.args.get("next"))  # safe: redirect
    return redirect("/")


@app.post("/login-logged")
def login_next_logged():
    if request.args.get("next") and is_safe_url(request.args.get("next")):
        app.logger.info("coming back")
    return redirect(request.args.get("next"))  # vuln: redirect


class ReturnURLView(View):
    def get_return_url(self, request):
        return_url = request.GET.get("return_url") or request.POST.get("return_url")
        if return_url and safe_for_redirect(return_url):
            return return_url
        return "/"

    def post(self, request):
        return dj_redirect(self.get_return_url(request))  # safe: redirect
