"""BA-PERF-002/003's "parses its command line on import" reads the module body only when the source can spell
it: the answer is the same as the full walk's, with or without the text, ASCII or not."""

import ast

from backend_audit.checks.performance import _parses_argv_on_import

SCRIPT = "import sys\nimport requests\n\nURL = sys.argv[1]\nrequests.get(URL)\n"
TABLE = "# Les données\nCODES = [\n" + "".join(f"    ('A{i}', 'Aéroport {i}'),\n" for i in range(200)) + "]\n"


def test_same_answer_with_and_without_the_source_text():
    for text, expected in ((SCRIPT, True), (SCRIPT.replace("import sys", "import sys  # é"), True),
                           (TABLE, False), ("import argparse\nargs = argparse.ArgumentParser().parse_args()\n", True),
                           ("def main():\n    import sys\n    return sys.argv\n", False)):
        assert _parses_argv_on_import(ast.parse(text), text) is expected
        assert _parses_argv_on_import(ast.parse(text)) is expected  # text unknown: the walk decides
