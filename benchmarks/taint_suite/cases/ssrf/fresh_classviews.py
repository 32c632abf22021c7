"""Class-based views and dependencies that fetch remote URLs."""

from urllib.parse import urlparse

import httpx
import requests
from fastapi import APIRouter, Depends, HTTPException
from flask import request
from flask.views import MethodView

router = APIRouter()
ALLOWED = {"api.partner.example"}


def target_url(url: str) -> str:
    return url


def allowed_url(url: str) -> str:
    if urlparse(url).hostname not in ALLOWED:
        raise HTTPException(400, "host not allowed")
    return url


@router.get("/probe")
def probe(url: str = Depends(target_url)):
    return {"status": httpx.get(url, timeout=5).status_code}  # vuln: ssrf


@router.get("/probe-allowed")
def probe_allowed(url: str = Depends(allowed_url)):
    return {"status": httpx.get(url, timeout=5).status_code}  # safe: ssrf


class FeedView(MethodView):
    def get(self):
        feed = request.args.get("feed", "")
        return requests.get(feed, timeout=5, allow_redirects=False).text  # vuln: ssrf


class FeedByIdView(MethodView):
    FEEDS = {"news": "https://news.example.com/rss", "blog": "https://blog.example.com/rss"}

    def get(self):
        return requests.get(self.FEEDS.get(request.args.get("feed"), self.FEEDS["news"]), timeout=5).text  # safe: ssrf
