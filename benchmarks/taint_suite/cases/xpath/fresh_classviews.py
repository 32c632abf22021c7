"""Class-based views over an XML catalogue."""

from flask import request
from flask.views import MethodView
from lxml import etree

DOC = etree.parse("/srv/feed/catalog.xml")


class ColourView(MethodView):
    def get(self):
        colour = request.args.get("colour", "red").lower()
        return {"names": [str(n) for n in DOC.xpath("//product[colour='%s']/name/text()" % colour)]}  # vuln: xpath


class ColourVarView(MethodView):
    def get(self):
        colour = request.args.get("colour", "red").lower()
        return {"names": [str(n) for n in DOC.xpath("//product[colour=$c]/name/text()", c=colour)]}  # safe: xpath
