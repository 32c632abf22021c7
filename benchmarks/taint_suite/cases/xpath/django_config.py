"""Django views reading an XML configuration store (ElementTree and lxml)."""

import xml.etree.ElementTree as ET

from django.http import HttpResponseBadRequest, JsonResponse
from django.views import View
from lxml import etree
from rest_framework.response import Response
from rest_framework.views import APIView

TREE = ET.parse("/srv/config/tenants.xml")
DOC = etree.parse("/srv/config/tenants.xml")


def tenant(request):
    slug = request.GET["slug"]
    node = TREE.getroot().find(f".//tenant[@slug='{slug}']")  # vuln: xpath
    return JsonResponse({"plan": node.get("plan") if node is not None else None})


def tenant_checked(request):
    slug = request.GET["slug"]
    if not slug.isidentifier():
        return HttpResponseBadRequest("bad slug")
    node = TREE.getroot().find(f".//tenant[@slug='{slug}']")  # safe: xpath
    return JsonResponse({"plan": node.get("plan") if node is not None else None})


def tenant_users(request):
    role = request.GET.get("role", "admin")
    users = TREE.getroot().findall(".//tenant/user[@role='%s']" % role)  # vuln: xpath
    return JsonResponse({"users": [u.get("name") for u in users]})


def tenant_users_all(request):
    role = request.GET.get("role", "admin")
    users = [u for u in TREE.getroot().findall(".//tenant/user") if u.get("role") == role]  # safe: xpath
    return JsonResponse({"users": [u.get("name") for u in users]})


class TenantLimit(View):
    def get(self, request):
        self.tenant = request.GET.get("tenant", "")
        return JsonResponse({"limit": self.limit()})

    def limit(self):
        return DOC.xpath("string(//tenant[@slug='%s']/@limit)" % self.tenant)  # vuln: xpath


class TenantLimitParam(View):
    def get(self, request):
        self.tenant = request.GET.get("tenant", "")
        return JsonResponse({"limit": self.limit()})

    def limit(self):
        return DOC.xpath("string(//tenant[@slug=$t]/@limit)", t=self.tenant)  # safe: xpath


class FeatureAPI(APIView):
    def get(self, request):
        flag = request.query_params.get("flag", "")
        return Response(DOC.xpath(f"boolean(//features/{flag}[@enabled='true'])"))  # vuln: xpath


class FeatureFixedAPI(APIView):
    def get(self, request):
        flag = request.query_params.get("flag", "")
        return Response({"flag": flag, "on": DOC.xpath("boolean(//features/beta[@enabled='true'])")})  # safe: xpath
