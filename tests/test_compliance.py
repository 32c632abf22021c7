"""Checklist items -> states (catalog §7.4), on real scans of small target repos."""

import dataclasses
import json
import subprocess
import textwrap
from pathlib import Path

from backend_audit.catalog import load_rules
from backend_audit.compliance.checklist import load_vocabulary
from backend_audit.compliance.matrix import (COVERAGE_HINT, Evaluator, apply_agent_settings, load_agent_set,
                                      postprocessor)
from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

AGENT = """\
---
name: team-backend
description: Our own checklist.
---
## Checklist
- [ ] Input validation is comprehensive
- [ ] Error handling is robust
- [ ] Test coverage is > 90% coverage
- [ ] Backups are in place
- [ ] Zorblax the quux
- [ ] Rate limiting is configured <!-- backend-audit: rate-limiting -->
"""
SHELL = """\
import subprocess

def run(request):
    subprocess.run(f"echo {request.GET['cmd']}", shell=True)
"""


def make_repo(root: Path, agent: str = AGENT) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / ".claude" / "agents").mkdir(parents=True)
    (root / ".claude" / "agents" / "team.md").write_text(agent, encoding="utf-8")
    (root / "app").mkdir()
    (root / "app" / "jobs.py").write_text(SHELL, encoding="utf-8")
    (root / "requirements.txt").write_text("fastapi==0.110\nresponses>=0.25  # test mocks\n", encoding="utf-8")
    return root


def run_checklist(root: Path, settings: Settings | None = None, explicit=()):
    agents = load_agent_set([root], explicit)
    result = scan([root], settings or Settings(jobs=1), postprocessors=[postprocessor(agents)])
    return agents, result


def items_by_text(result, agent_index=0):
    return {it["text"]: it for it in result.checklist["agents"][agent_index]["items"]}


def test_target_agents_are_used_and_every_item_has_one_state(tmp_path):
    root = make_repo(tmp_path)
    agents, result = run_checklist(root)
    assert agents.source == "target"
    [agent] = result.checklist["agents"]
    assert agent["name"] == "team-backend" and agent["path"] == ".claude/agents/team.md"
    items = items_by_text(result)
    assert list(items) == ["Input validation is comprehensive", "Error handling is robust",
                           "Test coverage is > 90% coverage", "Backups are in place", "Zorblax the quux",
                           "Rate limiting is configured"]
    fail = items["Input validation is comprehensive"]
    assert fail["state"] == "fail" and fail["findings"] == 1 and "BA-INP-003" in fail["rules"]
    assert "BA-INP-003: 1 error" in fail["evidence"]
    assert items["Error handling is robust"]["state"] == "pass"
    assert items["Error handling is robust"]["findings"] == 0
    cov = items["Test coverage is > 90% coverage"]
    assert cov["state"] == "not evaluated" and COVERAGE_HINT in cov["hint"]
    assert items["Backups are in place"]["state"] == "manual"
    assert items["Backups are in place"]["hint"].startswith("Are backups scheduled")
    unmapped = items["Zorblax the quux"]
    assert unmapped["state"] == "unmapped" and "<!-- backend-audit:" in unmapped["hint"]
    assert items["Rate limiting is configured"]["matches"] == [{"key": "rate-limiting", "score": 1.0, "why": "pinned"}]
    assert sum(agent["summary"].values()) == 6
    assert agent["summary"]["fail"] == 1 and agent["summary"]["unmapped"] == 1
    assert agent["settings"] == {"tests.coverage_min": 90.0}


def test_disabled_rules_mean_not_evaluated(tmp_path):
    root = make_repo(tmp_path)
    enforcing = tuple(r.id for r in load_rules() if "error-handling" in r.checklist)
    _, result = run_checklist(root, Settings(jobs=1, ignore=enforcing))
    item = items_by_text(result)["Error handling is robust"]
    assert item["state"] == "not evaluated" and "--select" in item["hint"]


def test_manual_evidence_reads_dependencies_and_files(tmp_path):
    agent = AGENT + "- [ ] External services are mocked in tests\n- [ ] CI quality gates block the merge\n"
    root = make_repo(tmp_path, agent)
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    _, result = run_checklist(root)
    items = items_by_text(result)
    assert items["External services are mocked in tests"]["evidence"] == "mock-external: found packages: responses"
    assert "found files: .github/workflows/ci.yml" in items["CI quality gates block the merge"]["evidence"]


def test_framework_specific_rules_are_na_without_the_framework(tmp_path):
    root = make_repo(tmp_path)
    _, result = run_checklist(root)
    def django_only(r):
        return dataclasses.replace(r, frameworks=("django",)) if "error-handling" in r.checklist else r

    rules = [django_only(r) for r in load_rules()]
    result.rules = [django_only(r) for r in result.rules]
    ev = Evaluator(result, load_vocabulary(), rules)
    state = ev.key_state("error-handling")
    assert state.state == "n/a" and "django" in state.evidence


def test_explicit_agents_override_target(tmp_path):
    root = make_repo(tmp_path)
    other = tmp_path / "elsewhere.md"
    other.write_text("---\nname: other\n---\n## Security\n- Secrets management\n", encoding="utf-8")
    agents, result = run_checklist(root, explicit=[other])
    assert agents.source == "option"
    assert [a["name"] for a in result.checklist["agents"]] == ["other"]


