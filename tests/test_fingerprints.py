"""GitHub's primaryLocationLineHash, against expectations derived by hand from the algorithm.

Each expected value is written as the 100 UTF-16 code units a line's window holds (after dropping
spaces/tabs and normalising newlines), hashed by the closed-form definition below rather than by the
rolling update the implementation uses, so the two derivations check each other. The literal hex
values were also produced by a transcription of github/codeql-action's src/fingerprints.ts.
"""

from pathlib import Path

import pytest

from backend_audit.workflow.fingerprints import LineHasher, line_hashes, read_for_hash

EOF = 65535
LF = 10


def window_hash(units: list[int]) -> str:
    """sum(u_j * 37^(99-j)) mod 2^64 over the 100-unit window (missing units are the zero padding)."""
    assert len(units) <= 100
    units = units + [0] * (100 - len(units))
    return format(sum(u * 37 ** (99 - j) for j, u in enumerate(units)) % 2**64, "x")


def u(text: str) -> list[int]:
    """Code units of already-normalised text (no spaces, tabs or CR in it)."""
    return [ord(c) for c in text]


def test_single_line_and_the_phantom_line_after_the_final_newline():
    assert line_hashes("a\n") == [window_hash(u("a\n") + [EOF]) + ":1", window_hash([EOF]) + ":1"]
    # Golden values from the reference implementation.
    assert line_hashes("a\n") == ["243cbaa4685aab12:1", "c129715d7a2bc9a3:1"]


def test_empty_file_has_one_line_holding_only_the_end_marker():
    assert line_hashes("") == [window_hash([EOF]) + ":1"]


def test_no_trailing_newline():
    assert line_hashes("a\nb") == [window_hash(u("a\nb") + [EOF]) + ":1", window_hash(u("b") + [EOF]) + ":1"]


def test_crlf_and_lone_cr_hash_like_lf():
    lf = line_hashes("x = 1\ny = 2\n")
    assert line_hashes("x = 1\r\ny = 2\r\n") == lf
    assert line_hashes("x = 1\ry = 2\r") == lf
    assert lf[0] == window_hash(u("x=1\ny=2\n") + [EOF]) + ":1"
    assert lf[1] == window_hash(u("y=2\n") + [EOF]) + ":1"


def test_space_between_cr_and_lf_makes_two_line_breaks():
    # Python's tokenizer also sees "\r" and " \n" as two line ends, so line numbers keep agreeing.
    assert line_hashes("a\r \nb") == [
        window_hash(u("a\n\nb") + [EOF]) + ":1",
        window_hash(u("\nb") + [EOF]) + ":1",
        window_hash(u("b") + [EOF]) + ":1",
    ]


def test_tabs_and_spaces_are_dropped_everywhere():
    text = "\tif  x :\n\t\treturn\t1\n"
    expected = window_hash(u("ifx:\nreturn1\n") + [EOF]) + ":1"
    assert line_hashes(text)[0] == expected
    assert line_hashes("if x:\n    return 1\n")[0] == expected


def test_blank_and_whitespace_only_lines_start_at_their_newline():
    assert line_hashes("a\n  \n\nb") == [
        window_hash(u("a\n\n\nb") + [EOF]) + ":1",
        window_hash(u("\n\nb") + [EOF]) + ":1",
        window_hash(u("\nb") + [EOF]) + ":1",
        window_hash(u("b") + [EOF]) + ":1",
    ]


def test_non_bmp_characters_count_as_two_utf16_units():
    text = "s = '\U0001F600'\n"
    units = [ord("s"), ord("="), ord("'"), 0xD83D, 0xDE00, ord("'"), LF, EOF]
    assert line_hashes(text)[0] == window_hash(units) + ":1"
    # 99 ASCII units then an emoji: only its high surrogate fits in the window.
    text = "a" * 99 + "\U0001F600\n"
    assert line_hashes(text)[0] == window_hash([97] * 99 + [0xD83D]) + ":1"


def test_mixed_golden_value_with_crlf_tab_and_emoji():
    assert line_hashes('def f():\r\n\treturn "\U0001F600"\r\n') == [
        "19efb71a65b1887c:1", "35a3a26070521222:1", "c129715d7a2bc9a3:1"]


def test_window_is_exactly_100_units():
    assert line_hashes("a" * 150 + "\n")[0] == window_hash([97] * 100) + ":1"
    assert line_hashes("a" * 150 + "\n")[0] == line_hashes("a" * 100 + "b\n")[0]
    assert line_hashes("a" * 99 + "\n")[0] != line_hashes("a" * 99 + "b\n")[0]


def test_repeated_lines_are_numbered_by_occurrence():
    text = "x\n" * 150
    hashes = line_hashes(text)
    same = window_hash(u("x\n") * 50)
    # Line i's window starts at unit 2(i-1); lines 1..101 see 100 units of "x\n" before the end marker.
    assert hashes[:101] == [f"{same}:{k}" for k in range(1, 102)]
    assert hashes[101] == window_hash(u("x\n") * 49 + [EOF]) + ":1"
    assert hashes[149] == window_hash(u("x\n") + [EOF]) + ":1"
    assert len(hashes) == 151


def test_occurrence_counter_runs_over_the_whole_file():
    # Two blocks of "x" lines split by "y": the count for the shared window value carries on in the
    # second block instead of restarting.
    hashes = line_hashes("x\n" * 120 + "y\n" + "x\n" * 120)
    same = window_hash(u("x\n") * 50)
    assert hashes[:71] == [f"{same}:{k}" for k in range(1, 72)]
    assert not any(h.startswith(same + ":") for h in hashes[71:121])
    assert hashes[121:192] == [f"{same}:{k}" for k in range(72, 143)]
    assert hashes[120] == window_hash(u("y\n") + u("x\n") * 49) + ":1"


def test_upto_gives_the_same_prefix():
    text = "".join(f"line_{i} = {i}\n" for i in range(300)) + "x\n" * 120
    full = line_hashes(text)
    assert line_hashes(text, upto=350) == full[:350]
    assert line_hashes(text, upto=0) == []


def test_wraparound_is_unsigned_64_bit():
    for h in line_hashes("\uffff" * 120 + "\n"):
        value = int(h.split(":")[0], 16)
        assert 0 <= value < 2**64
    assert line_hashes("\uffff" * 100)[0] == window_hash([0xFFFF] * 100) + ":1"


def test_file_reading_keeps_bom_and_replaces_invalid_utf8(tmp_path: Path):
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfa\n")
    assert line_hashes(read_for_hash(bom))[0] == window_hash([0xFEFF] + u("a\n") + [EOF]) + ":1"
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"\xff\n")
    assert line_hashes(read_for_hash(bad))[0] == window_hash([0xFFFD, LF, EOF]) + ":1"


def test_line_hasher_reads_files_once_and_tolerates_missing_ones(tmp_path: Path):
    (tmp_path / "m.py").write_text("a = 1\nb = 2\n", encoding="utf-8")
    hasher = LineHasher(tmp_path)
    hasher.prepare({"m.py": 2, "gone.py": 1})
    assert hasher.get("m.py", 2) == line_hashes("a = 1\nb = 2\n")[1]
    assert hasher.get("gone.py", 1) is None
    assert hasher.get("m.py", 99) is None


@pytest.mark.parametrize("text", ["x = 1\n", "def f():\n    return 1\n", "a\r\nb\rc\n"])
def test_moving_code_down_keeps_the_hash(text):
    moved = "".join(f"# header {i}\n" for i in range(10)) + text
    original, shifted = line_hashes(text), line_hashes(moved)
    assert shifted[10:] == original
