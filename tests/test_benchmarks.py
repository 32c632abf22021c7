"""The benchmark scripts run (their numbers are not checked: speed is measured, never asserted)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_compare_runs_on_a_tiny_tree(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text('def q(c, v):\n    c.execute(f"SELECT {v}")\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compare.py"), "--tree", str(tmp_path),
                           "--runs", "1", "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split()[0:3] for line in done.stdout.splitlines()[2:] if line.strip()]
    assert [r[1] for r in rows[:4]] == ["cold", "warm", "one", "--changed-since"], done.stdout
    assert "floor: start + read + sha256 every file" in done.stdout and "cpu s" in done.stdout
    assert "lines/s" in done.stdout
    assert "profile of one cold scan" in done.stdout and " ast " in done.stdout


@pytest.mark.slow
def test_pull_request_ab_runs_on_a_tiny_tree(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text('def q(c, v):\n    c.execute(f"SELECT {v}")\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "pr_scan_ab.py"), "--tree", str(tmp_path),
                           "--old-src", str(ROOT / "src"), "--runs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    runs = [line for line in done.stdout.splitlines() if " run 1: scan process " in line]
    assert [line.split()[0] for line in runs] == ["old", "new"], done.stdout
    assert all("s CPU (" in line and "after the worker's result" in line and "), children" in line and "load" in line
               for line in runs)
    assert "median scan-process CPU" in done.stdout and ", after the worker's result " in done.stdout


@pytest.mark.slow
def test_helper_ab_runs_on_a_tiny_tree(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text('def q(c, v):\n    c.execute(f"SELECT {v}")\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "helper_ab.py"), "--tree", str(tmp_path),
                           "--rounds", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {line[:28].strip(): line[28:].split() for line in done.stdout.splitlines()[2:]}
    assert {"one process (--jobs 1)", "with the helper (forced)"} <= set(rows), done.stdout
    assert all(len(cells) == 5 and cells[3] != "-" for name, cells in rows.items() if name != "bandit -r")


def _bench(name: str):
    import importlib

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_corpus_lays_out_a_pinned_commit_from_a_bare_mirror(tmp_path):
    from tests import _gitrepo

    corpus = _bench("corpus")
    work = _gitrepo.init(tmp_path / "work")
    (work / "app.py").write_text("x = 1\n", encoding="utf-8")
    _gitrepo.git(work, "add", "-A")
    _gitrepo.git(work, "commit", "-qm", "one")
    commit = _gitrepo.git(work, "rev-parse", "HEAD").strip()
    (work / "app.py").write_text("x = 2\n", encoding="utf-8")
    _gitrepo.git(work, "commit", "-qam", "two")
    mirrors = tmp_path / "mirrors"
    _gitrepo.git(tmp_path, "clone", "-q", "--bare", str(work), str(mirrors / "acme+shop" / "repo"))
    project = corpus.Project("shop", "acme/shop", commit, "test")
    out = corpus.lay_out(project, mirrors, tmp_path / "dest")
    assert (out / "app.py").read_text() == "x = 1\n" and not (out / ".git").exists()
    assert (out / ".ba-corpus-commit").read_text().strip() == commit
    with pytest.raises(corpus.CorpusError, match="git clone --bare https://github.com/acme/other"):
        corpus.lay_out(corpus.Project("other", "acme/other", commit, "test"), mirrors, tmp_path / "dest")
    with pytest.raises(corpus.CorpusError, match="inside this repository"):
        corpus.lay_out(project, mirrors, ROOT / "benchmarks" / "corpus-here")


def test_held_out_projects_stay_out_of_the_default_corpus():
    corpus = _bench("corpus")
    tuning, held = corpus.by_name(None), corpus.by_name(None, held_out=True)
    assert held and tuning and not {p.name for p in tuning} & {p.name for p in held}
    assert all(p.held_out for p in held) and not any(p.held_out for p in tuning)
    named = held[0].name
    assert [p.name for p in corpus.by_name([named])] == [named]  # a held-out project is still reachable by name


def test_precision_joins_verdicts_per_rule_and_level(tmp_path):
    precision = _bench("precision")
    (tmp_path / "shop.yaml").write_text(
        "project: shop\ncommit: abc\nverdicts:\n"
        "  - {rule: BA-SEC-001, path: a.py, line: 3, verdict: TP, why: real key}\n"
        "  - {rule: BA-SEC-001, path: a.py, line: 9, verdict: FP, why: a mask}\n"
        "  - {rule: BA-SEC-001, path: s.py, line: 5, verdict: TP, level: warning, why: dev fallback}\n"
        "  - {rule: BA-LOG-003, path: b.py, line: 2, verdict: TP, why: print in a view}\n", encoding="utf-8")
    (tmp_path / "shop.catalog-a.yaml").write_text(
        "project: shop\ncommit: abc\nverdicts:\n"
        "  - {rule: BA-DEP-002/hsts, path: settings.py, line: 1, verdict: TP, why: no HSTS}\n", encoding="utf-8")
    verdicts = precision.load_verdicts("shop", tmp_path)
    findings = [
        {"rule_id": "BA-SEC-001", "path": "a.py", "line": 3, "level": "error"},
        {"rule_id": "BA-SEC-001", "path": "a.py", "line": 9, "level": "error"},
        {"rule_id": "BA-SEC-001", "path": "s.py", "line": 5, "level": "error"},
        {"rule_id": "BA-SEC-001", "path": "n.py", "line": 1, "level": "error"},
        {"rule_id": "BA-DEP-002", "path": "settings.py", "line": 1, "level": "warning", "properties": {"sub": "hsts"}},
        {"rule_id": "BA-DEP-002", "path": "settings.py", "line": 1, "level": "warning",
         "properties": {"sub": "ssl-redirect"}},
        {"rule_id": "BA-LOG-003", "path": "c.py", "line": 1, "level": "warning", "suppression": {"kind": "inSource"}},
    ]
    res = precision.join(precision.active(findings), verdicts)
    # the dev fallback reported as an error counts as FP: it is a true positive at warning level only
    assert res["rows"][("BA-SEC-001", "error")] == {"findings": 4, "reviewed": 3, "TP": 1, "FP": 2}
    assert res["rows"][("BA-DEP-002", "warning")] == {"findings": 2, "reviewed": 1, "TP": 1, "FP": 0}
    assert [f["line"] for f in res["unreviewed"]] == [1, 1]
    assert [v["path"] for v in res["tp_lost"]] == ["b.py"]
    assert sorted(v["path"] for v in res["fp_still"]) == ["a.py", "s.py"]
    (tmp_path / "shop.bad.yaml").write_text("project: other\nverdicts: []\n", encoding="utf-8")
    with pytest.raises(precision.VerdictError, match="expected 'shop'"):
        precision.load_verdicts("shop", tmp_path)
def test_a_verdict_naming_a_route_judges_only_that_route_of_a_shared_line(tmp_path):
    precision = _bench("precision")
    (tmp_path / "shop.yaml").write_text(
        "project: shop\ncommit: abc\nverdicts:\n"
        "  - {rule: BA-TEST-005, path: api.py, line: 9, route: /items/, verdict: TP, why: list untested}\n"
        "  - {rule: BA-TEST-005, path: api.py, line: 9, route: '/items/{pk}/', verdict: FP, why: detail tested}\n",
        encoding="utf-8")
    findings = [{"rule_id": "BA-TEST-005", "path": "api.py", "line": 9, "level": "warning",
                 "properties": {"route": route}} for route in ("/items/{pk}/", "/items/", "/items/x/")]
    res = precision.join(findings, precision.load_verdicts("shop", tmp_path))
    assert res["rows"][("BA-TEST-005", "warning")] == {"findings": 3, "reviewed": 2, "TP": 1, "FP": 1}
    assert [f["properties"]["route"] for f in res["unreviewed"]] == ["/items/x/"]


def test_check_cost_runs_on_a_tiny_tree(tmp_path):
    (tmp_path / "db.py").write_text('def q(v):\n    return f"DELETE FROM t WHERE id={v}"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "check_cost.py"), str(tmp_path), "BA-SQL-002"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 files" in done.stdout and "BA-SQL-002" in done.stdout, done.stdout
def test_taint_cost_runs_on_a_tiny_tree(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from flask import request\nimport os\n\ndef f():\n    os.system('ls ' + request.args['d'])\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "taint_cost.py"), "--tree", str(tmp_path),
                           "--jobs", "1"], capture_output=True, text=True, timeout=300)
    assert "taint summaries" in done.stdout and "(1 sink flows resolved)" in done.stdout
def test_endpoints_real_lays_out_a_pinned_commit_and_reports(tmp_path):
    work = tmp_path / "work"
    (work / "app").mkdir(parents=True)
    # a POST that changes the order its URL names, beside a route that takes a login: two signs, an error
    (work / "app" / "views.py").write_text(
        "from flask import Flask\nfrom flask_login import login_required\napp = Flask(__name__)\n\n\n"
        "@app.post('/orders/<int:order_id>')\ndef update(order_id):\n"
        "    db.session.add(Order(id=order_id))\n    db.session.commit()\n    return ''\n\n\n"
        "@app.get('/orders')\n@login_required\ndef index():\n    return ''\n")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    mirrors = tmp_path / "mirrors" / "shop"
    mirrors.mkdir(parents=True)
    (mirrors / "repo").symlink_to(work / ".git")
    verdicts = tmp_path / "verdicts"
    verdicts.mkdir()
    (verdicts / "shop.endpoints.yaml").write_text(
        f"project: shop\ncommit: {commit}\nverdicts:\n"
        "  - {rule: BA-AUTH-001, path: app/views.py, line: 7, verdict: TP, why: no auth}\n")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "endpoints_real.py"), "--mirrors",
                           str(tmp_path / "mirrors"), "--verdicts", str(verdicts)], capture_output=True, text=True,
                          timeout=300)
    assert "shop: 2 endpoints {'flask': 2}" in done.stdout
    assert "TP kept 1/1" in done.stdout


def test_every_recorded_verdict_file_belongs_to_a_corpus_project(tmp_path):
    precision = _bench("precision")
    assert precision.orphan_verdict_files() == []
    (tmp_path / "CTFd.x.yaml").write_text("project: CTFd\n")
    (tmp_path / "ctfd.y.yaml").write_text("project: ctfd\n")
    assert precision.orphan_verdict_files(tmp_path) == ["CTFd.x.yaml"]


def test_rule_precision_measures_warnings_and_errors_against_the_declared_label(tmp_path, capsys):
    import json

    rp, precision = _bench("rule_precision"), _bench("precision")
    assert [rp.label(t, 10) for t in (9, 8, 5, 4)] == ["very-high", "high", "medium", "low"]
    assert set(rp.declared().values()) <= set(rp.SCALE) and "BA-SQL-001" in rp.declared()
    reports = tmp_path / "reports"
    reports.mkdir()
    # recorded ctfd verdicts reported back as warnings (one finding per site): measured against those verdicts
    verdicts = [v for v in precision.load_verdicts("ctfd") if "/" not in v["rule"] and not v.get("route")]
    keys = [(v["rule"], v["path"], v["line"]) for v in verdicts]
    sites = {k: v for k, v in zip(keys, verdicts) if keys.count(k) == 1}  # one verdict per site: no tie to break
    picked = sorted(sites)[:8]
    findings = [{"rule_id": r, "path": p, "line": n, "level": "warning", "message": "m"} for r, p, n in picked]
    note = {"rule_id": picked[0][0], "path": picked[0][1], "line": picked[0][2] + 100000, "level": "note",
            "message": "m"}
    (reports / "ctfd.json").write_text(json.dumps({"findings": findings + [note]}))
    measured = rp.measure([reports])
    assert sum(n for _, n in measured.values()) == len(picked)
    tps = sum(precision._verdict_at(sites[k], "warning") == "TP" for k in picked)
    assert sum(t for t, _ in measured.values()) == tps
    assert rp.main([str(reports)]) == 0 and "declared" in capsys.readouterr().out


def test_pinned_levels_counts_a_pinned_tp_reported_above_its_pin(tmp_path, capsys):
    import json

    pl, precision = _bench("pinned_levels"), _bench("precision")
    pinned = next(v for v in precision.load_verdicts("calibre-web")
                  if v["verdict"] == "TP" and v.get("level") == "note" and "/" not in v["rule"])
    finding = {"rule_id": pinned["rule"], "path": pinned["path"], "line": pinned["line"], "level": "warning",
               "message": "m"}
    (tmp_path / "O").mkdir()
    (tmp_path / "O" / "calibre-web.json").write_text(json.dumps({"findings": [finding]}))
    rows = pl.joined(tmp_path, pinned["rule"], None)
    assert [(r["level"], r["class"], r["set"]) for r in rows] == [("warning", "TP=note", "O")]
    assert pl.main(["--reports", str(tmp_path), "--rule", pinned["rule"]]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(pinned["rule"]))
    assert line.split()[-2:] == ["1", "0"]  # one above its pin, none below
    assert pl.main(["--reports", str(tmp_path), "--sites"]) == 0
    assert f"O/calibre-web:{pinned['path']}:{pinned['line']}" in capsys.readouterr().out
