"""Django views serving user media and exports."""

import os
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.urls import path as route
from django.utils._os import safe_join
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

EXPORT_ROOT = Path("/srv/exports")


def media(request):
    path = request.GET["path"]
    return FileResponse(open(os.path.join(settings.MEDIA_ROOT, path), "rb"))  # vuln: path


def media_safe_join(request):
    path = safe_join(settings.MEDIA_ROOT, request.GET["path"])
    return FileResponse(open(path, "rb"))  # safe: path


def export(request, name):
    return FileResponse((EXPORT_ROOT / name).open("rb"))  # vuln: path


def export_by_id(request, export_id):
    return FileResponse((EXPORT_ROOT / f"{int(export_id)}.csv").open("rb"))  # safe: path


def avatar(request):
    kind = request.GET.get("kind", "small")
    filename = {"small": "64.png", "large": "256.png"}.get(kind, "64.png")
    return HttpResponse(Path(settings.MEDIA_ROOT, "avatars", str(request.user.pk), filename).read_bytes())  # safe: path


class LogView(View):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.logfile = request.GET.get("file", "app.log")

    def get(self, request):
        return HttpResponse(open(f"/var/log/app/{self.logfile}").read(), content_type="text/plain")  # vuln: path


class LogTailView(View):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.logfile = "app.log"
        self.lines = int(request.GET.get("lines", "100"))

    def get(self, request):
        text = open(f"/var/log/app/{self.logfile}").read().splitlines()[-self.lines:]  # safe: path
        return HttpResponse("\n".join(text), content_type="text/plain")


class ReportFileAPI(APIView):
    def get(self, request):
        name = request.query_params.get("name", "")
        if not name.isalnum():
            raise Http404
        return Response(Path("/srv/reports", name + ".json").read_text())  # safe: path


class ReportFileDeleteAPI(APIView):
    def delete(self, request):
        name = request.query_params.get("name", "")
        Path("/srv/reports", name + ".json").unlink()  # vuln: path
        return Response(status=204)


urlpatterns = [
    route("exports/<path:name>", export),
    route("exports/by-id/<str:export_id>", export_by_id),
]
