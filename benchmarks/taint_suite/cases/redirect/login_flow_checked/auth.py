from flask import redirect, session
from django.utils.http import url_has_allowed_host_and_scheme

from .users import check_password

ALLOWED_HOSTS = {"app.example.com"}


class LoginFlow:
    def __init__(self, next_url):
        self.next_url = next_url if url_has_allowed_host_and_scheme(next_url, ALLOWED_HOSTS) else "/"

    def authenticate(self, email, password):
        session["user"] = check_password(email, password)

    def finish(self):
        return redirect(self.next_url)  # safe: redirect
