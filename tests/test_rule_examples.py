"""Every example of every rule is a test: bad ones flagged at exactly their lines, good ones not at all."""

import pytest

from backend_audit.testing import all_examples, check_example

EXAMPLES = all_examples()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.test_id for e in EXAMPLES])
def test_rule_example(example):
    check_example(example)
