"""Django and DRF views of an internal admin console."""

import ast
import base64

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Order

ALLOWED_FIELDS = {"total", "tax", "shipping"}


def evaluate(request):
    expression = request.POST.get("expression", "0")
    return JsonResponse({"value": eval(expression)})  # vuln: code


def evaluate_field(request, pk):
    order = get_object_or_404(Order, pk=pk)
    field = request.GET.get("field", "total")
    if field not in ALLOWED_FIELDS:
        return HttpResponseBadRequest("unknown field")
    return JsonResponse({"value": eval(f"order.{field}", {"order": order})})  # safe: code


def evaluate_field_unchecked(request, pk):
    order = get_object_or_404(Order, pk=pk)
    field = request.GET.get("field", "total")
    return JsonResponse({"value": eval(f"order.{field}", {"order": order})})  # vuln: code


def load_settings(request):
    blob = base64.b64decode(request.COOKIES.get("prefs", "e30="))
    return JsonResponse({"prefs": eval(blob.decode())})  # vuln: code


def load_settings_literal(request):
    blob = base64.b64decode(request.COOKIES.get("prefs", "e30="))
    return JsonResponse({"prefs": ast.literal_eval(blob.decode())})  # safe: code


class ScriptView(View):
    def post(self, request):
        script = request.body.decode()
        exec(script, {})  # vuln: code
        return JsonResponse({"ran": True})


class HealthScriptView(View):
    def post(self, request):
        label = request.body.decode()[:32]
        exec("import platform\nresult = platform.python_version()", scope := {})  # safe: code
        return JsonResponse({"label": label, "python": scope["result"]})


class FilterAPI(APIView):
    def post(self, request):
        predicate = request.data["predicate"]
        rows = [r for r in request.data["rows"] if eval(predicate, {}, {"row": r})]  # vuln: code
        return Response(rows)


class FilterByFieldAPI(APIView):
    def post(self, request):
        wanted = str(request.data["wanted"])
        rows = [r for r in request.data["rows"] if eval("row['status'] == wanted", {}, {"row": r, "wanted": wanted})]  # safe: code
        return Response(rows)
