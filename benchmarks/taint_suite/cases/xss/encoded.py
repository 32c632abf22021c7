"""Flask and Django handlers that round-trip text through bytes before rendering it."""

import html

from django.http import HttpResponse
from flask import Flask, request
from markupsafe import Markup

app = Flask(__name__)


@app.get("/greeting")
def greeting():
    raw = request.args.get("name", "").encode("utf-8")
    return Markup("<p>Hi " + raw.decode("utf-8") + "</p>")  # vuln: xss


@app.get("/greeting-escaped")
def greeting_escaped():
    raw = html.escape(request.args.get("name", "")).encode("utf-8")
    return Markup("<p>Hi " + raw.decode("utf-8") + "</p>")  # safe: xss


def signature(request):
    sig = request.GET.get("sig", "")[::-1].upper()
    return HttpResponse("<footer>" + sig + "</footer>")  # vuln: xss


def signature_length(request):
    sig = request.GET.get("sig", "")
    return HttpResponse("<footer>" + str(len(sig)) + " characters</footer>")  # safe: xss
