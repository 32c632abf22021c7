"""Django and DRF views that fetch remote resources for users."""

from urllib.parse import urlparse

import httpx
import requests
from django.http import HttpResponseBadRequest, JsonResponse
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

ALLOWED_SCHEMES = {"https"}
IMPORT_HOSTS = ("files.example.com", "cdn.example.com")


def import_csv(request):
    source = request.POST["source_url"]
    data = requests.get(source, timeout=10).text  # vuln: ssrf
    return JsonResponse({"rows": len(data.splitlines())})


def import_csv_checked(request):
    source = request.POST["source_url"]
    parsed = urlparse(source)
    if parsed.scheme not in ALLOWED_SCHEMES or parsed.hostname not in IMPORT_HOSTS:
        return HttpResponseBadRequest("unsupported source")
    data = requests.get(source, timeout=10).text  # safe: ssrf
    return JsonResponse({"rows": len(data.splitlines())})


def import_csv_scheme_only(request):
    source = request.POST["source_url"]
    if urlparse(source).scheme not in ALLOWED_SCHEMES:
        return HttpResponseBadRequest("https only")
    data = requests.get(source, timeout=10).text  # vuln: ssrf
    return JsonResponse({"rows": len(data.splitlines())})


class OEmbedView(View):
    def get(self, request):
        url = request.GET["url"]
        with httpx.Client(timeout=5) as client:
            return JsonResponse(client.get(url).json())  # vuln: ssrf


class OEmbedFixedView(View):
    def get(self, request):
        url = request.GET["url"]
        with httpx.Client(timeout=5) as client:
            return JsonResponse(client.get("https://www.youtube.com/oembed", params={"url": url}).json())  # safe: ssrf


class ProxyAPI(APIView):
    def post(self, request):
        endpoint = request.data.get("endpoint", "")
        return Response(httpx.post(f"http://{endpoint}/internal/sync", timeout=5).json())  # vuln: ssrf


class ProxyFixedAPI(APIView):
    def post(self, request):
        item_id = int(request.data.get("item_id", 0))
        return Response(httpx.post(f"http://inventory.internal/items/{item_id}/sync", timeout=5).json())  # safe: ssrf
