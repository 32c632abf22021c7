"""Responses met reviewing real backends: a text/plain debug page, a dataclass whose other field is tainted."""

from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from flask import Flask, make_response, request

app = Flask(__name__)
router = APIRouter()
BODY = "<p>Follow the link in this mail to reset your password.</p>"


@app.get("/debug/headers")
def debug_headers():
    text = ""
    for key, value in request.headers.items():
        text += f"{key}: {value}\n"
    response = make_response(text)
    response.mimetype = "text/plain"
    return response  # safe: xss


@app.get("/debug/headers-html")
def debug_headers_html():
    text = "<pre>"
    for key, value in request.headers.items():
        text += f"{key}: {value}\n"
    response = make_response(text)  # vuln: xss
    return response


@dataclass
class EmailData:
    html_content: str
    subject: str


def reset_email(email):
    return EmailData(html_content=BODY, subject=f"Password recovery for {email}")


@router.post("/mail-preview/{email}")
def mail_preview(email: str):
    data = reset_email(email)
    return HTMLResponse(content=data.html_content)  # safe: xss


@app.get("/greeting")
def greeting():
    from jinja2 import Template

    return Template("<p>Hello {{ name }}</p>").render(name=request.args["name"])  # vuln: xss


@app.get("/greeting-escaped")
def greeting_escaped():
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default_for_string=True))
    return env.from_string("<p>Hello {{ name }}</p>").render(name=request.args["name"])  # safe: xss
