"""A pytest plugin shipped inside the package (`pkg/pytest_plugin.py`) is test code: per-file rules that skip
tests skip it, and the project pass sees it as a test."""

import ast
import textwrap
from pathlib import Path

from backend_audit.config import Settings
from backend_audit.pipeline.pytest_plugin import is_pytest_plugin
from backend_audit.pipeline.runner import scan

PLUGIN = """\
import pytest
import requests


@pytest.fixture(scope="session")
def api_url():
    return "http://localhost:24817"


@pytest.fixture
def status(api_url):
    print("probing", api_url)
    return requests.get(api_url + "/status/").json()


@pytest.fixture(autouse=True)
def clean():
    yield


def pytest_configure(config):
    config.addinivalue_line("markers", "parallel: run in parallel")


def helper(value):
    return value
"""

APP = """\
import requests


def fetch(url):
    print("fetching", url)
    return requests.get(url).json()
"""


def _findings(root: Path, files: dict[str, str]) -> set[tuple[str, str]]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text))
    result = scan([root], Settings(jobs=1, select=("BA-LOG-003", "BA-PERF-002")), use_git=False)
    return {(f.rule_id, f.path) for f in result.findings}


def test_a_shipped_pytest_plugin_is_test_code(tmp_path):
    found = _findings(tmp_path, {"pkg/__init__.py": "", "pkg/pytest_plugin.py": PLUGIN, "pkg/client.py": APP})
    assert {p for _, p in found} == {"pkg/client.py"}
    assert {r for r, _ in found} == {"BA-LOG-003", "BA-PERF-002"}


def test_one_fixture_in_an_application_module_does_not_make_it_test_code():
    tree = ast.parse("import pytest\n\n@pytest.fixture\ndef a():\n    return 1\n\ndef b():\n    return 2\n")
    assert not is_pytest_plugin(tree)
    assert is_pytest_plugin(ast.parse(PLUGIN))
    # `from pytest import fixture` spelled the other way, with hooks
    aliased = "from pytest import fixture as fx\n\n@fx\ndef a():\n    pass\n\n@fx()\ndef b():\n    pass\n\n" \
              "def pytest_addoption(parser):\n    pass\n"
    assert is_pytest_plugin(ast.parse(aliased))
    # fixture-shaped names without importing pytest are not a plugin
    assert not is_pytest_plugin(ast.parse(aliased.replace("from pytest import fixture as fx", "fx = object()")))


BASE_CASES = """\
import unittest
from unittest import mock


class StorageTest(unittest.TestCase):
    def test_create(self):
        print("created", self.storage.create())
"""


def test_shipped_base_test_cases_are_test_code(tmp_path):
    # base test cases other suites inherit, in the package: by the base class, and by the name of a module
    # that imports a test framework (its classes may derive from `object` at run time)
    mixins = "import unittest\n\n\nclass _Mixin(object):\n    def test_list(self):\n        print('listed')\n"
    found = _findings(tmp_path, {"pkg/__init__.py": "", "pkg/storage/cases.py": BASE_CASES,
                                 "pkg/cache/testing.py": mixins, "pkg/client.py": APP})
    assert {p for _, p in found} == {"pkg/client.py"}


def test_test_support_needs_a_test_framework():
    from backend_audit.pipeline.pytest_plugin import is_test_support

    assert is_test_support(ast.parse(BASE_CASES), "pkg/storage/cases.py")
    assert is_test_support(ast.parse("from unittest import mock\n"), "pkg/test_utils.py")
    # a module named testing that imports no test framework (a settings module for the test run) is not
    assert not is_test_support(ast.parse("DEBUG = True\n"), "pkg/settings/testing.py")
    # a class named TestCase of the application's own is not a test framework's
    assert not is_test_support(ast.parse("class TestCase:\n    pass\n\nclass Run(TestCase):\n    pass\n"),
                               "pkg/models.py")
