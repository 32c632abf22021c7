"""Django and DRF views that read SAML-ish and SOAP XML payloads."""

import xml.dom.pulldom
import xml.etree.ElementTree as ET
import xml.sax

from defusedxml import minidom as safe_minidom
from django.http import JsonResponse
from django.views import View
from lxml import etree
from rest_framework.response import Response
from rest_framework.views import APIView

BUNDLED_SCHEMA = b'<!DOCTYPE s [<!ENTITY v "1.0">]><schema version="&v;"/>'


def soap_endpoint(request):
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    envelope = etree.fromstring(request.body, parser)  # vuln: xxe
    return JsonResponse({"action": envelope.tag})


def soap_endpoint_stdlib(request):
    envelope = ET.fromstring(request.body)  # safe: xxe
    return JsonResponse({"action": envelope.tag})


def schema_version(request):
    parser = etree.XMLParser(resolve_entities=True)
    schema = etree.fromstring(BUNDLED_SCHEMA, parser)  # safe: xxe
    return JsonResponse({"version": schema.get("version"), "client": request.GET.get("client", "")})


class SamlView(View):
    def post(self, request):
        self.assertion = request.POST["SAMLResponse"].encode()
        return JsonResponse({"issuer": self.issuer()})

    def issuer(self):
        parser = xml.sax.make_parser()
        parser.setFeature(xml.sax.handler.feature_external_ges, True)
        doc = xml.dom.pulldom.parseString(self.assertion, parser=parser)  # vuln: xxe
        return next(iter(doc))[1].nodeName


class SamlDefusedView(View):
    def post(self, request):
        self.assertion = request.POST["SAMLResponse"]
        return JsonResponse({"issuer": self.issuer()})

    def issuer(self):
        doc = safe_minidom.parseString(self.assertion)  # safe: xxe
        return doc.documentElement.tagName


class FeedAPI(APIView):
    def post(self, request):
        parser = etree.XMLParser(load_dtd=True, no_network=False)
        root = etree.fromstring(request.data["xml"].encode(), parser)  # vuln: xxe
        return Response({"items": len(root)})


class FeedSafeAPI(APIView):
    def post(self, request):
        parser = etree.XMLParser(load_dtd=False, resolve_entities=False, no_network=True)
        root = etree.fromstring(request.data["xml"].encode(), parser)  # safe: xxe
        return Response({"items": len(root)})
