"""Compiled regex programs kept in the user cache (untrusted/regex_programs.py): a pattern rebuilt from a stored
program is the pattern `re` compiles, only the user's private file is read, and the file stays bounded."""

import itertools
import json
import os
import re
import subprocess
import sys

import pytest

from backend_audit.untrusted import regex_programs, user_cache

PATTERNS = [
    (r"(?P<scheme>https?)://(?P<host>[^/:]+)(?::(\d+))?", 0),
    (r"password|secret|token", re.IGNORECASE),
    (r"""
        ^\s*(?:def|class)\s+   # a definition
        (\w+)
    """, re.VERBOSE | re.MULTILINE),
    (r"(?a)\bselect\b.*\bfrom\b", re.DOTALL),
    ("[\u00e9\u00e8]t\u00e9", 0),
]


def _fresh_process():
    re.purge()
    regex_programs._stored = None


@pytest.fixture()
def programs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _fresh_process()
    yield tmp_path / "backend-audit"
    _fresh_process()


def _run(patterns):
    """One run of the command: seeded, the patterns compiled, recorded."""
    regex_programs.seed()
    compiled = [re.compile(p, f) for p, f in patterns]
    regex_programs.record()
    _fresh_process()
    return compiled


def _compile_and_record():
    _run(PATTERNS)
    return _run(PATTERNS)  # a pattern is kept when a second run compiles it too


def test_a_seeded_pattern_is_the_one_re_compiles(programs):
    before = _compile_and_record()
    [stored] = programs.glob("regex-programs-*.json")
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    regex_programs.seed()
    seeded = {key: re._cache[key] for key in re._cache}  # what the next run's `re.compile` gets
    for (pattern, flags), first in zip(PATTERNS, before):
        again = re.compile(pattern, flags)
        assert again is seeded[(str, pattern, flags)]  # rebuilt from the program, not compiled
        assert again == first and again.groupindex == first.groupindex and again.groups == first.groups
        assert again.flags == first.flags
    host = re.compile(PATTERNS[0][0]).match("https://example.org:8080/x")
    assert host.group("host") == "example.org" and host.group(3) == "8080"
    assert re.compile(PATTERNS[2][0], PATTERNS[2][1]).findall("x\n  def run(a):\nclass K:") == ["run", "K"]


def test_a_program_others_could_write_is_not_read(programs):
    _compile_and_record()
    [stored] = programs.glob("regex-programs-*.json")
    data = json.loads(stored.read_text(encoding="utf-8"))
    key = f"{int(re.IGNORECASE)}\0password|secret|token"
    planted = re.compile("nothing-matches-this", re.IGNORECASE)
    data[key] = [planted.flags, data[f"0\0{PATTERNS[0][0]}"][1], 0, {}, [None]]  # another pattern's program
    stored.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(stored, 0o666)
    regex_programs.seed()
    assert not regex_programs._stored
    assert re.compile("password|secret|token", re.IGNORECASE).search("the TOKEN")


def test_a_malformed_program_is_skipped_and_the_pattern_compiled_as_usual(programs):
    _compile_and_record()
    [stored] = programs.glob("regex-programs-*.json")
    data = json.loads(stored.read_text(encoding="utf-8"))
    key = f"{int(re.IGNORECASE)}\0password|secret|token"
    data[key][1] = [999, 1, 2]  # not a program the engine accepts
    data["0\0broken"] = "not an entry"
    stored.write_text(json.dumps(data), encoding="utf-8")
    regex_programs.seed()
    assert key not in regex_programs._stored and "0\0broken" not in regex_programs._stored
    assert re.compile("password|secret|token", re.IGNORECASE).search("the TOKEN")
    regex_programs.record()
    _fresh_process()
    _run([("password|secret|token", re.IGNORECASE)])  # seen again: the broken entries give way to a good one
    kept = user_cache.read_json(stored.name)
    assert "0\0broken" not in kept and kept[key][1] != [999, 1, 2]


def test_the_file_is_bounded_and_the_oldest_make_room(programs, monkeypatch):
    monkeypatch.setattr(regex_programs, "MAX_ENTRIES", 3)
    for i in range(6):
        _run([(f"repo-pattern-{i}", 0)])
        _run([(f"repo-pattern-{i}", 0)])
    [stored] = programs.glob("regex-programs-*.json")
    assert [k.split("\0")[1] for k in user_cache.read_json(stored.name)] == [
        "repo-pattern-3", "repo-pattern-4", "repo-pattern-5"]
    monkeypatch.setattr(regex_programs, "MAX_CODE", 4)
    _run([("a much longer pattern than four opcodes", 0)])
    _run([("a much longer pattern than four opcodes", 0)])
    assert "0\0a much longer pattern than four opcodes" not in user_cache.read_json(stored.name)
    monkeypatch.setattr(regex_programs, "MAX_CODE", 16 * 1024)
    monkeypatch.setattr(regex_programs, "MAX_BYTES", 120)  # room for the program of `z` alone
    for _ in range(2):
        _run([("z", 0)])
    assert list(user_cache.read_json(stored.name)) == ["0\0z"]  # the older ones made room


def test_a_pattern_that_changes_from_run_to_run_is_never_kept(programs):
    """The tokenizer joins a set of string prefixes: its pattern's text follows the hash seed."""
    for order in list(itertools.permutations(["rb", "f", "u", "br"]))[:6]:
        _run([(f"(?:{'|'.join(order)})'", 0), ("stable", 0)])
    [stored] = programs.glob("regex-programs-*.json")
    assert list(user_cache.read_json(stored.name)) == ["0\0stable"]
    [seen] = programs.glob("regex-seen-*.json")
    assert len(user_cache.read_json(seen.name)) == 6  # the variants' sightings; the stable one's gone


def test_nothing_is_recorded_without_a_seed(programs):
    re.compile("never seeded")
    regex_programs.record()  # a library caller that never ran the command's scan
    assert not list(programs.glob("regex-*.json"))


def test_the_second_run_of_the_command_gives_the_same_report(tmp_path):
    """The installed command's entry (console) records after its scan; the next run seeds from that."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text("import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"
                                 "PASSWORD = 'hunter2-hunter2'\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home")}
    scan = ["scan", str(app), "--no-cache", "-q", "-f"]
    for _ in range(2):  # seen, then kept
        subprocess.run([sys.executable, "-m", "backend_audit", *scan, f"json:{tmp_path / 'r0.json'}"], env=env,
                       capture_output=True, check=False)
        [seen] = (tmp_path / "home" / "backend-audit").glob("regex-seen-*.json")
    [stored] = (tmp_path / "home" / "backend-audit").glob("regex-programs-*.json")
    assert len(json.loads(stored.read_text(encoding="utf-8"))) > 50
    code = ("import sys; from backend_audit.cli import main; main(sys.argv[1:]); "
            "from backend_audit.untrusted import regex_programs; print(len(regex_programs._stored))")
    seeded = subprocess.run([sys.executable, "-c", code, *scan, f"json:{tmp_path / 'r1.json'}"], env=env,
                            capture_output=True, text=True, check=False).stdout.split()
    assert int(seeded[-1]) > 50
    first, second = (json.loads((tmp_path / f"r{i}.json").read_text(encoding="utf-8")) for i in range(2))
    assert first["findings"] and second["findings"] == first["findings"]
    assert second["checklist"] == first["checklist"]
