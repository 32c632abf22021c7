"""Django and DRF views that keep state in request.session."""

from django.contrib.auth import authenticate
from django.http import HttpResponseBadRequest, JsonResponse
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

LANGUAGES = ("en", "de", "fr")


def set_org(request):
    request.session["org_id"] = request.POST["org_id"]  # vuln: trust-boundary
    return JsonResponse({"ok": True})


def set_org_member(request):
    membership = request.user.memberships.filter(org_id=request.POST["org_id"]).first()
    if membership is None:
        return HttpResponseBadRequest("not a member")
    request.session["org_id"] = membership.org_id  # safe: trust-boundary
    return JsonResponse({"ok": True})


def set_language(request):
    lang = request.GET.get("lang", "en")
    if lang not in LANGUAGES:
        return HttpResponseBadRequest("unsupported")
    request.session["lang"] = lang  # safe: trust-boundary
    return JsonResponse({"ok": True})


def set_language_any(request):
    lang = request.GET.get("lang", "en")
    request.session["lang"] = lang[:5]  # vuln: trust-boundary
    return JsonResponse({"ok": True})


class LoginView(View):
    def post(self, request):
        user = authenticate(request, username=request.POST["u"], password=request.POST["p"])
        if user is None:
            return JsonResponse({"ok": False}, status=401)
        request.session["is_admin"] = user.is_staff  # safe: trust-boundary
        return JsonResponse({"ok": True})


class LoginTrustingView(View):
    def post(self, request):
        user = authenticate(request, username=request.POST["u"], password=request.POST["p"])
        if user is None:
            return JsonResponse({"ok": False}, status=401)
        request.session["is_admin"] = request.POST.get("admin") == "1" or user.is_staff  # vuln: trust-boundary
        return JsonResponse({"ok": True})


class StepAPI(APIView):
    def post(self, request):
        request.session["wizard"] = {"step": request.data["step"], "started": True}  # vuln: trust-boundary
        return Response({"ok": True})


class StepCounterAPI(APIView):
    def post(self, request):
        step = int(request.data["step"])
        request.session["wizard"] = {"step": min(max(step, 1), 5), "started": True}  # safe: trust-boundary
        return Response({"ok": True})
