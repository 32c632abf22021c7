from django.utils.safestring import mark_safe

from .markup import wrap


class Card:
    def __init__(self, title):
        self.title = title

    def render(self):
        return mark_safe(wrap("div", self.title))  # vuln: xss
