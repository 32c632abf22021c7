import os

from .base import *  # noqa: F403

# "temporarily" on while the payment provider migration is debugged
DEBUG = os.environ.get("DJANGO_DEBUG", "True") == "True"  # expect: BA-DEP-001

ALLOWED_HOSTS = ["*"]  # expect: BA-DEP-002
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
