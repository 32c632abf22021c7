"""Flask endpoints of an invoicing API that accepts XML (UBL) documents."""

import xml.sax
from xml.sax.handler import feature_external_ges

import defusedxml.ElementTree as SafeET
from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)
TRUSTING_PARSER = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
HARDENED_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


class TotalHandler(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def startElement(self, name, attrs):
        self.count += name == "InvoiceLine"


@app.post("/invoices")
def upload_invoice():
    doc = etree.fromstring(request.data, parser=TRUSTING_PARSER)  # vuln: xxe
    return jsonify(id=doc.findtext("ID"))


@app.post("/invoices-hardened")
def upload_invoice_hardened():
    doc = etree.fromstring(request.data, parser=HARDENED_PARSER)  # safe: xxe
    return jsonify(id=doc.findtext("ID"))


@app.post("/invoices-defused")
def upload_invoice_defused():
    doc = SafeET.fromstring(request.data)  # safe: xxe
    return jsonify(id=doc.findtext("ID"))


@app.post("/invoices-dtd")
def upload_invoice_dtd():
    parser = etree.XMLParser(load_dtd=True, dtd_validation=True, resolve_entities=True)
    doc = etree.fromstring(request.get_data(), parser)  # vuln: xxe
    return jsonify(id=doc.findtext("ID"))


@app.post("/invoices/count")
def count_lines():
    handler = TotalHandler()
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.feed(request.data)  # vuln: xxe
    return jsonify(lines=handler.count)


@app.post("/invoices/count-default")
def count_lines_default():
    handler = TotalHandler()
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(handler)
    parser.feed(request.data)  # safe: xxe
    return jsonify(lines=handler.count)


@app.post("/invoices/xslt")
def transform():
    doc = etree.parse(request.files["doc"], etree.XMLParser(resolve_entities=True))  # vuln: xxe
    return jsonify(root=doc.getroot().tag)


@app.post("/invoices/xslt-safe")
def transform_safe():
    doc = etree.parse(request.files["doc"], etree.XMLParser(resolve_entities=False, no_network=True))  # safe: xxe
    return jsonify(root=doc.getroot().tag)
