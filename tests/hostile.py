"""Build a tree of hostile inputs and say how each one must end: analysed, or skipped for a reason.

Shared by the robustness tests and tests/fuzz/run_fuzz.py. Sizes are real (20 MB, 100,000 elements,
nesting past the recursion limit), since a scaled-down tree would not prove anything.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

ANALYSED = "analysed"
PARTIAL = "partial: "  # expected values starting so: analysed, with a partial note containing the rest


def matches(expected: str, got: str) -> bool:
    if expected == ANALYSED:
        return got == ANALYSED
    if expected.startswith(PARTIAL):
        return got.startswith(PARTIAL) and expected[len(PARTIAL):] in got
    return not got.startswith(PARTIAL) and got != ANALYSED and expected in got


def is_skip(expected: str) -> bool:
    return expected != ANALYSED and not expected.startswith(PARTIAL)


def deep_ifs(levels: int) -> str:
    return "".join(" " * i + "if x:\n" for i in range(levels)) + " " * levels + "pass\n"


# name -> (content, expected): expected is ANALYSED or a fragment the skip reason must contain.
FILES: dict[str, tuple[bytes, str]] = {
    "syntax_error.py": (b"def f(:\n    pass\n", "syntax error at line 1"),
    "python2.py": (b'import sys\nprint "hello"\n', "Python 2"),
    # libcst's grammar fallback accepts this one; the reason must still say Python 2, not "newer Python".
    "python2_except.py": (b"try:\n    pass\nexcept ValueError, e:\n    pass\n", "looks like Python 2"),
    # the grammar fallback (libcst) raises CSTValidationError, not a syntax error, on this one (fuzzing).
    "mixed_bytes.py": (b'"""doc""" b"x"\n', "cannot mix bytes and nonbytes literals"),
    "nul_byte.py": (b"x = 1\n\x00y = 2\n", "NUL"),
    "latin1_cookie.py": (b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n", ANALYSED),
    "latin1_no_cookie.py": (b"name = '\xe9t\xe9'\n", "cannot decode as utf-8"),
    "wrong_cookie.py": (b"# coding: ascii\nname = '\xc3\xa9'\n", "cannot decode as ascii"),
    "unknown_cookie.py": (b"# coding: klingon\nx = 1\n", "encoding"),
    # codecs that are not text encodings, or that always fail: a reason, never "internal error"
    "rot13_cookie.py": (b"# coding: rot13\nx = 1\n", "not a text encoding"),
    "hex_cookie.py": (b"# coding: hex\nx = 1\n", "not a text encoding"),
    "zlib_cookie.py": (b"# coding: zlib\nx = 1\n", "not a text encoding"),
    "undefined_cookie.py": (b"# coding: undefined\nx = 1\n", "'undefined' codec"),
    "bom.py": (b"\xef\xbb\xbfimport os\nx = 1\n", ANALYSED),
    "bom_and_cookie.py": (b"\xef\xbb\xbf# coding: utf-8\nx = 1\n", ANALYSED),
    "crlf.py": (b"import os\r\n\r\ndef f():\r\n    return 1\r\n", ANALYSED),
    "lone_cr.py": (b"import os\r\rdef f():\r    return 1\r", ANALYSED),
    "huge.py": (b"x = 1\n" * (20 * 1024 * 1024 // 6), "larger than the 5 MiB limit"),
    "big_list.py": (b"x = [" + b"1, " * 100_000 + b"]\n", ANALYSED),
    "big_dict.py": (b"x = {" + b"".join(b"%d: %d, " % (i, i) for i in range(100_000)) + b"}\n", ANALYSED),
    "deep_brackets.py": (b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "brackets nested"),
    # Each of these overflows a recursive parser or visitor: refused up front, with a reason.
    "plus_chain.py": (b"x = " + b"+".join([b"1"] * 100_000) + b"\n", "nested too deeply"),
    "attr_chain.py": (b"x = a" + b".b" * 20_000 + b"\n", "nested too deeply"),
    "not_chain.py": (b"x = " + b"not " * 5000 + b"1\n", "nested too deeply"),
    # Flat in CPython's ast (libcst's native parser overflowed its stack on it before the ast engine).
    "and_chain.py": (b"x = " + b" and ".join([b"a"] * 20_000) + b"\n", ANALYSED),
    # the host parser rejects it, so libcst's grammar fallback reads it, and its native parser overflows
    "and_chain_syntax_error.py": (b"x = " + b" and ".join([b"a"] * 20_000) + b"\nx = = 1\n",
                                  "analysis crashed the worker"),
    "deep_ifs.py": (deep_ifs(120).encode(), "too many levels of indentation"),
    "empty.py": (b"", ANALYSED),
    "comments_only.py": (b"# nothing\n# but comments\n", ANALYSED),
    # request data into a shell: an error whichever engine decides it
    "fine.py": (b"import subprocess\n\n\ndef run(request):\n    return subprocess.call(request.GET['c'], shell=True)\n",
                ANALYSED),
    "dir.py/inner.py": (b"x = 1\n", ANALYSED),
}

NON_UTF8_NAME = b"caf\xe9.py"
NON_UTF8_SHOWN = "caf\\xe9.py"

SPECIAL: dict[str, str] = {
    NON_UTF8_SHOWN: ANALYSED,
    "dir.py": "directory named like a Python file",
    "loop_a.py": "looping symlink",
    "loop_b.py": "looping symlink",
    "escape.py": "outside the scanned root",
    "fifo.py": "not a regular file",
}


def build(root: Path, outside: Path) -> dict[str, str]:
    """Write the tree under root (outside: a folder beside it); return {shown path: expected}."""
    for name, (content, _) in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with open(os.path.join(os.fsencode(root), NON_UTF8_NAME), "wb") as fh:
        fh.write(b"x = 1\n")
    os.symlink("loop_b.py", root / "loop_a.py")
    os.symlink("loop_a.py", root / "loop_b.py")
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.py").write_text("password = 'hunter2'\n")
    os.symlink(outside / "secret.py", root / "escape.py")
    os.mkfifo(root / "fifo.py")
    expected = {name: exp for name, (_, exp) in FILES.items()}
    expected.update(SPECIAL)
    return expected


def make_unreadable(path: Path) -> None:
    path.chmod(0)
    assert not (os.stat(path).st_mode & stat.S_IRUSR)
