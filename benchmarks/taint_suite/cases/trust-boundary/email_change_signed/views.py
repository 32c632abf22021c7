"""new_email is no capture of check_token's route: the signed payload of another view gives it."""

from django.core.signing import TimestampSigner
from django.shortcuts import redirect


def check_token(request, username, token, new_email=None):
    if new_email:
        request.session["email"] = new_email  # safe: trust-boundary
    return redirect("/")


def change_email_verify(request, signed):
    payload = TimestampSigner().unsign_object(signed)
    return check_token(request, payload["u"], payload["t"], payload["e"])
