"""Django views using python-ldap for group lookups."""

import ldap
from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.views import View
from ldap.filter import escape_filter_chars, filter_format
from rest_framework.response import Response
from rest_framework.views import APIView


def groups(request):
    member = request.GET["member"]
    conn = ldap.initialize(settings.LDAP_URI)
    result = conn.search_s("ou=groups,dc=corp", ldap.SCOPE_SUBTREE, f"(member=uid={member},ou=people,dc=corp)")  # vuln: ldap
    return JsonResponse({"groups": [dn for dn, _ in result]})


def groups_formatted(request):
    member = request.GET["member"]
    conn = ldap.initialize(settings.LDAP_URI)
    flt = filter_format("(member=uid=%s,ou=people,dc=corp)", [member])
    result = conn.search_s("ou=groups,dc=corp", ldap.SCOPE_SUBTREE, flt)  # safe: ldap
    return JsonResponse({"groups": [dn for dn, _ in result]})


def group_members(request, group):
    conn = ldap.initialize(settings.LDAP_URI)
    result = conn.search_s("ou=groups,dc=corp", ldap.SCOPE_ONELEVEL, "(cn=" + group + ")", ["member"])  # vuln: ldap
    return JsonResponse({"members": result[0][1].get("member", []) if result else []})


def group_members_checked(request, group):
    if not group.isalnum():
        return HttpResponseBadRequest("bad group")
    conn = ldap.initialize(settings.LDAP_URI)
    result = conn.search_s("ou=groups,dc=corp", ldap.SCOPE_ONELEVEL, "(cn=" + group + ")", ["member"])  # safe: ldap
    return JsonResponse({"members": result[0][1].get("member", []) if result else []})


class MailLookup(View):
    def get(self, request):
        self.mail = request.GET.get("mail", "")
        return JsonResponse({"dn": self.lookup()})

    def lookup(self):
        conn = ldap.initialize(settings.LDAP_URI)
        result = conn.search_s("dc=corp", ldap.SCOPE_SUBTREE, f"(mail={self.mail})", ["dn"])  # vuln: ldap
        return result[0][0] if result else None


class MailLookupEscaped(View):
    def get(self, request):
        self.mail = escape_filter_chars(request.GET.get("mail", ""))
        return JsonResponse({"dn": self.lookup()})

    def lookup(self):
        conn = ldap.initialize(settings.LDAP_URI)
        result = conn.search_s("dc=corp", ldap.SCOPE_SUBTREE, f"(mail={self.mail})", ["dn"])  # safe: ldap
        return result[0][0] if result else None


class PhoneAPI(APIView):
    def get(self, request):
        attrs = {"filter": f"(telephoneNumber={request.query_params['phone']})", "base": "dc=corp"}
        conn = ldap.initialize(settings.LDAP_URI)
        return Response(conn.search_s(attrs["base"], ldap.SCOPE_SUBTREE, attrs["filter"]))  # vuln: ldap


class PhoneBaseAPI(APIView):
    def get(self, request):
        attrs = {"filter": "(objectClass=person)", "base": "dc=corp", "phone": request.query_params["phone"]}
        conn = ldap.initialize(settings.LDAP_URI)
        return Response(conn.search_s(attrs["base"], ldap.SCOPE_SUBTREE, attrs["filter"]))  # safe: ldap


urlpatterns = [
    path("groups/<str:group>/members", group_members),
    path("groups-checked/<str:group>/members", group_members_checked),
]
