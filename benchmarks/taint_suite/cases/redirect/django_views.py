"""Django views of an account area."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from rest_framework.views import APIView


def switch_language(request):
    lang = request.POST.get("language", "en")
    response = HttpResponseRedirect(request.POST.get("next", "/"))  # vuln: redirect
    response.set_cookie("lang", lang, secure=True, httponly=True, samesite="Lax")
    return response


def switch_language_checked(request):
    lang = request.POST.get("language", "en")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=True):
        next_url = "/"
    response = HttpResponseRedirect(next_url)  # safe: redirect
    response.set_cookie("lang", lang, secure=True, httponly=True, samesite="Lax")
    return response


def shortlink(request, code):
    target = request.GET.get("to")
    return redirect(target)  # vuln: redirect


def shortlink_named(request, code):
    return redirect("shortlink-detail", code=code)  # safe: redirect


class ReturnView(View):
    def get(self, request):
        self.back = request.META.get("HTTP_REFERER", "/")
        return self.finish()

    def finish(self):
        return HttpResponseRedirect(self.back)  # vuln: redirect


class ReturnHomeView(View):
    def get(self, request):
        self.back = settings.LOGIN_REDIRECT_URL
        self.requested = request.META.get("HTTP_REFERER", "/")
        return self.finish()

    def finish(self):
        return HttpResponseRedirect(self.back)  # safe: redirect


class SsoAPI(APIView):
    def get(self, request):
        return redirect(f"{request.query_params['idp']}/sso?app=tickets")  # vuln: redirect


class SsoFixedAPI(APIView):
    def get(self, request):
        return redirect(f"{settings.IDP_URL}/sso?app=tickets&hint={request.query_params.get('hint', '')}")  # safe: redirect


urlpatterns = [
    path("s/<str:code>", shortlink),
    path("s-named/<str:code>", shortlink_named),
]
