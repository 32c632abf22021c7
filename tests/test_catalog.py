"""The rule pack itself: schema, ids, help sections, and the YAML <-> check-class binding both ways."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from backend_audit.catalog import data_dir, load_rules
from backend_audit.checks import all_checks

RULES_DIR = data_dir("rules")
SCHEMA = json.loads((RULES_DIR / "schema.json").read_text(encoding="utf-8"))
RULE_FILES = sorted(RULES_DIR.glob("*/*.yaml"))


def test_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_rule_file_matches_the_schema(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)
    assert path.stem == data["id"] and path.parent.name == data["area"]


def test_schema_rejects_what_it_should():
    good = yaml.safe_load(RULE_FILES[0].read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(SCHEMA)
    for broken in ({**good, "level": "fatal"}, {**good, "typo": 1},
                   {**good, "examples": {"bad": [{"code": "x = 1"}], "good": [{"code": "x = 1"}]}},
                   {**good, "help": {k: v for k, v in good["help"].items() if k != "why"}}):
        assert list(validator.iter_errors(broken)), broken


def test_every_rule_has_a_check_class_and_every_class_a_rule():
    rule_ids = {r.id for r in load_rules()}
    classes = all_checks()
    assert rule_ids - set(classes) == set(), "rules without a check class"
    assert set(classes) - rule_ids == set(), "check classes without a rule YAML"


def test_ids_and_names_are_unique():
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


def test_security_rules_carry_cwe_severity_and_references():
    for r in load_rules():
        if r.is_security:
            assert r.cwe and r.security_severity and r.help["references"], r.id


def test_help_renders_every_section():
    for r in load_rules():
        md = r.help_markdown()
        for section in ("What it does", "Why is this bad?", "Example", "Use instead", "References"):
            assert f"### {section}" in md, (r.id, section)


def test_checklist_keys_exist_in_the_vocabulary():
    vocabulary = yaml.safe_load((RULES_DIR / "checklists.yaml").read_text(encoding="utf-8"))
    for r in load_rules():
        assert set(r.checklist) <= set(vocabulary), (r.id, set(r.checklist) - set(vocabulary))


def test_visitor_methods_name_nodes_the_walk_reaches():
    """The ast walk dispatches on the method name, so `visit_Functiondef` (a typo) or `visit_Load` (a
    context the walk skips) would silently never run. Guard every visitor class we ship."""
    import ast

    from backend_audit.model import facts
    from backend_audit.checks.base import AstCheck
    from backend_audit.engines import ast_walk

    visitors = [c for classes in all_checks().values() for c in classes if issubclass(c, AstCheck)]
    visitors += list(facts.collectors())
    assert len(visitors) > 20
    unreached = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
    for cls in visitors:
        for _kind, node_name, method in ast_walk._methods(cls):
            node = getattr(ast, node_name, None)
            assert isinstance(node, type) and issubclass(node, ast.AST), f"{cls.__name__}.{method}: no such node"
            assert not issubclass(node, unreached), f"{cls.__name__}.{method}: the walk never visits {node_name}"


def test_the_parsed_rule_pack_copy_gives_the_same_rules(tmp_path, monkeypatch):
    """The JSON copy of the parsed rule files (user cache home) loads the same rules; a copy another user
    could have written is not read."""
    import os

    from backend_audit import catalog

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    catalog.load_rules.cache_clear()
    fresh = catalog.load_rules()
    [copy] = (tmp_path / "backend-audit").glob("rules-*.json")
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    catalog.load_rules.cache_clear()
    assert catalog.load_rules() == fresh
    data = copy.read_text(encoding="utf-8")
    assert '"level":"error"' in data
    copy.write_text(data.replace('"level":"error"', '"level":"note"'), encoding="utf-8")
    os.chmod(copy, 0o666)  # writable by anyone: ignored, the YAML is parsed again
    catalog.load_rules.cache_clear()
    assert catalog.load_rules() == fresh
    catalog.load_rules.cache_clear()


def test_a_scan_loads_the_rules_without_their_examples(tmp_path, monkeypatch):
    """The pack a scan reads leaves the examples out (60% of its bytes); they are built from the whole
    pack's copy when first asked for, and equal the ones read with the rules."""
    import json

    from backend_audit import catalog
    from backend_audit.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    catalog.load_rules.cache_clear()
    catalog._whole_pack.cache_clear()
    eager = catalog.load_rules()  # a first run: the YAML parsed, both copies written
    assert all(isinstance(r.examples, tuple) for r in eager)
    [meta] = (tmp_path / "home" / "backend-audit").glob("rule-meta-*.json")
    assert all("examples" not in raw for raw in json.loads(meta.read_text(encoding="utf-8")).values())
    catalog.load_rules.cache_clear()
    lazy = catalog.load_rules()
    assert all(isinstance(r.examples, catalog._Examples) and r.examples._items is None for r in lazy)
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text("import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n")
    assert main(["scan", str(app), "--no-cache", "-q", "-f", f"json:{tmp_path / 'r.json'}"]) == 1
    assert all(r.examples._items is None for r in lazy)  # the scan never read them
    assert lazy == eager
    assert [list(r.examples) for r in lazy] == [list(r.examples) for r in eager]
    assert lazy[0].example("bad") == eager[0].example("bad") and len(lazy[0].examples) == len(eager[0].examples)
    catalog.load_rules.cache_clear()
    catalog._whole_pack.cache_clear()


def test_the_pack_version_from_the_user_cache_is_the_computed_one(tmp_path, monkeypatch):
    import os

    from backend_audit import catalog

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    catalog.pack_version.cache_clear()
    computed = catalog.pack_version()
    [stored] = (tmp_path / "backend-audit").glob("pack-version-*.json")
    catalog.pack_version.cache_clear()

    def no_read(self):
        raise AssertionError("read and hashed again instead of taken from the user cache")

    with monkeypatch.context() as m:
        m.setattr(catalog.Path, "read_bytes", no_read)
        assert catalog.pack_version() == computed
    stored.write_text('"0123456789ab"', encoding="utf-8")
    os.chmod(stored, 0o666)  # another user could have written it: computed again
    catalog.pack_version.cache_clear()
    assert catalog.pack_version() == computed
    catalog.pack_version.cache_clear()
