from lxml import etree

from .parsers import make_parser


class Importer:
    def count_products(self, payload):
        root = etree.fromstring(payload, make_parser())  # vuln: xxe
        return len(root.findall("product"))