def test_bundled_agents_when_the_target_has_none(tmp_path):
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    agents, result = run_checklist(tmp_path)
    assert agents.source == "bundled"
    names = [a["name"] for a in result.checklist["agents"]]
    assert "backend-specialist" in names
    for agent in result.checklist["agents"]:
        assert agent["summary"]["unmapped"] == 0
        assert agent["path"].startswith("<bundled>/")


def test_stated_coverage_sets_the_coverage_rule_minimum(tmp_path):
    root = make_repo(tmp_path)
    agents = load_agent_set([root])
    fake = dataclasses.replace(load_rules()[0], id="BA-TEST-003", checklist=("test-coverage",),
                               options={"coverage_min": 80})
    settings = apply_agent_settings(Settings(), agents, [fake])
    assert settings.rule_options == {"BA-TEST-003": {"coverage_min": 90.0}}
    configured = Settings(rule_options={"BA-TEST-003": {"coverage_min": 70}})
    assert apply_agent_settings(configured, agents, [fake]).rule_options["BA-TEST-003"]["coverage_min"] == 70


def test_cli_checklist_and_scan_json(cli, clean_env, tmp_path):
    root = make_repo(tmp_path / "repo")
    proc = subprocess.run([cli, "checklist", "--format", "json", str(root)], capture_output=True, text=True,
                          env=clean_env, timeout=300)
    assert proc.returncode == 1, proc.stderr  # one item fails
    data = json.loads(proc.stdout)
    assert data["source"] == "target" and data["agents"][0]["name"] == "team-backend"
    text = subprocess.run([cli, "checklist", str(root)], capture_output=True, text=True, env=clean_env,
                          timeout=300)
    assert "FAIL (1)     Input validation is comprehensive  [input-validation]" in text.stdout
    assert "unmapped     Zorblax the quux" in text.stdout
    out = tmp_path / "r.json"
    scan_proc = subprocess.run([cli, "scan", str(root), "-f", f"json:{out}"], capture_output=True, text=True,
                               env=clean_env, timeout=300)
    assert scan_proc.returncode == 1, scan_proc.stderr
    report = json.loads(out.read_text())
    assert report["checklist"] == data
    bundled = subprocess.run([cli, "checklist", "--agents", str(root / ".claude" / "agents" / "team.md"),
                              "--format", "json", str(root)], capture_output=True, text=True, env=clean_env,
                             timeout=300)
    assert json.loads(bundled.stdout)["source"] == "option"


def test_cli_agents_path_must_hold_agents(cli, clean_env, tmp_path):
    empty = tmp_path / "none"
    empty.mkdir()
    proc = subprocess.run([cli, "checklist", "--agents", str(empty), str(tmp_path)], capture_output=True,
                          text=True, env=clean_env, timeout=300)
    assert proc.returncode == 2
    assert "no agent files there" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_text_report_is_deterministic(tmp_path):
    from backend_audit.compliance.matrix import render_text

    root = make_repo(tmp_path)
    _, first = run_checklist(root)
    _, second = run_checklist(root)
    assert render_text(first.checklist) == render_text(second.checklist)
    assert textwrap.dedent(render_text(first.checklist)).startswith("team-backend  (.claude/agents/team.md): 6 items")


def test_a_sub_check_counts_only_against_its_own_checklist_keys(tmp_path):
    """An X-Frame-Options note of BA-DEP-002 fails security-headers, not TLS or session cookies."""
    agent = ("---\nname: team\n---\n## Security\n- [ ] Security headers are set\n"
             "- [ ] HTTPS/TLS transport everywhere\n- [ ] Secure session cookies\n")
    root = make_repo(tmp_path, agent)
    (root / "conf").mkdir()
    (root / "conf" / "urls.py").write_text("from django.urls import path\nurlpatterns = []\n", encoding="utf-8")
    (root / "conf" / "settings.py").write_text(
        'INSTALLED_APPS = ["django.contrib.auth"]\nROOT_URLCONF = "conf.urls"\nALLOWED_HOSTS = ["a.example"]\n'
        'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", '
        '"django.middleware.csrf.CsrfViewMiddleware", "django.middleware.clickjacking.XFrameOptionsMiddleware"]\n'
        'CSRF_COOKIE_SECURE = True\nSECURE_HSTS_SECONDS = 3600\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\n'
        'SECURE_HSTS_PRELOAD = True\nSECURE_SSL_REDIRECT = True\nX_FRAME_OPTIONS = "SAMEORIGIN"\n',
        encoding="utf-8")
    _, result = run_checklist(root, Settings(jobs=1, fail_on="note"))
    assert [f.properties["sub"] for f in result.findings if f.rule_id == "BA-DEP-002"] == ["frame"]
    items = items_by_text(result)
    assert items["Security headers are set"]["state"] == "fail"
    assert "tls-transport" in items["HTTPS/TLS transport everywhere"]["keys"]
    assert items["HTTPS/TLS transport everywhere"]["state"] != "fail"
    assert "session-cookies" in items["Secure session cookies"]["keys"]
    assert items["Secure session cookies"]["state"] != "fail"
