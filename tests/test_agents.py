"""Agent files -> checklist items -> keys: the parser and the matcher, on the seeds and on hand-made files."""

from pathlib import Path

import pytest
import yaml

from backend_audit.compliance.agents import decode, find_agents, normalise_heading, parse_file, parse_text
from backend_audit.catalog import data_dir, load_rules
from backend_audit.compliance.checklist import load_vocabulary

from .conftest import REPO, SHARED

# ../shared from the repo root; a helper's git worktree sits one folder deeper (wt/NAME).
SEEDS = next((d / "seeds" for d in (SHARED, REPO.parent.parent / "shared") if (d / "seeds").is_dir()),
             SHARED / "seeds")
FIXTURES = Path(__file__).parent / "fixtures" / "agents"

# Items per seed, counted by hand from the files (see docs/checklists.md for what counts as an item):
# F0: 16 task items + 4 + 4 practice bullets (API design, Security implementation) + 4 bold tech-security
#     bullets + 8 numbered problem-solving steps + 3 performance tasks (one repeats a step) = 39
# F1: 36 bold bullets (Common Tasks and Implementation Process are activity lists, Output Format is ignored)
# F2: 70 bold bullets outside capability, technology, hand-off and escalation sections
# F3: 45 bullets under practice headings (workflow, security, database, API, performance, errors)
# F4: 11 `Label:` blocks of 10 bullets each = 110
SEED_COUNTS = {
    "000_2ca698d431dbff89.txt": 39,
    "001_c39bc36ea2ea7679.txt": 36,
    "002_056801ca023a867f.txt": 70,
    "003_d4f404f558acc5e0.txt": 45,
    "004_d9205259ec52e779.txt": 110,
}


