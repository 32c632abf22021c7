"""Inline suppressions in every position, reasons, expiry, unused ones, nosec, per-file ignores."""

import textwrap
from datetime import date

import pytest

from backend_audit.workflow import suppressions
from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan
from backend_audit.workflow.suppressions import scan_comments


def _scan(tmp_path, code: str, select=("BA-SQL-001", "BA-META"), **settings):
    (tmp_path / "app.py").write_text(textwrap.dedent(code), encoding="utf-8")
    return scan([tmp_path], Settings(select=select, jobs=1, **settings), use_git=False)


def _state(result):
    """(rule, line, suppressed?) for every finding."""
    return [(f.rule_id, f.line, f.suppression is not None) for f in result.findings]


def test_spans_from_one_tokenize_pass():
    recs = scan_comments(textwrap.dedent('''\
        x = call(  # backend-audit: ignore[BA-SQL-001] -- a
            1,
        )
        # backend-audit: ignore[ba-sql-001, BA-LOG-003] until=2030-01-02 -- b

        y = 2
        # backend-audit: ignore[BA-SQL-001] -- c
        # nosec B608
        z = 3
        @decorator  # backend-audit: ignore[BA-QUAL-001] -- d
        def f(
            a,
        ):
            pass
        s = "# backend-audit: ignore[BA-SQL-001] -- inside a string, not a comment"
        '''))
    got = [(r["kind"], r["line"], r["start"], r["end"], r.get("rules"), r.get("reason"), r.get("until"),
            r.get("tests")) for r in recs]
    assert got == [
        ("ignore", 1, 1, 3, ["BA-SQL-001"], "a", "", None),
        ("ignore", 4, 4, 4, ["BA-LOG-003", "BA-SQL-001"], "b", "2030-01-02", None),  # blank line: governs nothing
        ("ignore", 7, 9, 9, ["BA-SQL-001"], "c", "", None),
        ("nosec", 8, 9, 9, None, None, None, ["B608"]),
        ("ignore", 10, 10, 13, ["BA-QUAL-001"], "d", "", None),
    ]


def test_files_without_markers_are_not_tokenized():
    assert scan_comments("x = 1\n") == []


@pytest.mark.parametrize("code", [
    # on the line
    '''\
    def f(cursor, t):
        cursor.execute(f"SELECT {t}")  # backend-audit: ignore[BA-SQL-001] -- reviewed
    ''',
    # on the line above
    '''\
    def f(cursor, t):
        # backend-audit: ignore[BA-SQL-001] -- reviewed
        cursor.execute(f"SELECT {t}")
    ''',
    # on the first line of a multi-line statement
    '''\
    def f(cursor, t):
        cursor.execute(  # backend-audit: ignore[BA-SQL-001] -- reviewed
            f"SELECT {t}"
        )
    ''',
    # on the closing line of a multi-line statement
    '''\
    def f(cursor, t):
        cursor.execute(
            f"SELECT {t}"
        )  # backend-audit: ignore[BA-SQL-001] -- reviewed
    ''',
    # above a multi-line statement
    '''\
    def f(cursor, t):
        # backend-audit: ignore[BA-SQL-001] -- reviewed
        cursor.execute(
            f"SELECT {t}",
        )
    ''',
])
def test_every_position_suppresses_with_its_reason(tmp_path, code):
    result = _scan(tmp_path, code)
    assert [(f.rule_id, f.suppression) for f in result.findings] == [
        ("BA-SQL-001", {"kind": "inSource", "justification": "reviewed"})]
    assert not result.failed()


def test_comment_too_far_above_or_in_another_statement_does_not_suppress(tmp_path):
    result = _scan(tmp_path, '''\
        def f(cursor, t):
            # backend-audit: ignore[BA-SQL-001] -- reviewed

            cursor.execute(f"SELECT {t}")
            x = 1  # backend-audit: ignore[BA-SQL-001] -- wrong statement
        ''')
    assert _state(result) == [("BA-META-002", 2, False), ("BA-SQL-001", 4, False), ("BA-META-002", 5, False)]


def test_missing_reason_still_suppresses_but_is_its_own_error(tmp_path):
    result = _scan(tmp_path, '''\
        def f(cursor, t):
            cursor.execute(f"SELECT {t}")  # backend-audit: ignore[BA-SQL-001]
        ''')
    assert _state(result) == [("BA-SQL-001", 2, True), ("BA-META-001", 2, False)]
    assert result.failed()


