"""Django views of a media app that drive ffmpeg and ImageMagick."""

import shlex
import subprocess

from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

FORMATS = ("mp4", "webm", "ogg")


def transcode(request):
    src = request.POST["source"]
    fmt = request.POST.get("format", "mp4")
    cmd = "ffmpeg -i /media/in/" + src + " /media/out/clip." + fmt
    subprocess.Popen(cmd, shell=True)  # vuln: command
    return JsonResponse({"queued": True})


def transcode_argv(request):
    src = request.POST["source"]
    fmt = request.POST.get("format", "mp4")
    subprocess.Popen(["ffmpeg", "-i", f"/media/in/{src}", f"/media/out/clip.{fmt}"])  # safe: command
    return JsonResponse({"queued": True})


def thumbnail(request, media_id):
    size = request.GET.get("size", "128x128")
    subprocess.call(f"convert /media/{media_id}.jpg -resize {size} /media/thumbs/{media_id}.jpg", shell=True)  # vuln: command
    return JsonResponse({"ok": True})


def thumbnail_checked(request, media_id):
    size = request.GET.get("size", "128x128")
    width, _, height = size.partition("x")
    if not (width.isdigit() and height.isdigit()):
        return HttpResponseBadRequest("size is WIDTHxHEIGHT")
    subprocess.call(f"convert /media/{int(media_id)}.jpg -resize {size} /media/t/{int(media_id)}.jpg", shell=True)  # safe: command
    return JsonResponse({"ok": True})


class ExportView(View):
    def dispatch(self, request, *args, **kwargs):
        self.fmt = request.GET.get("fmt", "csv")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        subprocess.run(f"/opt/export/run --format {self.fmt}", shell=True, check=True)  # vuln: command
        return JsonResponse({"ok": True})


class ExportQuotedView(View):
    def dispatch(self, request, *args, **kwargs):
        self.fmt = shlex.quote(request.GET.get("fmt", "csv"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        subprocess.run(f"/opt/export/run --format {self.fmt}", shell=True, check=True)  # safe: command
        return JsonResponse({"ok": True})


class ConvertAPI(APIView):
    def post(self, request):
        fmt = request.data.get("format")
        if fmt not in FORMATS:
            return Response({"error": "unsupported format"}, status=400)
        subprocess.run(f"ffmpeg -i /media/in.raw /media/out.{fmt}", shell=True, check=True)  # safe: command
        return Response(status=202)


class ConvertAnyAPI(APIView):
    def post(self, request):
        fmt = request.data.get("format")
        subprocess.run(f"ffmpeg -i /media/in.raw /media/out.{fmt}", shell=True, check=True)  # vuln: command
        return Response(status=202)


class GitTagAPI(APIView):
    def post(self, request):
        tag = request.data["tag"]
        subprocess.run("git tag " + tag, shell=True, cwd="/srv/repo", check=True)  # vuln: command
        return Response(status=201)


class GitTagArgvAPI(APIView):
    def post(self, request):
        tag = request.data["tag"]
        subprocess.run(["git", "tag", "--", tag], cwd="/srv/repo", check=True)  # safe: command
        return Response(status=201)


urlpatterns = [
    path("media/<str:media_id>/thumbnail", thumbnail),
    path("media/<str:media_id>/thumbnail-checked", thumbnail_checked),
]
