"""Class-based views that accept XML uploads."""

from flask import request
from flask.views import MethodView
from lxml import etree


class KmlView(MethodView):
    parser = etree.XMLParser(resolve_entities=True, load_dtd=True)

    def post(self):
        root = etree.fromstring(request.data, self.parser)  # vuln: xxe
        return {"placemarks": len(root.findall(".//{*}Placemark"))}


class KmlSafeView(MethodView):
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)

    def post(self):
        root = etree.fromstring(request.data, self.parser)  # safe: xxe
        return {"placemarks": len(root.findall(".//{*}Placemark"))}