def test_bare_ignore_silences_nothing(tmp_path):
    result = _scan(tmp_path, '''\
        def f(cursor, t):
            cursor.execute(f"SELECT {t}")  # backend-audit: ignore -- everything
        ''')
    assert _state(result) == [("BA-SQL-001", 2, False), ("BA-META-001", 2, False)]
    assert "names no rule ids" in result.findings[1].message


def test_expiry(tmp_path, monkeypatch):
    code = '''\
        def f(cursor, t):
            cursor.execute(f"SELECT {t}")  # backend-audit: ignore[BA-SQL-001] until=2026-03-01 -- migration
        '''
    monkeypatch.setattr(suppressions, "today", lambda: date(2026, 3, 1))
    assert _state(_scan(tmp_path, code)) == [("BA-SQL-001", 2, True)]  # still valid on the day itself
    monkeypatch.setattr(suppressions, "today", lambda: date(2026, 3, 2))
    result = _scan(tmp_path, code)
    assert _state(result) == [("BA-SQL-001", 2, False), ("BA-META-003", 2, False)]
    assert "expired on 2026-03-01" in result.findings[1].message


def test_bad_until_is_reported(tmp_path):
    result = _scan(tmp_path, '''\
        def f(cursor, t):
            cursor.execute(f"SELECT {t}")  # backend-audit: ignore[BA-SQL-001] until=next-week -- soon
        ''')
    assert _state(result) == [("BA-SQL-001", 2, False), ("BA-META-001", 2, False)]


def test_unused_only_for_rules_that_ran(tmp_path):
    code = '''\
        def f(cursor):
            cursor.execute("SELECT 1")  # backend-audit: ignore[BA-SQL-001, BA-LOG-003, BA-NOPE-001] -- old
        '''
    result = _scan(tmp_path, code)  # BA-LOG-003 did not run: cannot call it unused
    assert [f.message.split(":")[0] for f in result.findings] == [
        "Suppression names BA-NOPE-001, which is not a backend-audit rule; fix the id or remove it",
        "Unused suppression"]
    assert "BA-SQL-001" in result.findings[1].message
    ignored = _scan(tmp_path, code, per_file_ignores=(("app.py", ("BA-SQL-001",)),))
    assert not any("Unused" in f.message for f in ignored.findings)


def test_nosec_for_bandit_backed_rules_is_counted(tmp_path):
    result = _scan(tmp_path, '''\
        import subprocess

        def run(cmd, cursor, t):
            subprocess.call(cmd, shell=True)  # nosec B602
            subprocess.call(cmd, shell=True)  # nosec B101
            cursor.execute(f"SELECT {t}")  # nosec
        ''', select=("BA-INP-003", "BA-SQL-001", "BA-META"))
    assert _state(result) == [("BA-INP-003", 4, True), ("BA-INP-003", 5, False), ("BA-SQL-001", 6, True)]
    assert result.findings[0].suppression == {"kind": "inSource", "justification": "# nosec B602"}


def test_nosec_covers_rules_replacing_a_bandit_test_only(tmp_path):
    result = _scan(tmp_path, '''\
        def pay(order):
            try:
                charge(order)
            except:  # nosec
                print("failed", order)  # nosec
        ''', select=("BA-ERR-001", "BA-LOG-003"))
    # BA-ERR-001 replaces bandit's B110, so the nosec covers it; BA-LOG-003 has no bandit counterpart
    assert _state(result) == [("BA-ERR-001", 4, True), ("BA-LOG-003", 5, False)]


def test_noqa_and_pylint_disable_naming_the_equivalent_rule_suppress(tmp_path):
    result = _scan(tmp_path, '''\
        def pay(order):
            try:
                charge(order)
            except Exception:  # noqa: BLE001 -- charging is retried by the nightly job
                pass
            try:
                refund(order)
            except Exception:  # pylint: disable=W0718
                pass
            print("paid", order)  # noqa: T201
            print("paid", order)  # noqa: E501
            print("paid", order)  # noqa
            # noqa: T201
            print("paid", order)
        ''', select=("BA-ERR-001", "BA-LOG-003"))
    # ruff's T201 and BLE001, pylint's W0718 are the catalog's equivalents; E501, a blanket noqa and a
    # comment on the line above (ruff ignores it there too) do not suppress
    assert _state(result) == [("BA-ERR-001", 4, True), ("BA-ERR-001", 8, True), ("BA-LOG-003", 10, True),
                              ("BA-LOG-003", 11, False), ("BA-LOG-003", 12, False), ("BA-LOG-003", 14, False)]
    assert result.findings[0].suppression["justification"].startswith("# noqa: BLE001")
