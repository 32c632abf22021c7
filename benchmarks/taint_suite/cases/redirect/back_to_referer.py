"""Flask handlers that send the user back where they came from after a form post."""

from urllib.parse import urlparse

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.post("/bills/<int:bill_id>/delete")
def delete_bill(bill_id):
    # the Referer: reported as a note (the user's browser sets it to the page they came from)
    return redirect(request.headers.get("Referer") or url_for("list_bills"))  # vuln: redirect


@app.post("/bills/<int:bill_id>/archive")
def archive_bill(bill_id):
    back = request.headers.get("Referer") or ""
    if urlparse(back).netloc not in ("", request.host):
        return redirect(url_for("list_bills"))
    return redirect(back)  # safe: redirect
