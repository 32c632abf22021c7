"""Which `if` tests mark a block as development- or test-only (routes registered there are not production's)."""

import ast

import pytest

from backend_audit.model.frameworks.dev_switch import is_dev_switch


@pytest.mark.parametrize("test", [
    "app.debug", "DEBUG", "settings.DEBUG", 'app.config["TESTING"]', 'app.config.get("DEBUG")',
    'os.environ.get("FLASK_ENV") == "development"', 'app.config["ENV"] == "dev"', "app.debug and x",
    'app.debug or app.config.get("TESTING")', "app.testing is True",
])
def test_development_switches(test):
    assert is_dev_switch(ast.parse(test, mode="eval").body)


@pytest.mark.parametrize("test", [
    "not app.debug", "app.debug or x", 'app.config["AUTH_ENABLED"]', 'os.environ.get("FLASK_ENV") == "production"',
    'app.config["ENV"] != "development"', 'len(auths) == 1 and auths[0]["uri"] == url', "user.debug_mode_requested()",
])
def test_other_tests_are_not(test):
    assert not is_dev_switch(ast.parse(test, mode="eval").body)
