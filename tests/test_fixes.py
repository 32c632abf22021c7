"""Autofix end to end: --diff writes nothing, --fix keeps every other byte, a second --fix changes nothing,
--unsafe-fixes adds what may change behaviour; fixers hold on generated and real code."""

import ast
import json
import shutil
import subprocess

from hypothesis import HealthCheck, given, settings, strategies as st

from backend_audit.config import Settings
from backend_audit.fixes.apply import fix_result
from backend_audit.pipeline.runner import analyse_text, scan

from .conftest import EXAMPLES
from .sarif_validation import assert_valid
from .test_cli import run, write

BEFORE = '''\
import logging

import requests
import yaml

logger = logging.getLogger(__name__)


def sync(path, seen=[]):
    # the settings file
    with open(path) as fh:
        config = yaml.load(fh, Loader=yaml.FullLoader)
    try:
        reply = requests.get(config["url"], verify=False)
    except requests.RequestException as exc:
        logger.error(f"sync of {path} failed: {exc}")
        return None
    print("synced", path)
    seen.append(path)  # the shared default is changed: a mutable-default finding to fix
    return reply
'''

SAFE = '''\
import logging

import requests
import yaml

logger = logging.getLogger(__name__)


def sync(path, seen=None):
    if seen is None:
        seen = []
    # the settings file
    with open(path) as fh:
        config = yaml.safe_load(fh)
    try:
        reply = requests.get(config["url"])
    except requests.RequestException as exc:
        logger.exception("sync of %s failed: %s", path, exc)
        return None
    print("synced", path)
    seen.append(path)  # the shared default is changed: a mutable-default finding to fix
    return reply
'''

ARGS = ("--ignore", "BA-TEST", "-j", "1")


def test_diff_then_fix_then_nothing_then_unsafe(cli, clean_env, tmp_path):
    target = write(tmp_path, "app/sync.py", BEFORE)
    diff = run(cli, "scan", str(tmp_path), *ARGS, "--diff", cwd=tmp_path, env=clean_env)
    assert diff.returncode == 1, diff.stderr
    assert "-        logger.error(f\"sync of {path} failed: {exc}\")" in diff.stdout
    assert "+        logger.exception(\"sync of %s failed: %s\", path, exc)" in diff.stdout
    assert target.read_text() == BEFORE  # --diff writes nothing

    fixed = run(cli, "scan", str(tmp_path), *ARGS, "--fix", cwd=tmp_path, env=clean_env)
    assert target.read_text() == SAFE, fixed.stderr
    assert "fixed 5 findings in 1 file" in fixed.stderr
    assert fixed.returncode == 0  # what is left (print, missing timeout) is below the error gate

    again = run(cli, "scan", str(tmp_path), *ARGS, "--fix", cwd=tmp_path, env=clean_env)
    assert target.read_text() == SAFE and "fixed 0 findings" in again.stderr
    assert "[*]" not in again.stdout

    unsafe = run(cli, "scan", str(tmp_path), *ARGS, "--fix", "--unsafe-fixes", cwd=tmp_path, env=clean_env)
    text = target.read_text()
    assert 'requests.get(config["url"], timeout=10)' in text and 'logger.info("%s %s", "synced", path)' in text
    assert "PASS" in unsafe.stdout and ast.parse(text)


def test_config_fix_is_not_applied_in_ci(cli, clean_env, tmp_path):
    target = write(tmp_path, "app/sync.py", BEFORE)
    (tmp_path / "pyproject.toml").write_text("[tool.backend-audit]\nfix = true\n")
    run(cli, "scan", str(tmp_path), *ARGS, cwd=tmp_path, env={**clean_env, "CI": "true"})
    assert target.read_text() == BEFORE
    run(cli, "scan", str(tmp_path), *ARGS, cwd=tmp_path, env=clean_env)
    assert target.read_text() == SAFE


