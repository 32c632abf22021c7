"""Flask and Django error pages that echo the request."""

from django.http import HttpResponseNotFound
from flask import Flask, request

app = Flask(__name__)


@app.errorhandler(404)
def not_found(error):
    return f"<h1>Not found</h1><p>{request.path} does not exist</p>", 404  # vuln: xss


def page_not_found(request, exception=None):
    return HttpResponseNotFound("<h1>Not found</h1><p>%s</p>" % request.GET.get("from", ""))  # vuln: xss
