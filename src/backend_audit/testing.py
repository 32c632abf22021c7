"""Rule examples as tests (Fixit's idea), public so teams with local rules can reuse it.

Each example is written to a temporary tree and scanned through the same pipeline the CLI uses, with
only its rule enabled: bad examples must be flagged at exactly their lines, good ones not at all.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .catalog import Example, Rule, load_rules
from .config import Settings
from .findings import Finding
from .pipeline.runner import scan


def all_examples(rules: tuple[Rule, ...] | None = None) -> list[Example]:
    return [ex for rule in (rules or load_rules()) for ex in rule.examples]


def run_example(example: Example, root: Path | None = None) -> tuple[list[Finding], list]:
    """Scan the example's files; return (findings of its rule, skipped entries)."""
    with tempfile.TemporaryDirectory(prefix="ba-example-") as tmp:
        base = Path(root or tmp)
        for rel, code in example.files.items():
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code, encoding="utf-8")
        # an example pins the check's own level; the blind calibration on top is tested on its own
        settings = Settings(select=(example.rule_id,), jobs=1, calibrated_levels=False,
                            rule_options={example.rule_id: {k.replace("-", "_"): v for k, v in example.options.items()}}
                            if example.options else {})
        result = scan([base], settings, use_git=False)
        # sub-checks ("BA-AUTH-001/drf-default-open") belong to their rule's examples
        found = [f for f in result.findings if f.rule_id.split("/")[0] == example.rule_id]
        return found, result.skipped


def fix_example(example: Example) -> dict[str, str]:
    """The example's files after `--fix` (`--unsafe-fixes` for a rule whose fix is unsafe), run twice: the
    second run must change nothing."""
    from .catalog import rules_by_id
    from .fixes.apply import fix_result
    from .pipeline.runner import analyse_text

    unsafe = rules_by_id()[example.rule_id].fix == "unsafe"
    with tempfile.TemporaryDirectory(prefix="ba-fix-example-") as tmp:
        base = Path(tmp)
        for rel, code in example.files.items():
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            (base / rel).write_text(code, encoding="utf-8")
        # an example pins the check's own level; the blind calibration on top is tested on its own
        settings = Settings(select=(example.rule_id,), jobs=1, calibrated_levels=False, extra={"fixes": True},
                            rule_options={example.rule_id: {k.replace("-", "_"): v for k, v in example.options.items()}}
                            if example.options else {})
        out = dict(example.files)
        for round_ in (1, 2):
            result = scan([base], settings, use_git=False)
            fixed = fix_result(result, lambda rel, text: analyse_text(base, rel, text, settings), unsafe)
            refused = [why for ff in fixed for why in ff.refused]
            assert not refused, f"{example.test_id}: fix refused: {refused}"
            changed = {ff.path: ff.after for ff in fixed if ff.changed}
            if round_ == 2:
                assert not changed, f"{example.test_id}: a second --fix changed {sorted(changed)} again"
            for rel, text in changed.items():
                (base / rel).write_text(text, encoding="utf-8")
                out[rel] = text
        return out


def check_example(example: Example) -> None:
    """Raise AssertionError with a readable diff when the example does not behave."""
    if example.kind == "fixed":
        got = fix_example(example)
        for rel, expected in example.fixed.items():
            assert got[rel] == expected, f"{example.test_id}: --fix gave\n{got[rel]}\nexpected\n{expected}"
        return
    found, skipped = run_example(example)
    assert not skipped, f"{example.test_id}: example could not be analysed: {[s.reason for s in skipped]}"
    got = sorted({(f.path, f.line) for f in found})
    _levels_declared(example, found)
    if example.kind == "bad":
        assert got == sorted(set(example.expected)), (
            f"{example.test_id}: expected findings at {sorted(set(example.expected))}, got {got}: "
            f"{[f.message for f in found]}")
        wrong = sorted((f.path, f.line, f.level) for f in found if example.level and f.level != example.level)
        assert not wrong, f"{example.test_id}: expected every finding at {example.level!r}, got {wrong}"
    else:
        assert not found, f"{example.test_id}: good example was flagged at {got}: {[f.message for f in found]}"


def _levels_declared(example: Example, found: list[Finding]) -> None:
    """Every level a finding carries is one the rule's metadata lists (`rules list`/`rules show` never
    understate a rule), and a sub-check reported at another level than its rule's declares it."""
    from .catalog import rules_by_id

    rule = rules_by_id().get(example.rule_id)
    if rule is None:
        return
    for f in found:
        assert f.level in rule.emitted_levels, (
            f"{example.test_id}: a finding at level {f.level!r}, but the rule's metadata lists "
            f"{rule.emitted_levels}; add it under `levels:` or `subchecks:`")
        sub = f.properties.get("sub") or f.rule_id.partition("/")[2]
        spec = rule.subchecks.get(sub) if sub else None
        # a level the rule's `levels:` explains is declared too (an HSTS sub-check with a note side)
        if spec is not None:
            assert f.level == spec["level"] or f.level in rule.levels, (
                f"{example.test_id}: sub-check {sub} reported at {f.level!r}, its metadata says {spec['level']!r}")
        elif sub and f.level != rule.level and f.level not in rule.levels:
            raise AssertionError(f"{example.test_id}: sub-check {sub} reported at {f.level!r}, not the rule's "
                                 f"{rule.level!r}: declare it under `subchecks:` with its level")
