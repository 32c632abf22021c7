"""Scanned files themselves: odd codec cookies, nested repositories, names SARIF must keep
(docs/security.md)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

from .test_cache import counting

COOKIES = {"rot13": "not a text encoding", "hex": "not a text encoding", "zlib": "not a text encoding",
           "base64": "not a text encoding", "undefined": "'undefined' codec", "punycode": "'punycode' codec"}


def test_odd_codec_cookies_are_skipped_with_a_reason_and_cached(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    for name in COOKIES:
        (root / f"{name}.py").write_bytes(f"# coding: {name}\nx = 1\n".encode())
    analysed = counting(monkeypatch)
    settings = Settings(jobs=1, ignore=("BA-TEST",))
    first = scan([root], settings, use_git=False)
    reasons = {s.path: s.reason for s in first.skipped}
    for name, needle in COOKIES.items():
        assert needle in reasons[f"{name}.py"] and "internal error" not in reasons[f"{name}.py"]
    assert len(analysed) == len(COOKIES)
    analysed.clear()
    again = scan([root], settings, use_git=False)
    assert analysed == []  # cached like any other result
    assert {s.path: s.reason for s in again.skipped} == reasons
