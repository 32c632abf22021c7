"""The route captures new_email: the client writes it into the session."""

from django.shortcuts import redirect


def check_token(request, username, token, new_email=None):
    if new_email:
        request.session["email"] = new_email  # vuln: trust-boundary
    return redirect("/")
