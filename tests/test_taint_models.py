"""Every taint model file carries examples, and they are tests: the flow is flagged at its sink line by its
rule at the rule's level, and the sanitised twin is silent. Also the model loader's errors."""

from __future__ import annotations

import pytest

from backend_audit.catalog import Example, load_rules
from backend_audit.errors import ConfigError
from backend_audit.model.taint import models
from backend_audit.testing import run_example

FILES = models.shipped()
CASES = [(data["name"], i, ex) for data in FILES for i, ex in enumerate(data.get("examples") or ())]
LEVELS = {r.id: r.level for r in load_rules()}


def test_every_model_file_has_examples():
    names = [data["name"] for data in FILES]
    assert len(names) >= 9 and len(set(names)) == len(names)
    for data in FILES:
        assert data.get("examples"), f"taint model {data['name']} has no examples"


@pytest.mark.parametrize("name,index,case", CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_model_example(name, index, case):
    rule = case["rule"]
    bad = Example(rule_id=rule, kind="bad", index=index, files={"app/views.py": case["bad"]},
                  expected=tuple(("app/views.py", line) for line in case["lines"]), options={})
    found, skipped = run_example(bad)
    assert not skipped
    assert sorted({f.line for f in found}) == sorted(case["lines"]), [f.message for f in found]
    assert all(f.level == LEVELS[rule] for f in found), [(f.level, f.message) for f in found]
    assert all(f.trace and f.trace[-1]["line"] == f.line for f in found)
    good = Example(rule_id=rule, kind="good", index=index, files={"app/views.py": case["good"]}, expected=(),
                   options={})
    found, _ = run_example(good)
    assert not found, [f.message for f in found]


@pytest.mark.parametrize("data,message", [
    ([], "must be a mapping"),
    ({"sinks": [{"call": "x.y", "kind": "nope"}]}, "kind must be one of"),
    ({"sinks": [{"call": "x.y", "method": "y", "kind": "sql"}]}, "exactly one of"),
    ({"sanitizers": [{"call": "x.y", "kinds": ["weird"]}]}, "unknown kind"),
    ({"bogus": []}, "unknown section"),
    ({"sources": [{"attrs": ["a"]}]}, "needs 'object'"),
    ({"hook-params": [{"methods": {"create": "validated_data"}}]}, "needs 'class-suffix'"),
    ({"hook-params": [{"class-suffix": "Serializer", "methods": ["create"]}]}, "needs 'class-suffix'"),
])
def test_invalid_models_are_one_line_errors(data, message):
    with pytest.raises(ConfigError) as exc:
        models.validate(data, "bad.yaml")
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_user_model_paths_stay_inside_the_project(tmp_path):
    with pytest.raises(ConfigError, match="outside the project"):
        models.read_user_models(["../elsewhere.yaml"], tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        models.read_user_models(["missing.yaml"], tmp_path)
    (tmp_path / "m.yaml").write_text("sinks: [{call: app.db.raw_query, kind: sql}]\n", encoding="utf-8")
    loaded = models.read_user_models(["m.yaml"], tmp_path)
    assert "app.db.raw_query" in models.load(loaded).call_sinks
