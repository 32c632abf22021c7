"""Flask and Django views that render small HTML fragments themselves."""

from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from flask import Flask, make_response, request
from jinja2 import Environment
from markupsafe import Markup

app = Flask(__name__)
raw_env = Environment(autoescape=False)
html_env = Environment(autoescape=True)


@app.get("/card")
def card():
    return raw_env.from_string("<div>{{ title }}</div>").render(title=request.args.get("title", ""))  # vuln: xss


@app.get("/card-escaped")
def card_escaped():
    return html_env.from_string("<div>{{ title }}</div>").render(title=request.args.get("title", ""))  # safe: xss


@app.get("/tag")
def tag():
    return Markup("<i>%s</i>") % request.args.get("tag", "")  # safe: xss


@app.get("/tag-raw")
def tag_raw():
    return Markup("<i>%s</i>" % request.args.get("tag", ""))  # vuln: xss


@app.get("/notice")
def notice():
    resp = make_response("<p class='notice'>" + request.cookies.get("notice", "") + "</p>")  # vuln: xss
    resp.mimetype = "text/html"
    return resp


def author_line(request):
    return HttpResponse(format_html("<span>by {}</span>", mark_safe(request.GET.get("author", ""))))  # vuln: xss


def author_line_escaped(request):
    return HttpResponse(format_html("<span>by {}</span>", request.GET.get("author", "")))  # safe: xss


def author_count(request):
    authors = request.GET.getlist("author")
    return HttpResponse(mark_safe(f"<span>{len(authors)} authors</span>"))  # safe: xss
