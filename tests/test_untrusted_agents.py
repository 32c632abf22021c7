"""Agent files come with the scanned repository: nothing outside it is read through them, their YAML front
matter is bounded, and their paths never show the runner's checkout location (docs/security.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend_audit.cli import main
from backend_audit.compliance.agents import parse_text, split_front_matter
from backend_audit.untrusted import yaml_limits

SECRET = "- [ ] SECRET-LINE-FROM-OUTSIDE use parameterised SQL queries\n"
AGENT = "---\nname: team\n---\n# Checklist\n- [ ] Use parameterised SQL queries\n"
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")))


def _checklist(capsys, *args: str) -> dict:
    code = main(["checklist", *args, "--format", "json", "--no-cache"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return json.loads(out)


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)  # a repository root for agent discovery, without running git
    (root / "app.py").write_text("x = 1\n")
    return root


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "private.md").write_text("---\nname: private\n---\n# Checklist\n" + SECRET)
    return folder


def test_agent_file_symlinked_outside_is_not_read(repo, outside, capsys):
    agents = repo / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "team.md").write_text(AGENT)
    os.symlink(outside / "private.md", agents / "evil.md")
    data = _checklist(capsys, str(repo))
    assert "SECRET-LINE" not in json.dumps(data)
    assert "outside the repository" in json.dumps(data)


def test_agents_folder_symlinked_outside_is_not_read(repo, outside, capsys):
    (repo / ".claude").mkdir()
    os.symlink(outside, repo / ".claude" / "agents")
    data = _checklist(capsys, str(repo))
    assert "SECRET-LINE" not in json.dumps(data)


def test_config_agents_folder_with_a_symlink_out_is_not_read(repo, outside, capsys):
    (repo / "team").mkdir()
    os.symlink(outside / "private.md", repo / "team" / "evil.md")
    (repo / "pyproject.toml").write_text('[tool.backend-audit]\nagents = ["team"]\n')
    data = _checklist(capsys, str(repo))
    assert "SECRET-LINE" not in json.dumps(data)


def test_agents_named_on_the_command_line_are_the_users_choice(repo, outside, capsys):
    data = _checklist(capsys, str(repo), "--agents", str(outside / "private.md"))
    assert "SECRET-LINE" in json.dumps(data)


def test_outside_git_agent_paths_are_relative(tmp_path, capsys):
    root = tmp_path / "plain"
    (root / ".claude" / "agents").mkdir(parents=True)
    (root / ".claude" / "agents" / "team.md").write_text(AGENT)
    (root / "app.py").write_text("x = 1\n")
    data = _checklist(capsys, str(root))
    assert [a["path"] for a in data["agents"]] == [".claude/agents/team.md"]
    assert str(tmp_path).lstrip("/") not in json.dumps(data)


def test_outside_git_folders_above_the_target_are_not_searched(tmp_path, capsys):
    (tmp_path / ".claude" / "agents").mkdir(parents=True)
    (tmp_path / ".claude" / "agents" / "above.md").write_text("---\nname: above\n---\n# Checklist\n" + SECRET)
    root = tmp_path / "plain"
    root.mkdir()
    (root / "app.py").write_text("x = 1\n")
    data = _checklist(capsys, str(root))
    assert data["source"] == "bundled" and "SECRET-LINE" not in json.dumps(data)


@pytest.mark.parametrize("front,needle", [
    (BOMB, "aliases expand"),
    ("a: &a [*a]\n", "refers to a node that contains it"),
    ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested deeper"),
    ("a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n", "nested deeper"),
    ("".join(f"k{i}: &x{i} 1\n" for i in range(200)) + "l: [" + ",".join(f"*x{i}" for i in range(200)) + "]\n",
     "aliases"),
])
def test_front_matter_limits(front, needle):
    data, _, _, warnings = split_front_matter(f"---\n{front}---\n# Checklist\n- [ ] x\n")
    assert data == {} and any(needle in w for w in warnings), warnings


def test_billion_laughs_stays_small_in_a_memory_capped_child(tmp_path):
    # A regression would take gigabytes: the child has 1 GiB of address space and must finish cleanly.
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
            "from backend_audit.compliance.agents import parse_text;"
            "a = parse_text(sys.stdin.read(), 'bomb.md');"
            "assert any('aliases' in w for w in a.warnings), a.warnings")
    done = subprocess.run([sys.executable, "-c", code], input=f"---\n{BOMB}---\n# Checklist\n- [ ] x\n",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_ordinary_front_matter_and_anchors_still_load():
    assert yaml_limits.load("name: x\ntools: [a, b]\nbase: &b {k: 1}\nother: *b\n") == {
        "name": "x", "tools": ["a", "b"], "base": {"k": 1}, "other": {"k": 1}}
    agent = parse_text(AGENT, "team.md")
    assert agent.name == "team" and agent.items


def test_long_bracket_line_is_parsed_in_linear_time():
    # Found by tests/test_fuzz_inputs.py: the link-stripping regex was quadratic on '[[[[...]]]]'. A child
    # with a timeout, so a regression fails instead of hanging the suite for hours.
    code = ("from backend_audit.compliance.agents import parse_text;"
            "parse_text('# Checklist\\n- [ ] a ' + '[' * 400000 + ']' * 400000 + '\\n- [ ] b\\n', 'a.md')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