def seed(name: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not available")
    return SEEDS / name


@pytest.mark.parametrize("name,count", sorted(SEED_COUNTS.items()))
def test_seed_items_counted_and_mostly_mapped(name, count):
    agent = parse_file(seed(name))
    assert agent.warnings == []
    assert agent.name.startswith("backend-")
    assert len(agent.items) == count
    vocab = load_vocabulary()
    unmapped = [i.text for i in agent.items if not vocab.match(i.text)[0]]
    assert len(unmapped) <= 0.10 * count, unmapped


def test_mojibake_headings_are_repaired():
    agent = parse_file(seed("000_2ca698d431dbff89.txt"))
    sections = {i.section for i in agent.items}
    assert "Quality Standards › Security" in sections
    assert not any("ğ" in s or "â" in s for s in sections)
    assert normalise_heading("âœ… Quality Standards") == "Quality Standards"
    assert normalise_heading("ğŸ¯ Core Responsibilities") == "Core Responsibilities"


def test_seed_threshold_becomes_coverage_minimum():
    agent = parse_file(seed("002_056801ca023a867f.txt"))
    assert agent.settings == {"tests.coverage_min": 80.0}
    notes = {n for i in agent.items for n in i.notes}
    assert {"< 200ms", "99.9%+"} <= notes


def test_seed_keys_from_the_catalog_examples():
    """§7.2: 'Error handling and logging centralized' maps to two keys."""
    vocab = load_vocabulary()
    keys = {m.key for m in vocab.match("Error handling and logging centralized")[0]}
    assert keys == {"error-handling", "logging-setup"}
    assert {m.key for m in vocab.match("Caching is implemented appropriately")[0]} == {"caching"}
    assert {m.key for m in vocab.match("Encryption at rest and in transit")[0]} == {"data-encryption", "tls-transport"}


EVERY_SHAPE = [
    ("Input validation is comprehensive", "task", "Quality Standards"),
    ("Error handling is robust", "task", "Quality Standards"),
    ("Keep the pager quiet", "task", "Quality Standards"),
    ("Backups are tested every quarter", "task", "Quality Standards"),
    ("Rate limiting and throttling configured", "label", "Quality Standards › Backend development checklist"),
    ("Health checks and monitoring setup", "label", "Quality Standards › Backend development checklist"),
    ("Use parameterized queries to prevent SQL injection", "practice", "Security Best Practices"),
    ("Implement proper CORS policies", "practice", "Security Best Practices"),
    ("Frobnicate the widgets weekly", "practice", "Security Best Practices"),
    ("Logging: Structured logging, log levels", "bold", "Development Practices"),
    ("Testing: > 85% test coverage", "bold", "Development Practices"),
    ("API Versioning: Backward compatibility strategies", "bold", "Development Practices"),
    ("Document the API with OpenAPI", "practice", "Development Practices"),
    ("Use connection pooling and query optimization", "practice", "Performance"),
    ("Zorblax the quux", "practice", "Performance"),
]


def test_every_shape_fixture():
    agent = parse_file(FIXTURES / "every_shape.md")
    assert agent.name == "every-shape" and agent.warnings == []
    assert [(i.text, i.shape, i.section) for i in agent.items] == EVERY_SHAPE
    by_text = {i.text: i for i in agent.items}
    assert by_text["Input validation is comprehensive"].also_in == ["Performance"]
    assert by_text["Keep the pager quiet"].pins == ("monitoring",)
    assert by_text["Backups are tested every quarter"].pins == ("ignore",)
    assert by_text["Frobnicate the widgets weekly"].pins == ("caching",)
    assert by_text["Testing: > 85% test coverage"].threshold == {"key": "tests.coverage_min", "op": ">", "value": 85.0}
    assert agent.settings == {"tests.coverage_min": 85.0}
    assert by_text["Rate limiting and throttling configured"].weight == 1.0  # a "checklist" label
    assert by_text["Logging: Structured logging, log levels"].line == 31


def test_crlf_bom_tabs_give_the_same_items():
    text = (FIXTURES / "every_shape.md").read_text(encoding="utf-8")
    messy = "\ufeff" + text.replace("\n- ", "\n\t- ").replace("\n", "\r\n")
    agent = parse_text(decode(messy.encode("utf-8")), "messy.md")
    assert [(i.text, i.section) for i in agent.items] == [(t, s) for t, _, s in EVERY_SHAPE]


@pytest.mark.parametrize("front,warning", [
    ("---\nname: [unclosed\n---\n", "front matter is not valid YAML"),
    ("---\n- a\n- b\n---\n", "front matter is not a mapping"),
    ("---\nname: x\n", "front matter is not closed"),
    ("", "no front matter"),
])
def test_bad_front_matter_warns_and_goes_on(front, warning):
    agent = parse_text(front + "## Checklist\n- [ ] Rate limiting is configured\n", "agents/team.md")
    assert any(w.startswith(warning) for w in agent.warnings), agent.warnings
    assert [i.text for i in agent.items] == ["Rate limiting is configured"]
    assert agent.name in ("team", "x")


def test_bad_pins_in_front_matter_warn():
    text = "---\nname: t\nbackend-audit: {map: {'No such item': [caching]}, ignore: 3}\n---\n- [ ] A\n"
    agent = parse_text(text)
    assert any("'map' must be a mapping and 'ignore' a list" in w for w in agent.warnings)


def test_huge_and_binary_files(tmp_path):
    big = tmp_path / "big.md"
    big.write_text("## Checklist\n" + "".join(f"- [ ] Item number {i} is rate limited\n" for i in range(2500)))
    agent = parse_file(big)
    assert len(agent.items) == 2000
    assert any("more than 2000" in w for w in agent.warnings)
    binary = tmp_path / "blob.md"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    assert parse_file(binary).warnings == ["binary file, not an agent file; skipped"]


def test_undecodable_bytes_do_not_crash():
    agent = parse_text(decode(b"## Security\n- Input validation \xff\xfe everywhere\n"))
    assert agent.items and "Input validation" in agent.items[0].text


# ------------------------------------------------------------------------------------------ vocabulary


def test_vocabulary_keeps_titles_and_areas_and_adds_phrases():
    raw = yaml.safe_load((data_dir("rules") / "checklists.yaml").read_text(encoding="utf-8"))
    assert len(raw) >= 53  # keys are added as rules arrive; none is ever removed
    for key, spec in raw.items():
        assert spec["title"] and spec["area"], key
        assert spec["phrases"], f"{key} has no phrases"
        assert isinstance(spec["manual_evidence"], dict), key


def test_every_rule_names_known_keys():
    vocab = load_vocabulary()
    for rule in load_rules():
        unknown = [k for k in rule.checklist if k not in vocab]
        assert not unknown, f"{rule.id} names unknown checklist keys {unknown}"


def test_bundled_agents_map_fully_and_cover_every_key():
    source, found = find_agents(Path("/nonexistent"), (), ())
    assert source == "bundled"
    names = sorted(p.name for p, _ in found)
    assert "backend-specialist.md" in names and len(names) >= 2
    vocab = load_vocabulary()
    for path, _ in found:
        agent = parse_file(path)
        assert agent.warnings == [] and agent.items
        for item in agent.items:
            assert vocab.match(item.text)[0], f"{path.name}: unmapped item {item.text!r}"
    specialist = parse_file(REPO / "agents" / "backend-specialist.md")
    covered = {m.key for i in specialist.items for m in vocab.match(i.text)[0]}
    assert covered == set(vocab.keys)
