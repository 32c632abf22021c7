"""Checklist states that never say pass over a finding: every state on a real scan, warn for findings below
the gate, per-finding keys, routes needed before a silence counts, thresholds, pin hints, manual evidence, the
five seed agents' manual share, and the example backend."""

import dataclasses
import re
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from backend_audit.catalog import load_rules
from backend_audit.compliance.agents import parse_file
from backend_audit.compliance.checklist import load_vocabulary
from backend_audit.compliance.matrix import Evaluator, apply_agent_settings, finding_keys, load_agent_set, postprocessor
from backend_audit.config import Settings
from backend_audit.findings import Finding
from backend_audit.pipeline.runner import scan

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" if (REPO.parent / "shared").is_dir() else REPO.parent.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
CATALOG = SHARED / "docs" / "rule-catalog.md"

AGENT = """\
---
name: team
description: states
---
## Checklist
- [ ] Common vulnerabilities are addressed
- [ ] Error handling is robust
- [ ] Connection pooling is configured
- [ ] Caching is implemented
- [ ] Backups are in place
- [ ] Health check endpoints exist
- [ ] Test coverage stays above 90%
- [ ] Zorblax the quux
- [ ] No raw SQL built with f-strings
"""
CODE = """\
import subprocess


def run(request):
    subprocess.run(f"echo {request.GET['cmd']}", shell=True)


async def pay(order):
    try:
        await charge(order)
    except:
        raise ValueError("payment failed")
"""


def _repo(root: Path, agent: str = AGENT, files: dict[str, str] | None = None) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / ".claude" / "agents").mkdir(parents=True)
    (root / ".claude" / "agents" / "team.md").write_text(agent, encoding="utf-8")
    for rel, text in (files or {"app/jobs.py": CODE}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _items(root: Path, settings: Settings | None = None) -> dict[str, dict]:
    agents = load_agent_set([root])
    settings = apply_agent_settings(settings or Settings(jobs=1), agents, load_rules())
    result = scan([root], settings, postprocessors=[postprocessor(agents)])
    return {it["text"]: it for it in result.checklist["agents"][0]["items"]}


def test_every_state_on_one_scan(tmp_path):
    items = _items(_repo(tmp_path))
    states = {text: it["state"] for text, it in items.items()}
    assert states["Common vulnerabilities are addressed"] == "fail"  # shell=True: an error
    assert states["Error handling is robust"] == "warn"  # a bare except catching cancellation: a warning
    assert states["Connection pooling is configured"] == "pass"
    assert states["Caching is implemented"] == "partial"  # enforced, and a reviewer's question remains
    assert states["Backups are in place"] == "manual"
    assert states["Health check endpoints exist"] == "n/a"  # its rule is for web frameworks none of which is used
    assert states["Test coverage stays above 90%"] == "not evaluated"  # no coverage data
    assert states["Zorblax the quux"] == "unmapped"
    assert items["No raw SQL built with f-strings"]["keys"] == ["sql-injection"]


def test_warn_lists_each_finding_level_and_turns_fail_at_a_lower_gate(tmp_path):
    root = _repo(tmp_path)
    warn = _items(root)["Error handling is robust"]
    assert warn["findings"] == 1
    assert "BA-ERR-001: 1 warning" in warn["evidence"] and "below the --fail-on error gate" in warn["evidence"]
    strict = _items(root, Settings(jobs=1, fail_on="warning"))["Error handling is robust"]
    assert strict["state"] == "fail" and "BA-ERR-001: 1 warning" in strict["evidence"]


def test_no_item_passes_over_a_finding_at_any_level(tmp_path):
    items = _items(_repo(tmp_path))
    for it in items.values():
        if it["state"] == "pass":
            assert it["findings"] == 0 and "findings:" not in (it["evidence"] or ""), it


def test_pin_hint_names_a_real_key_or_ignore(tmp_path):
    vocab = load_vocabulary()
    hint = _items(_repo(tmp_path))["Zorblax the quux"]["hint"]
    assert "KEY" not in hint
    pins = re.findall(r"backend-audit: ([a-z-]+) -->", hint)
    assert pins and all(p == "ignore" or p in vocab for p in pins)


def test_pin_hint_for_an_item_near_a_key_names_that_key(tmp_path):
    agent = AGENT.replace("- [ ] Zorblax the quux", "- [ ] Service discovery and registry")
    hint = _items(_repo(tmp_path, agent))["Service discovery and registry"]["hint"]
    assert "KEY" not in hint and re.search(r"backend-audit: [a-z-]+ -->", hint)


def test_stated_coverage_in_any_wording_sets_the_minimum(tmp_path):
    agents = load_agent_set([_repo(tmp_path)])
    assert agents.settings["tests.coverage_min"] == 90.0
    settings = apply_agent_settings(Settings(jobs=1), agents, load_rules())
    assert settings.rule_options["BA-TEST-003"]["threshold"] == 90.0  # the option the coverage rule reads


def test_routes_needed_before_silence_means_pass(tmp_path):
    agent = "## Checklist\n- [ ] Rate limiting is configured\n"
    files = {"app/config.py": "from fastapi import Depends\n\nLIMIT = 10\n"}
    item = _items(_repo(tmp_path, agent, files))["Rate limiting is configured"]
    assert item["state"] == "not evaluated"
    assert "no route, middleware or settings module was read" in item["evidence"]


def test_routes_read_lets_the_rule_decide(tmp_path):
    agent = "## Checklist\n- [ ] Rate limiting is configured\n"
    files = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/items')\n"
                            "def items():\n    return []\n"}
    item = _items(_repo(tmp_path, agent, files))["Rate limiting is configured"]
    assert item["state"] in ("warn", "fail") and "BA-API-003" in item["evidence"]


