"""checks/lazy_re.py: a pattern compiled on first use answers as the compiled pattern does."""

import re as real_re

import pytest

from backend_audit.checks.lazy_re import LazyPattern, re


def test_answers_as_the_compiled_pattern():
    text = "Login at /api/Login?next=/x and /signin\nx marks"
    for pattern, flags in ((r"(?i)(login|signin)", 0), (r"/(\w+)", real_re.I), (r"^x", real_re.M)):
        lazy, compiled = re.compile(pattern, flags), real_re.compile(pattern, flags)
        assert isinstance(lazy, LazyPattern)
        assert lazy.search(text).span() == compiled.search(text).span()
        assert lazy.findall(text) == compiled.findall(text)
        assert lazy.sub("-", text) == compiled.sub("-", text)
        assert lazy.split(text) == compiled.split(text)
        assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
        assert (lazy.flags, lazy.groups, lazy.pattern) == (compiled.flags, compiled.groups, compiled.pattern)


def test_compiled_once_then_the_compiled_methods_themselves():
    lazy = re.compile(r"a+")
    assert "search" not in vars(lazy)
    assert lazy.match("aa").group() == "aa"
    assert vars(lazy)["search"] == vars(lazy)["_compiled"].search  # no wrapper left on the hot path
    assert lazy.fullmatch("b") is None


def test_a_bad_pattern_fails_when_first_used():
    lazy = re.compile(r"(unclosed")
    with pytest.raises(real_re.error):
        lazy.search("x")


def test_the_rest_of_re_is_the_real_module():
    assert re.escape is real_re.escape and re.IGNORECASE is real_re.IGNORECASE and re.Pattern is real_re.Pattern
    assert real_re.compile is not LazyPattern  # the shim does not patch the real module
