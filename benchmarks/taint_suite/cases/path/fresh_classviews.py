"""Class-based views serving and writing files."""

import os

from django.http import FileResponse
from django.views import View
from flask import abort, request, send_file
from flask.views import MethodView
from rest_framework import viewsets
from rest_framework.response import Response

DOCS = "/srv/docs"


class DocView(MethodView):
    def get(self):
        lang = request.args.get("lang", "en")
        return send_file(os.path.join(DOCS, lang, "index.html"))  # vuln: path


class DocLangView(MethodView):
    LANGS = ("en", "de", "fr")

    def get(self):
        lang = request.args.get("lang", "en")
        if lang not in self.LANGS:
            abort(404)
        return send_file(os.path.join(DOCS, lang, "index.html"))  # safe: path


class AttachmentView(View):
    def get(self, request, *args, **kwargs):
        name = kwargs.get("name") or request.GET["name"]
        return FileResponse(open(os.path.join("/srv/attachments", name), "rb"))  # vuln: path


class NoteViewSet(viewsets.ViewSet):
    def create(self, request):
        title = "".join(c for c in request.data["title"] if c.isalnum())[:40] or "note"
        with open(os.path.join("/srv/notes", title + ".md"), "w") as fh:  # safe: path
            fh.write(request.data.get("body", ""))
        return Response(status=201)
