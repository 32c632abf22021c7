"""reporters.pretty_json gives json.dumps(indent=2, ensure_ascii=False)'s bytes for any data."""

import json
import random

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan
from backend_audit.reporters import json_, pretty_json, sarif


def standard(data, sort_keys=False):
    return json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False)


def test_odd_values_give_the_standard_bytes():
    cases = [{}, [], "", 0, -1, 10**30, 1.5, -0.0, 1e300, 5e-324, True, False, None, "é\u2028\"\\\n\t\x00\udcc3",
             {"b": [1, {"a": []}], "a": {}}, [[[[]]]], (1, (2,)), {"k": (1, 2)},
             {1: "int key"}, [float("nan")], [float("inf")], {"x": {1.5: 2}}]
    for case in cases:
        for sort_keys in (False, True):
            assert pretty_json.dumps(case, sort_keys) == standard(case, sort_keys), case


def test_random_nested_data():
    rng = random.Random(7)

    def value(depth):
        kind = rng.randrange(7 if depth < 5 else 4)
        if kind == 0:
            return rng.choice(["", "a", "ü\n", "\"q\"", "x" * 30])
        if kind == 1:
            return rng.choice([0, 1, -5, 2**40, 0.25, -1e-7, True, False, None])
        if kind in (2, 3):
            return rng.choice(["k", "é", 3])
        if kind in (4, 5):
            return {rng.choice("abcdefg") + str(i): value(depth + 1) for i in range(rng.randrange(4))}
        return [value(depth + 1) for _ in range(rng.randrange(4))]

    for _ in range(300):
        data = value(0)
        for sort_keys in (False, True):
            assert pretty_json.dumps(data, sort_keys) == standard(data, sort_keys)


def test_a_container_inside_itself_fails_as_json_does():
    loop: list = []
    loop.append(loop)
    for call in (lambda: pretty_json.dumps(loop), lambda: standard(loop)):
        try:
            call()
        except ValueError as exc:
            assert "Circular reference" in str(exc)
        else:
            raise AssertionError("no error")


def test_reports_of_the_example_backend(tmp_path):
    from pathlib import Path

    result = scan([Path(__file__).resolve().parents[1] / "examples"], Settings(jobs=1, extra={"no_cache": True}),
                  use_git=False)
    data = json_.to_data(result, {})
    assert json_.render(result, {}) == standard(data, True) + "\n"
    text = sarif.render(result, {})
    assert text == standard(json.loads(text)) + "\n"
