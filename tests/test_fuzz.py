"""Property: whatever bytes a file holds, analyse_file returns (never raises), the file ends analysed or
skipped with a reason, and every finding points inside the file. Bounded so the suite stays fast; the
long run is tests/fuzz/run_fuzz.py."""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from backend_audit.pipeline.discovery import SourceRef  # noqa: E402
from backend_audit.pipeline.runner import analyse_file  # noqa: E402

from .fuzz import strategies  # noqa: E402

PLAN = strategies.plan()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=strategies.inputs())
def test_any_input_ends_analysed_or_skipped_with_findings_inside_the_file(workdir, data):
    path = workdir / "case.py"
    path.write_bytes(data)
    result = analyse_file(SourceRef("case.py", str(path)), PLAN)
    assert strategies.problems(data, result) == []