def test_sarif_carries_fixes_and_stays_valid(cli, clean_env, tmp_path):
    write(tmp_path, "app/sync.py", BEFORE)
    out = tmp_path / "r.sarif"
    run(cli, "scan", str(tmp_path), *ARGS, "--show-fixes", "-f", f"sarif:{out}", cwd=tmp_path, env=clean_env)
    log = json.loads(out.read_text())
    assert_valid(out.read_text())
    fixes = [r["fixes"][0] for r in log["runs"][0]["results"] if "fixes" in r]
    assert len(fixes) == 7
    change = fixes[0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "app/sync.py" and change["replacements"]


def _fix_tree(root, unsafe=True):
    config = Settings(jobs=1, ignore=("BA-TEST",), extra={"fixes": True})
    result = scan([root], config, use_git=False)
    return result, fix_result(result, lambda rel, text: analyse_text(root, rel, text, config), unsafe)


def test_fixers_on_real_code_parse_settle_and_touch_only_their_lines(tmp_path):
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    result, fixed = _fix_tree(root)
    changed = [ff for ff in fixed if ff.changed]
    assert changed, "the example backend has fixable findings"
    assert not [why for ff in fixed for why in ff.refused]
    for ff in changed:
        ast.parse(ff.after)
        (root / ff.path).write_text(ff.after)
    _, again = _fix_tree(root)
    assert not [ff.path for ff in again if ff.changed]  # idempotent


PIECES = st.lists(st.one_of(
    st.text(alphabet="ab %{}'\"\\", max_size=6).map(lambda s: ("text", s)),
    st.sampled_from(["user", "user.id", "len(items)", "items[0]", "f(x)"]).map(lambda e: ("expr", e)),
), min_size=1, max_size=5)


def _fstring(pieces) -> str | None:
    body = ""
    for kind, value in pieces:
        if kind == "expr":
            body += "{" + value + "}"
        else:
            body += value.replace("\\", "\\\\").replace('"', '\\"').replace("{", "{{").replace("}", "}}")
    return f'f"{body}"'


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=PIECES, tail=st.sampled_from(["", ", extra={'k': 1}", ", stacklevel=2"]))
def test_lazy_logging_fix_keeps_the_message(tmp_path_factory, pieces, tail):
    root = tmp_path_factory.mktemp("gen")
    code = (f"import logging\nlog = logging.getLogger(__name__)\n\n\ndef f(user, items, x):\n"
            f"    log.info({_fstring(pieces)}{tail})  # keep\n    return 1\n")
    (root / "gen.py").write_text(code)
    _, fixed = _fix_tree(root, unsafe=False)
    for ff in fixed:
        if not ff.changed:
            continue
        ast.parse(ff.after)
        before, after = ff.before.splitlines(), ff.after.splitlines()
        assert before[:5] == after[:5] and before[6:] == after[6:]  # only the flagged line changed
        assert after[5].endswith("  # keep")
        call = ast.parse(after[5].strip()).body[0].value
        template = call.args[0].value
        # the %-template formats back to the f-string's text for the same values
        values = {"user": "U", "user.id": 7, "len(items)": 2, "items[0]": "I", "f(x)": "F"}
        expected = "".join(str(values[v]) if k == "expr" else v for k, v in pieces)
        args = [values[ast.unparse(a)] for a in call.args[1:]]
        assert template % tuple(args) == expected


def test_html_report_carries_the_suggested_change(tmp_path):
    from backend_audit.reporters.html import page_data

    write(tmp_path, "app/sync.py", BEFORE)
    result, _ = _fix_tree(tmp_path)
    views = [f[10] for f in page_data(result)["findings"] if f[10]]
    titles = {v[0] for v in views}
    assert "use yaml.safe_load" in titles and all(v[1] in ("safe", "unsafe") for v in views)
    [yaml_fix] = [v for v in views if v[0] == "use yaml.safe_load"]
    assert yaml_fix[2] == [[12, 13, "        config = yaml.safe_load(fh)\n"]]


def test_loguru_message_advises_braces_and_is_not_rewritten_to_percent_s(tmp_path):
    """loguru formats with str.format: a `%s` template would reach the log unformatted."""
    (tmp_path / "pay.py").write_text('from loguru import logger\n\n\ndef paid(h):\n    logger.info(f"paid {h}")\n')
    result, fixed = _fix_tree(tmp_path)
    found = [f for f in result.findings if f.rule_id == "BA-LOG-002"]
    assert len(found) == 1 and "{} placeholders" in found[0].message
    assert not [ff for ff in fixed if ff.changed]


def test_verify_false_under_the_operators_opt_out_is_not_removed(tmp_path):
    """`if not settings.VERIFY_SSL: ... verify=False` is the switch itself: a by-mode note, never fixed."""
    (tmp_path / "fetch.py").write_text(
        "import requests\n\n\ndef fetch(url, settings):\n    if not settings.VERIFY_SSL:\n"
        "        return requests.get(url, verify=False, timeout=5)\n    return requests.get(url, timeout=5)\n\n\n"
        "def other(url):\n    return requests.get(url, verify=False, timeout=5)\n")
    result, fixed = _fix_tree(tmp_path)
    levels = sorted((f.line, f.level) for f in result.findings if f.rule_id == "BA-SEC-002")
    assert levels == [(6, "note"), (11, "error")]
    [changed] = [ff for ff in fixed if ff.changed]
    assert "verify=False" in changed.after.splitlines()[5] and "verify=False" not in changed.after.splitlines()[10]
