from lxml import etree


class FeedRepository:
    def __init__(self, path):
        self.doc = etree.parse(path)

    def titles_by(self, author):
        expr = self._author_expr(author)
        return [str(t) for t in self.doc.xpath(expr)]  # vuln: xpath

    def _author_expr(self, author):
        return "//item[author='" + author + "']/title/text()"
