from flask import redirect, session

from .users import check_password


class LoginFlow:
    def __init__(self, next_url):
        self.next_url = next_url

    def authenticate(self, email, password):
        session["user"] = check_password(email, password)

    def finish(self):
        return redirect(self.next_url)  # vuln: redirect
