"""min-level: findings below it are hidden like baselined ones (counted, never failing, kept out of SARIF)."""

import json

import pytest

from ._gitrepo import run_cli, write

APP = '''import requests

API_TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345"


def fetch(url):
    return requests.get(url)


def lookup(d, k):
    try:
        return d[k]
    except Exception:
        return None
'''


@pytest.fixture()
def app(tmp_path, monkeypatch):
    write(tmp_path, {"app/x.py": APP})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _json(capsys, *extra):
    code, out, err = run_cli(capsys, "scan", ".", "-j", "1", "--no-cache", "-f", "json:-", *extra)
    return code, json.loads(out), err


def _shown(data):
    return sorted(f["level"] for f in data["findings"] if f.get("suppression") is None)


def test_default_reports_every_level(app, capsys):
    code, data, _ = _json(capsys)
    assert {"error", "warning", "note"} <= set(_shown(data))
    assert "below_level" not in data


def test_warning_hides_notes_and_counts_them(app, capsys):
    _, everything, _ = _json(capsys)
    notes = _shown(everything).count("note")
    code, data, _ = _json(capsys, "--min-level", "warning")
    assert code == 1 and "note" not in _shown(data)
    assert data["below_level"] == {"min_level": "warning", "hidden": notes}
    hidden = [f for f in data["findings"] if f.get("suppression")]
    assert len(hidden) == notes and {f["suppression"]["justification"] for f in hidden} == {"below min-level warning"}
    assert _shown(data) == [lvl for lvl in _shown(everything) if lvl != "note"]


def test_hidden_findings_stay_out_of_sarif_and_the_text_summary_says_so(app, capsys):
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "--no-cache", "--min-level", "error", "-f", "sarif:-")
    results = json.loads(out)["runs"][0]["results"]
    # SARIF leaves out a result's level when it is the rule's default: look at which rules are left
    rules = {r["ruleId"] for r in results}
    assert "BA-SEC-001" in rules and not rules & {"BA-PERF-002", "BA-ERR-001", "BA-REL-002"}
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "--no-cache", "--min-level", "error")
    assert "below min-level error" in out and "warning BA-PERF-002" not in out


def test_config_key_and_contradiction_with_the_gate(app, capsys):
    write(app, {"pyproject.toml": '[tool.backend-audit]\nmin-level = "warning"\n'})
    code, data, _ = _json(capsys)
    assert data["below_level"]["min_level"] == "warning" and "note" not in _shown(data)
    code, _, err = run_cli(capsys, "scan", ".", "-j", "1", "--no-cache", "--fail-on", "note")
    assert code == 2 and "below min-level" in err
    write(app, {"pyproject.toml": '[tool.backend-audit]\nmin-level = "info"\n'})
    code, _, err = run_cli(capsys, "scan", ".", "-j", "1", "--no-cache")
    assert code == 2 and "'min-level' must be one of error, warning, note" in err
