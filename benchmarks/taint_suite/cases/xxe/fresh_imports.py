"""Flask and Django handlers importing XML exports from partner systems."""

import io
import xml.sax

import xmltodict
from django.http import JsonResponse
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
LOOSE = etree.XMLParser(resolve_entities=True, load_dtd=True)
STRICT = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


class Counter(xml.sax.ContentHandler):
    count = 0

    def startElement(self, name, attrs):
        self.count += 1


@app.post("/partners/orders")
def partner_orders():
    return {"orders": len(etree.XML(request.data, LOOSE))}  # vuln: xxe


@app.post("/partners/orders-strict")
def partner_orders_strict():
    return {"orders": len(etree.XML(request.data, STRICT))}  # safe: xxe


@app.post("/partners/orders-dict")
def partner_orders_dict():
    return {"orders": len(xmltodict.parse(request.data).get("orders", {}))}  # safe: xxe


@app.post("/partners/stock")
def partner_stock():
    tree = etree.parse(io.BytesIO(request.data), etree.XMLParser(load_dtd=True, no_network=False))  # vuln: xxe
    return {"items": len(tree.getroot())}


def partner_count(request):
    handler = Counter()
    xml.sax.parseString(request.body, handler)  # safe: xxe
    return JsonResponse({"elements": handler.count})


def partner_count_entities(request):
    handler = Counter()
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.parse(io.BytesIO(request.body))  # vuln: xxe
    return JsonResponse({"elements": handler.count})
