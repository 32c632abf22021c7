"""Flask, FastAPI and DRF endpoints that accept SVG, XLSX-like and RSS XML."""

import xml.dom.minidom
import xml.sax

from fastapi import APIRouter, UploadFile
from flask import Flask, request
from lxml import etree
from rest_framework.response import Response
from rest_framework.views import APIView

app = Flask(__name__)
router = APIRouter()
LEGACY_DTD_SUPPORT = False


@app.post("/svg")
def upload_svg():
    parser = etree.XMLParser(resolve_entities=True, huge_tree=True)
    svg = etree.fromstring(request.files["svg"].read(), parser)  # vuln: xxe
    return {"width": svg.get("width")}


@app.post("/svg-safe")
def upload_svg_safe():
    parser = etree.XMLParser(resolve_entities=False, huge_tree=False)
    svg = etree.fromstring(request.files["svg"].read(), parser)  # safe: xxe
    return {"width": svg.get("width")}


@app.post("/svg-legacy")
def upload_svg_legacy():
    data = request.files["svg"].read()
    if LEGACY_DTD_SUPPORT:
        return {"root": etree.fromstring(data, etree.XMLParser(load_dtd=True, resolve_entities=True)).tag}  # safe: xxe
    return {"root": etree.fromstring(data, etree.XMLParser(resolve_entities=False)).tag}


@router.post("/rss")
async def upload_rss(file: UploadFile):
    tree = etree.parse(file.file, etree.XMLParser(no_network=False, resolve_entities=True))  # vuln: xxe
    return {"items": len(tree.findall(".//item"))}


@router.post("/rss-iter")
async def upload_rss_iter(file: UploadFile):
    count = sum(1 for _ in etree.iterparse(file.file, tag="item", resolve_entities=True, load_dtd=True))  # vuln: xxe
    return {"items": count}


@router.post("/rss-iter-safe")
async def upload_rss_iter_safe(file: UploadFile):
    count = sum(1 for _ in etree.iterparse(file.file, tag="item", resolve_entities=False, no_network=True))  # safe: xxe
    return {"items": count}


class SheetAPI(APIView):
    def post(self, request):
        parser = xml.sax.make_parser()
        parser.setFeature(xml.sax.handler.feature_external_ges, True)
        doc = xml.dom.minidom.parseString(request.data["sheet"], parser)  # vuln: xxe
        return Response({"root": doc.documentElement.tagName})


class SheetDefaultAPI(APIView):
    def post(self, request):
        doc = xml.dom.minidom.parseString(request.data["sheet"])  # safe: xxe
        return Response({"root": doc.documentElement.tagName})


class SheetLxmlAPI(APIView):
    def post(self, request):
        doc = etree.fromstring(request.data["sheet"].encode(), etree.XMLParser(dtd_validation=True, load_dtd=True))  # vuln: xxe
        return Response({"root": doc.tag})