def test_dependency_pinning_is_decided_by_the_pinning_rule_not_the_shell_rule(tmp_path):
    agent = "## Checklist\n- [ ] Dependency pinning and lock files\n"
    files = {"app/jobs.py": CODE, "requirements.txt": "django>=4\ncelery\n"}
    item = _items(_repo(tmp_path, agent, files))["Dependency pinning and lock files"]
    assert item["keys"] == ["dependency-pinning"]
    assert item["rules"] == ["BA-DEP-004"] and item["state"] == "warn"


def test_manual_items_carry_repository_evidence(tmp_path):
    agent = "## Checklist\n- [ ] Response times stay under 200ms\n- [ ] Migrations are reversible\n"
    files = {
        "app/main.py": "import sentry_sdk\n\nsentry_sdk.init(dsn='x')\n",
        "shop/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n    pass\n",
        "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                                           "    operations = []\n",
        "shop/migrations/0002_more.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                                        "    operations = []\n",
    }
    items = _items(_repo(tmp_path, agent, files))
    response = items["Response times stay under 200ms"]
    assert response["state"] == "manual" and "sentry_sdk.init (app/main.py:3)" in response["evidence"]
    migrations = items["Migrations are reversible"]
    assert "shop/migrations (2 files)" in migrations["evidence"]


def test_a_finding_counts_against_its_sub_checks_own_keys():
    rule = SimpleNamespace(checklist=("security-headers", "tls-transport"),
                           subchecks={"x-frame": {"checklist": ["security-headers"]}},
                           checklist_for=lambda sub: ("security-headers",) if sub == "x-frame"
                           else ("security-headers", "tls-transport"))
    finding = Finding(rule_id="BA-DEP-002/x-frame", path="a.py", line=1, column=1, end_line=1, end_column=2,
                      level="note", message="m", engine="project", snippet="")
    assert finding_keys(finding, rule) == ("security-headers",)
    plain = SimpleNamespace(checklist=("tls-transport",), subchecks={})
    assert finding_keys(finding, plain) == ("tls-transport",)


# ------------------------------------------------------------------------------------------ seeds

def _catalog_keys() -> dict[str, set[str]]:
    """rule id -> checklist keys, from the catalog's §2 tables (key | where | how | rules)."""
    text = CATALOG.read_text(encoding="utf-8")
    section = text[text.index("## 2."):text.index("## 3.")]
    out: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and re.match(r"^[a-z][a-z-]+\b", cells[1]):
            for rid in re.findall(r"\b([A-Z]{2,4}-\d{3})", cells[4]):
                out.setdefault(f"BA-{rid}", set()).add(cells[1].split()[0])
    return out


def _share(evaluator: Evaluator, seed: Path) -> float:
    summary = evaluator.agent(parse_file(seed, seed.name))["summary"]
    return (summary["manual"] + summary["unmapped"]) / sum(summary.values())


@pytest.fixture(scope="module")
def example_scan():
    return scan([REPO / "examples"], Settings(jobs=1))


needs_shared = pytest.mark.skipif(not SEEDS or not CATALOG.is_file(), reason="../shared (seeds, catalog) absent")


@needs_shared
def test_seed_manual_share_with_the_complete_catalog(example_scan):
    """Rules still arriving on other branches stand in with the keys the catalog gives them: what the
    vocabulary and states make of each seed once the catalog is complete."""
    rules = list(load_rules())
    have = {r.id for r in rules}
    stand_ins = [dataclasses.replace(rules[0], id=rid, checklist=tuple(sorted(keys)), frameworks=("any",))
                 for rid, keys in sorted(_catalog_keys().items()) if rid not in have]
    result = dataclasses.replace(example_scan, rules=[*example_scan.rules, *stand_ins], checklist=None)
    evaluator = Evaluator(result, load_vocabulary(), rules + stand_ins)
    shares = {seed.name[:3]: round(_share(evaluator, seed), 3) for seed in SEEDS}
    assert all(share <= 0.15 for share in shares.values()), shares


@needs_shared
def test_seed_manual_share_with_the_rules_installed(example_scan):
    missing = sorted(set(_catalog_keys()) - {r.id for r in load_rules()})
    if missing:
        pytest.skip(f"catalog rules not on this branch yet: {', '.join(missing)}")
    evaluator = Evaluator(example_scan, load_vocabulary(), load_rules())
    shares = {seed.name[:3]: round(_share(evaluator, seed), 3) for seed in SEEDS}
    assert all(share <= 0.15 for share in shares.values()), shares


def test_example_backend_never_passes_an_item_whose_rules_found_something():
    agents = load_agent_set([REPO / "examples"])
    result = scan([REPO / "examples"], Settings(jobs=1), postprocessors=[postprocessor(agents)])
    by_id = {r.id: r for r in load_rules()}
    hit_keys = {k for f in result.active_findings for k in finding_keys(f, by_id.get(f.rule_id.split("/")[0]))}
    states = set()
    for agent in result.checklist["agents"]:
        for it in agent["items"]:
            states.add(it["state"])
            if it["state"] == "pass":
                assert not set(it["keys"]) & hit_keys, it
    assert {"fail", "warn"} <= states
