"""Local development: never deployed, so debug, open hosts and fast hashing are fine here."""

from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "dev-only-insecure-key-0f3c9a1d07be24e6"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
