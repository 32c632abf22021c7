"""A bad example's `level:` pins the level of its findings: a demotion is tested as firmly as its lines."""

import dataclasses

import pytest

from backend_audit.catalog import rules_by_id
from backend_audit.testing import check_example


def _pinned(rule_id: str, level: str):
    example = next(e for e in rules_by_id()[rule_id].examples if e.kind == "bad" and e.level)
    return example, dataclasses.replace(example, level=level)


def test_a_pinned_level_holds():
    example, _ = _pinned("BA-DATA-003", "note")
    check_example(example)


def test_a_finding_at_another_level_fails_the_example():
    example, wrong = _pinned("BA-DATA-003", "note")
    assert example.level != "note"
    with pytest.raises(AssertionError, match="expected every finding at 'note'"):
        check_example(wrong)
