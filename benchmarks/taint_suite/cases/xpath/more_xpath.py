"""Flask, FastAPI and DRF handlers over an XML product feed and a settings document."""

import configparser

from fastapi import APIRouter, HTTPException
from flask import Flask, abort, jsonify, request
from lxml import etree
from rest_framework.response import Response
from rest_framework.views import APIView

app = Flask(__name__)
router = APIRouter()
FEED = etree.parse("/srv/feed/products.xml")
cfg = configparser.ConfigParser()
cfg.read("/etc/feed/feed.ini")
SORT_KEYS = {"price", "name"}


@app.get("/feed/brand")
def by_brand():
    brands = request.args.getlist("brand")
    expr = " or ".join(f"brand='{b}'" for b in brands)
    return jsonify([str(x) for x in FEED.xpath(f"//product[{expr}]/name/text()")])  # vuln: xpath


@app.get("/feed/brand-vars")
def by_brand_vars():
    brand = request.args.get("brand", "")
    return jsonify([str(x) for x in FEED.xpath("//product[brand=$b]/name/text()", b=brand)])  # safe: xpath


@app.get("/feed/featured")
def featured():
    expr = cfg.get("feed", "featured_xpath")
    return jsonify(asked=request.args.get("brand"), names=[str(x) for x in FEED.xpath(expr)])  # safe: xpath


@app.get("/feed/sort")
def sort_by():
    key = request.args.get("key", "name")
    if key not in SORT_KEYS:
        abort(400)
    return jsonify([str(x) for x in FEED.xpath(f"//product/{key}/text()")])  # safe: xpath


@router.get("/feed/stock")
def stock(sku: str):
    return FEED.xpath("number(//product[@sku='" + sku.strip() + "']/stock)")  # vuln: xpath


@router.get("/feed/stock-id")
def stock_by_id(pid: int):
    if pid < 0:
        raise HTTPException(400)
    return FEED.xpath(f"number(//product[@id={pid}]/stock)")  # safe: xpath


class PriceAPI(APIView):
    def get(self, request):
        currency = request.query_params.get("currency", "EUR")
        return Response(FEED.xpath("//product/price[@currency='%s']/text()" % currency))  # vuln: xpath


class PriceXPathObjectAPI(APIView):
    def get(self, request):
        currency = request.query_params.get("currency", "EUR")
        find = etree.XPath("//product/price[@currency=$c]/text()")
        return Response(find(FEED, c=currency))  # safe: xpath


class PriceByRegionAPI(APIView):
    def get(self, request):
        self.region = request.query_params.get("region", "eu")
        return Response(self.prices())

    def prices(self):
        return FEED.xpath(f"//product/price[@region='{self.region}']/text()")  # vuln: xpath
