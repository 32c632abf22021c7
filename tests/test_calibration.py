"""Levels by blind calibration: rules/calibration.yaml lowers the kinds of finding blind reviews found mostly
wrong, says so in the message, and `--raw-levels` / `calibrated-levels = false` keep the check's own level."""

import json
import sys
from pathlib import Path

import pytest

from backend_audit.catalog import LEVEL_ORDER, load_rules
from backend_audit.findings import Finding
from backend_audit.workflow import calibration

from ._gitrepo import run_cli, write

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import calibrate  # noqa: E402

pytestmark = pytest.mark.calibrated

VIEW = '''from flask import Flask

app = Flask(__name__)


@app.get("/items")
def items():
    print("listing items")
    return {"items": []}
'''


class _Rule:
    def __init__(self, *entries):
        self.calibration = entries


class _Settings:
    calibrated_levels = True


def _finding(level, sub=None):
    rule = f"BA-LOG-003/{sub}" if sub else "BA-LOG-003"
    return Finding(rule, "app/views.py", 8, 5, 8, 27, level, "print() in application code", "ast")


ENTRY = {"sub": None, "level": "warning", "to": "note", "real": 11, "reviewed": 64, "projects": 9}


def test_a_calibrated_kind_is_lowered_once_and_says_why():
    f = _finding("warning")
    calibration.apply([f], {"BA-LOG-003": _Rule(ENTRY)}, _Settings())
    assert f.level == "note"
    assert f.message.endswith("(note by blind calibration: 11 of 64 such warnings were real on 9 unseen backends)")
    assert f.properties["calibrated"] == {"from": "warning", "real": 11, "reviewed": 64}
    calibration.apply([f], {"BA-LOG-003": _Rule({**ENTRY, "level": "note"})}, _Settings())
    assert f.message.count("blind calibration") == 1


def test_other_levels_and_sub_checks_keep_their_level():
    error, other_sub, note = _finding("error"), _finding("warning", "script"), _finding("note")
    calibration.apply([error, other_sub, note], {"BA-LOG-003": _Rule(ENTRY)}, _Settings())
    assert (error.level, other_sub.level, note.level) == ("error", "warning", "note")
    assert not any("calibrated" in f.properties for f in (error, other_sub, note))


def test_switched_off_keeps_every_level():
    f = _finding("warning")
    off = _Settings()
    off.calibrated_levels = False
    calibration.apply([f], {"BA-LOG-003": _Rule(ENTRY)}, off)
    assert f.level == "warning" and "calibrated" not in f.properties


def test_the_bundled_table_names_known_rules_and_only_lowers():
    rules = {r.id: r for r in load_rules()}
    entries = [(rid, c) for rid, r in rules.items() for c in r.calibration]
    assert entries, "rules/calibration.yaml is empty or not read"
    for rid, c in entries:
        assert LEVEL_ORDER.index(c["to"]) > LEVEL_ORDER.index(c["level"]), (rid, c)
        assert c["to"] in rules[rid].emitted_levels  # `rules list` never understates a level a report shows
        bar = 0.8 if c["level"] == "error" else 0.6
        assert calibrate.upper_bound(c["real"], c["reviewed"], 1.0) < bar and c["projects"] >= 2, (rid, c)


@pytest.fixture()
def app(tmp_path, monkeypatch):
    write(tmp_path, {"app/views.py": VIEW})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _levels(capsys, *extra):
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1", "--no-cache", "--select", "BA-LOG-003", "-f", "json:-",
                           *extra)
    return [(f["line"], f["level"], "blind calibration" in f["message"]) for f in json.loads(out)["findings"]]


def test_end_to_end_the_installed_command_lowers_and_raw_levels_keeps(app, capsys):
    assert _levels(capsys) == [(8, "note", True)]
    assert _levels(capsys, "--raw-levels") == [(8, "warning", False)]


def test_config_switch_and_its_validation(app, capsys):
    (app / "pyproject.toml").write_text("[tool.backend-audit]\ncalibrated-levels = false\n", encoding="utf-8")
    assert _levels(capsys) == [(8, "warning", False)]
    (app / "pyproject.toml").write_text('[tool.backend-audit]\ncalibrated-levels = "no"\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "scan", ".", "-j", "1", "--no-cache")
    assert code == 2 and "calibrated-levels" in err


def test_rules_show_lists_the_calibrated_level(capsys):
    code, out, _ = run_cli(capsys, "rules", "show", "BA-LOG-003")
    assert code == 0 and "note by blind calibration: BA-LOG-003 findings the check reports as warnings" in out


def _counts(real, reviewed, projects, lesser=0):
    return {"real": real, "lesser": lesser, "reviewed": reviewed, "projects": set(range(projects))}


def test_the_decision_rule_of_benchmarks_calibrate():
    counts = {
        ("R1", None, "warning"): _counts(1, 20, 4),      # mostly wrong: a note
        ("R2", None, "warning"): _counts(10, 20, 4),     # half right: its upper bound reaches 60%, kept
        ("R3", None, "error"): _counts(3, 24, 7, 11),    # wrong as an error, real as a warning often enough
        ("R4", None, "error"): _counts(0, 28, 3),        # never real: a note
        ("R5", None, "warning"): _counts(0, 30, 1),      # one project's idiom: not a habit of the rule
        ("R6", None, "warning"): _counts(0, 2, 2),       # too few reviewed
        ("R7", None, "warning"): _counts(1, 3, 2),       # 1 of 3: too few to rule the level out
        ("R8", None, "warning"): _counts(3, 12, 3),      # 1 of 4 in a dozen: a note
    }
    decided = calibrate.decide(counts, min_reviewed=3, min_projects=2, warning_bar=0.6, error_bar=0.8, z=1.0)
    assert decided == {("R1", None, "warning"): "note", ("R3", None, "error"): "warning",
                       ("R4", None, "error"): "note", ("R8", None, "warning"): "note"}


def test_the_upper_bound_is_wilson_s():
    assert calibrate.upper_bound(0, 0, 1.0) == 1.0
    assert abs(calibrate.upper_bound(5, 10, 1.0) - 0.6508) < 1e-3  # the textbook figure for 5 of 10, z = 1
    assert calibrate.upper_bound(0, 3, 1.0) < calibrate.upper_bound(0, 2, 1.0) < 0.6 < calibrate.upper_bound(1, 3, 1.0)


@pytest.mark.parametrize("entry", [
    "not a mapping",
    {"rule": "BA-NOPE-001", "sub": None, "level": "warning", "to": "note", "real": 0, "reviewed": 9, "projects": 3},
    {"rule": "BA-LOG-003", "sub": None, "level": "note", "to": "warning", "real": 0, "reviewed": 9, "projects": 3},
    {"rule": "BA-LOG-003", "sub": None, "level": "warning", "to": "info", "real": 0, "reviewed": 9, "projects": 3},
    {"rule": "BA-LOG-003", "level": "warning", "to": "note"},
])
def test_a_malformed_table_is_one_clear_config_error(tmp_path, entry):
    from backend_audit.catalog import CALIBRATION_FILE, _calibration
    from backend_audit.errors import ConfigError

    path = tmp_path / CALIBRATION_FILE
    path.write_text(json.dumps({"entries": [entry]}), encoding="utf-8")  # JSON is YAML
    with pytest.raises(ConfigError, match="calibration.yaml"):
        _calibration(path, {r.id: r for r in load_rules()})
