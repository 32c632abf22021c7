"""Property: whatever config table, baseline, coverage report or agent file the scanned repository holds,
loading it gives a value or one clean error (ConfigError / CoverageError: exit 2 or a 'cannot be used'
note; an agent file: warnings), never another exception (exit 3), a hang or a multi-line message.
Bounded so the suite stays fast (docs/security.md)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from backend_audit.catalog import load_rules
from backend_audit.compliance.agents import parse_file
from backend_audit.config import Selection, read_config_table, settings_from_table
from backend_audit.errors import ConfigError
from backend_audit.model import coverage_data as cd
from backend_audit.workflow import baseline

from .fuzz import inputs

FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
RULES = load_rules()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz_inputs")


def _one_line(exc: Exception) -> None:
    assert "\n" not in str(exc), str(exc)


@FAST
@given(table=inputs.config_tables())
def test_config_table_is_accepted_or_one_config_error(workdir, table):
    try:
        Selection(settings_from_table(table, str(workdir / "pyproject.toml")), RULES)
    except ConfigError as exc:
        _one_line(exc)


@FAST
@given(data=inputs.baselines())
def test_config_file_bytes_are_accepted_or_one_config_error(workdir, data):
    # any bytes where pyproject.toml should be (the baseline strategy gives JSON-ish, mutated text)
    path = workdir / "pyproject.toml"
    path.write_bytes(b"[tool.backend-audit]\nselect = " + data[:2000] + b"\n")
    try:
        read_config_table(path, explicit=False)
    except ConfigError as exc:
        _one_line(exc)


@FAST
@given(data=inputs.baselines())
def test_baseline_is_loaded_or_one_config_error(workdir, data):
    path = workdir / "baseline.json"
    path.write_bytes(data)
    try:
        entries = baseline.load(path)
    except ConfigError as exc:
        _one_line(exc)
        return
    assert all(isinstance(e.get("rule"), str) for e in entries)


@FAST
@given(report=inputs.coverage_reports())
def test_coverage_report_is_read_or_one_coverage_error(workdir, report):
    name, data = report
    path = workdir / name
    path.write_bytes(data)
    try:
        cd.attach(cd.read(path), workdir, {"app/db.py"})
    except cd.CoverageError as exc:
        _one_line(exc)


@FAST
@given(data=inputs.agent_files())
def test_agent_file_never_raises(workdir, data):
    path = workdir / "agent.md"
    path.write_bytes(data)
    agent = parse_file(path, "agent.md", confine=workdir)
    assert all("\n" not in w for w in agent.warnings)


def test_a_coverage_entry_named_past_the_file_system_limit_is_no_file(tmp_path):
    """Found by the fuzz test above: a report entry longer than NAME_MAX raised ENAMETOOLONG from is_file."""
    path = tmp_path / "coverage.json"
    long_name = "[" * 5000 + "app/db.py"
    path.write_text('{"meta": {"version": "7"}, "files": {"%s": {"executed_lines": [], "missing_lines": []}}}'
                    % long_name, encoding="utf-8")
    try:
        cd.attach(cd.read(path), tmp_path, {"app/db.py"})
    except cd.CoverageError as exc:
        _one_line(exc)
