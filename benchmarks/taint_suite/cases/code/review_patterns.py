"""A management command runs the operator's own code on purpose."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, **options):
        if options["command"]:
            exec(options["command"], {})  # safe: code
