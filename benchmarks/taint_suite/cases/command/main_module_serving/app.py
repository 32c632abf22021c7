"""A module run as a program that also serves requests: its `__main__` guard makes nothing the operator's."""

from subprocess import PIPE, Popen

from flask import Flask, request

app = Flask(__name__)


def check_diff(base_path, lang):
    po_path = "{}/{}/LC_MESSAGES/django.po".format(base_path, lang)
    return Popen("git diff -U0 {} | grep -c msgid".format(po_path), stdout=PIPE, shell=True)  # vuln: command


@app.get("/diff")
def diff():
    return {"out": check_diff("locale", request.args["lang"]).communicate()[0].decode()}


if __name__ == "__main__":
    app.run()
