"""Flask endpoints of a product catalogue kept in an XML feed (lxml)."""

from flask import Flask, abort, jsonify, request
from lxml import etree

app = Flask(__name__)
CATALOG = etree.parse("/srv/feed/catalog.xml")
CATEGORIES = {"books", "music", "games"}


@app.get("/products")
def products():
    name = request.args["name"]
    nodes = CATALOG.xpath(f"//product[name='{name}']/price/text()")  # vuln: xpath
    return jsonify(prices=[str(n) for n in nodes])


@app.get("/products-param")
def products_param():
    name = request.args["name"]
    nodes = CATALOG.xpath("//product[name=$name]/price/text()", name=name)  # safe: xpath
    return jsonify(prices=[str(n) for n in nodes])


@app.get("/products/category")
def by_category():
    cat = request.args.get("cat", "books")
    if cat not in CATEGORIES:
        abort(404)
    nodes = CATALOG.xpath("//product[@category='" + cat + "']/name/text()")  # safe: xpath
    return jsonify(names=[str(n) for n in nodes])


@app.get("/products/category-any")
def by_category_any():
    cat = request.args.get("cat", "books")
    nodes = CATALOG.xpath("//product[@category='" + cat + "']/name/text()")  # vuln: xpath
    return jsonify(names=[str(n) for n in nodes])


@app.get("/products/<int:pid>")
def by_id(pid):
    nodes = CATALOG.xpath(f"//product[@id={pid}]/name/text()")  # safe: xpath
    return jsonify(names=[str(n) for n in nodes])


@app.get("/products/sku/<sku>")
def by_sku(sku):
    find = etree.XPath("//product[@sku='%s']" % sku)  # vuln: xpath
    return jsonify(found=len(find(CATALOG)))


@app.get("/products/sku-param/<sku>")
def by_sku_param(sku):
    find = etree.XPath("//product[@sku=$sku]")
    return jsonify(found=len(find(CATALOG, sku=sku)))  # safe: xpath


@app.get("/products/field")
def product_field():
    field = request.args.get("field", "name")
    query = {"path": f"//product/{field}/text()", "limit": 10}
    return jsonify(values=[str(v) for v in CATALOG.xpath(query["path"])][: query["limit"]])  # vuln: xpath
