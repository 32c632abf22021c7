"""Levels of the reliability/performance rules where the examples test only that a line is flagged: a
per-row loop in an alembic revision is a note wherever the revisions folder lives."""

from __future__ import annotations

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

REVISION = '''from alembic import op
from sqlalchemy.orm import Session

revision = "3b0f5b81376f"
down_revision = "2a1e9c0f0d11"


def upgrade():
    session = Session(bind=op.get_bind())
    for incident in session.query(Incident).all():
        incident.project_id = session.query(Project).filter_by(name=incident.team).first().id
        session.commit()


def downgrade():
    pass
'''


def _levels(tmp_path, rel: str, text: str, rule: str) -> dict[int, str]:
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text(text, encoding="utf-8")
    result = scan([tmp_path], Settings(select=(rule,), jobs=1), use_git=False)
    return {f.line: f.level for f in result.findings if f.rule_id == rule}


def _messages(tmp_path, rel: str, text: str, rule: str) -> dict[int, tuple[str, str]]:
    """{line: (level, message)}: BA-ERR-001's swallows are all notes, the message names the evidence found."""
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text(text, encoding="utf-8")
    result = scan([tmp_path], Settings(select=(rule,), jobs=1), use_git=False)
    return {f.line: (f.level, f.message) for f in result.findings if f.rule_id == rule}


# the evidence of lost work BA-ERR-001 names in a note (it was a warning before session 33)
LOST = "what the failure costs and how the caller takes it were not traced"


def test_alembic_revision_outside_a_migrations_folder_is_a_note(tmp_path):
    found = _levels(tmp_path, "src/app/database/revisions/tenant/versions/2022_3b0f.py", REVISION, "BA-PERF-003")
    assert found == {11: "note", 12: "note"}


def test_the_same_loop_in_application_code_is_a_warning(tmp_path):
    # without the revision markers it is an ordinary module
    text = REVISION.replace('revision = "3b0f5b81376f"', 'name = "x"').replace("down_revision", "parent")
    found = _levels(tmp_path, "src/app/services/backfill.py", text, "BA-PERF-003")
    assert found == {11: "warning", 12: "warning"}


FIXTURE_AND_MEDIA = '''def update_settings_from_fixture(fixture):
    for key, group in fixture:
        if db.session.execute(select(SettingsGroup).filter_by(key=key)).scalar_one_or_none() is None:
            SettingsGroup(key=key, name=group["name"]).save()


def rename_media(model, pks):
    for obj in model.objects.filter(pk__in=pks):
        storage = obj.image.storage
        with storage.open(obj.image.name) as media:
            new_name = storage.save(upload_to(obj), media)
        storage.delete(obj.image.name)
        model.objects.filter(pk=obj.pk).update(image=new_name)


def sync_groups():
    for group in Group.query.all():
        db.session.execute(select(SettingsGroup).filter_by(key=group.key)).scalar_one_or_none()
'''


def test_a_fixture_installer_and_a_media_move_are_notes_an_ordinary_loop_is_not(tmp_path):
    found = _levels(tmp_path, "app/utils/install.py", FIXTURE_AND_MEDIA, "BA-PERF-003")
    assert found == {3: "note", 13: "note", 18: "warning"}
    # the same in a module that generates sample data: all notes
    found = _levels(tmp_path, "app/utils/random_data.py", FIXTURE_AND_MEDIA, "BA-PERF-003")
    assert set(found.values()) == {"note"}


SKIPS = '''def my_sessions(rows, user_id):
    for row in rows:
        try:
            data = row.get_decoded()
        except Exception:
            # a row signed with an old secret key cannot be decoded: skip it
            continue
        try:
            row.save()
        except Exception:
            continue
'''


def test_a_skip_whose_comment_says_why_is_a_note_a_bare_skip_names_its_lost_work(tmp_path):
    found = _messages(tmp_path, "app/sessions.py", SKIPS, "BA-ERR-001")
    assert {line: level for line, (level, _m) in found.items()} == {5: "note", 10: "note"}
    assert "the try changes state: save()" in found[10][1] and LOST in found[10][1]
    assert LOST not in found[5][1]


SCRIPT = '''import requests
import sys

def fetch(repo):
    return requests.get(f"https://api.github.com/repos/{repo}/commits").json()


def serve(repo):
    return requests.get(repo)


if __name__ == "__main__":
    print(len(fetch(sys.argv[1])))
'''

TASKS = '''import requests
from invoke import task


@task
def load_fixtures(context):
    requests.get("https://example.org/fixtures.zip", stream=True)
'''


def test_a_timeout_missing_in_a_script_run_by_hand_is_a_note(tmp_path):
    # fetch() only the __main__ block calls: the script; serve() is never called from there
    assert _levels(tmp_path / "a", "extras/authors/generate.py", SCRIPT, "BA-PERF-002") == {5: "note", 9: "warning"}
    assert _levels(tmp_path / "b", "tasks.py", TASKS, "BA-PERF-002") == {7: "note"}


def test_a_script_next_to_a_web_app_is_the_server(tmp_path):
    text = "from flask import Flask\napp = Flask(__name__)\n" + SCRIPT
    assert _levels(tmp_path, "app.py", text, "BA-PERF-002") == {7: "warning", 11: "warning"}


def test_a_best_effort_close_is_a_note(tmp_path):
    text = '''def close_all(connections):
    for ws in connections:
        try:
            ws.close()
        except Exception:
            pass
        try:
            ws.send("bye")
        except Exception:
            pass
'''
    found = _messages(tmp_path, "app/ws.py", text, "BA-ERR-001")
    assert {line: level for line, (level, _m) in found.items()} == {5: "note", 9: "note"}
    assert LOST in found[9][1] and LOST not in found[5][1]


def test_an_error_logged_without_traceback_in_a_migration_is_a_note(tmp_path):
    text = '''import logging

logger = logging.getLogger(__name__)


async def m017_add_created_at(db):
    try:
        await db.execute("ALTER TABLE accounts ADD COLUMN created_at TIMESTAMP")
        await db.execute("UPDATE accounts SET created_at = now()")
    except OperationalError as exc:
        logger.error(f"Migration 17 failed: {exc}")
'''
    assert _levels(tmp_path / "a", "shop/core/migrations.py", text, "BA-LOG-001") == {11: "note"}
    broad = text.replace("except OperationalError as exc", "except Exception as exc")
    assert _levels(tmp_path / "b", "shop/core/accounts.py", broad, "BA-LOG-001") == {11: "warning"}
    # outside a migration, a handler naming the failure it handles is a note too (see the next test)
    assert _levels(tmp_path / "c", "shop/core/accounts.py", text, "BA-LOG-001") == {11: "note"}


def test_a_lost_traceback_is_a_warning_only_when_the_handler_catches_whatever_comes(tmp_path):
    """`except Exception` (or BaseException, or a tuple holding one): the traceback is the only record of what
    failed where, a warning. A handler naming its types (IntegrityError, TypeError) chose what it handles: a
    note saying so."""
    text = '''import logging

logger = logging.getLogger(__name__)


def save(row):
    try:
        row.save()
        row.refresh()
    except IntegrityError as exc:
        logger.error("duplicate row: %s", exc)
    try:
        row.save()
        row.refresh()
    except (TypeError, Exception) as exc:
        logger.error("save failed: %s", exc)
'''
    assert _levels(tmp_path, "shop/core/rows.py", text, "BA-LOG-001") == {11: "note", 16: "warning"}


def test_an_error_logged_with_its_text_after_one_library_call_is_a_note(tmp_path):
    # the traceback would add the frames of one library call, the message carries the error: a note; the
    # same around the project's own function (its frames are where a bug lives) or two steps stays a warning
    text = '''import logging
import shutil

logger = logging.getLogger(__name__)


def seed(src, dst):
    try:
        shutil.move(src, dst)
        logger.debug("seeded %s", dst)
    except Exception as e:
        logger.error(f"could not seed {dst}: {e}")


def build(src, dst):
    try:
        seed(src, dst)
    except Exception as e:
        logger.error(f"could not build {dst}: {e}")


def copy(src, dst):
    try:
        shutil.copy(src, dst)
        shutil.rmtree(src)
    except Exception as e:
        logger.error(f"could not move {dst}: {e}")
'''
    assert _levels(tmp_path, "app/files.py", text, "BA-LOG-001") == {12: "note", 19: "warning", 27: "warning"}


def test_an_ordered_position_shift_is_a_note_an_unordered_one_a_warning(tmp_path):
    text = '''def increment_order(book_list, start):
    items = book_list.listitem_set.filter(order__gte=start).order_by("-order")
    for item in items:
        item.order += 1
        item.save()


def bump_all():
    for item in ListItem.objects.all():
        item.order += 1
        item.save()
'''
    assert _levels(tmp_path, "app/lists.py", text, "BA-PERF-003") == {5: "note", 11: "warning"}


def test_n_plus_one_in_a_scripts_folder_is_a_note(tmp_path):
    # a maintainer's one-off script: the same loop that is a warning in application code
    text = REVISION.replace('revision = "3b0f5b81376f"', 'name = "x"').replace("down_revision", "parent")
    found = _levels(tmp_path, "server/scripts/backfill.py", text, "BA-PERF-003")
    assert found == {11: "note", 12: "note"}


DEV_BANNER = """import logging

from app.config import settings

log = logging.getLogger(__name__)


def send_login_code(code, user):
    if settings.is_development():
        log.debug(f"LOGIN CODE: {code}")
    log.debug(f"code sent to {user}")
"""


def test_eager_log_message_only_in_development_is_a_note(tmp_path):
    assert _levels(tmp_path, "app/auth.py", DEV_BANNER, "BA-LOG-002") == {10: "note", 11: "note"}


EAGER_LEVELS = """import logging

log = logging.getLogger(__name__)


def sync(items):
    for item in items:
        log.debug(f"syncing {item}")
        log.log(logging.DEBUG, "item %s" % item)
        log.info(f"synced {item}")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(f"state {item.__dict__}")
    log.error("sync of {} failed".format(len(items)))
"""


def test_eager_log_message_is_a_note_at_every_level(tmp_path):
    # at info and above the record is formatted anyway when emitted, so only grouping by template is lost; at
    # debug the formatting is paid while the level is off, a cost every blind set pinned to note (X: 40 of 40)
    assert _levels(tmp_path, "app/sync.py", EAGER_LEVELS, "BA-LOG-002") == {
        8: "note", 9: "note", 10: "note", 12: "note", 13: "note"}


FALLBACKS = '''try:
    from importlib.metadata import version
    VERSION = version(__name__)
except Exception:
    VERSION = "unknown"


def read_extension(csr):
    extension = None
    try:
        extension = csr.extensions.get("san")
        csr.save()
    except Exception:
        extensionn = ""
    return extension
'''


def test_a_stated_fallback_is_a_note_a_misspelt_one_names_its_state_change(tmp_path):
    found = _messages(tmp_path, "app/version.py", FALLBACKS, "BA-ERR-001")
    assert {line: level for line, (level, _m) in found.items()} == {4: "note", 13: "note"}
    assert "falls back to a default" in found[4][1] and "the try changes state: save()" in found[13][1]


LOW_LOGS = '''import logging

logger = logging.getLogger(__name__)


def probe(hosts, fetch):
    for host in hosts:
        try:
            fetch(host)
        except Exception:
            logger.info("Unable to check %s", host, exc_info=True)
        try:
            fetch(host).save()
        except Exception:
            logger.info("Unable to check %s", host)
'''


def test_a_low_level_log_with_its_traceback_is_a_note(tmp_path):
    found = _messages(tmp_path, "app/probe.py", LOW_LOGS, "BA-ERR-001")
    assert {line: level for line, (level, _m) in found.items()} == {10: "note", 14: "note"}
    assert LOST in found[14][1] and LOST not in found[10][1]


NESTED = '''import logging

log = logging.getLogger(__name__)


def login(user):
    ok = False
    try:
        if check_user_pass(user):
            ok = True
            try:
                find_container(user).update_last_authentication()
            except Exception as e:
                log.debug("no container: %s", e)
    except Exception as e:
        log.debug("authentication failed: %s", e)
    return ok
'''


def test_a_state_change_in_a_nested_try_is_evidence_for_its_own_handler_only(tmp_path):
    # the inner handler drops a bookkeeping write: named as lost work; the outer try's own work is one check
    found = _messages(tmp_path, "app/auth.py", NESTED, "BA-ERR-001")
    assert {line: level for line, (level, _m) in found.items()} == {13: "note", 15: "note"}
    assert "the try changes state" in found[13][1] and "the try changes state" not in found[15][1]


def _dense_module(functions: int) -> str:
    """A long, dense, branchy module: radon ranks its maintainability index C."""
    body = []
    for i in range(functions):
        body.append(f'''def step_{i}(a, b, c, d):
    if a > {i} and b or c < {i} and not d or a * b > c - d:
        a = a * {i} + b // (c or 1) - d % {i + 3} + len(str(a)) * 7
    elif b and c or d and a > b * {i}:
        b = b * {i} - a // (d or 1) + c % {i + 5} - len(str(b)) * 3
    for x in range(a % 7):
        if x % 2 and b or x % 3 and c:
            d = d + x * a - b // (x or 1)
    return a + b * c - d
''')
    return "\n\n".join(body)


def test_low_maintainability_in_a_maintainers_script_is_a_note(tmp_path):
    module = _dense_module(60)
    app = _levels(tmp_path / "app", "shop/pricing.py", module, "BA-QUAL-002")
    script = _levels(tmp_path / "script", "generate_docs.py",
                     module + '\n\nif __name__ == "__main__":\n    import sys\n    print(step_1(*map(int, sys.argv[1:5])))\n',
                     "BA-QUAL-002")
    assert app == {1: "warning"}
    assert script == {1: "note"}


def test_empty_downgrade_is_a_warning_only_when_the_upgrade_drops_or_renames(tmp_path):
    # the newest revision: the drop is the destructive note, the empty downgrade the warning
    text = ('from alembic import op\n\nrevision = "c3"\ndown_revision = "b2"\n\n\ndef upgrade():\n'
            '    op.alter_column("user", "credits", new_column_name="balance")\n'
            '    op.drop_column("user", "legacy")\n\n\ndef downgrade():\n    pass\n')
    assert _levels(tmp_path, "migrations/versions/c3.py", text, "BA-MIG-002") == {9: "note", 12: "warning"}
    widen = text.replace('    op.alter_column("user", "credits", new_column_name="balance")\n'
                         '    op.drop_column("user", "legacy")\n', '    op.add_column("user", sa.Column("x"))\n')
    assert _levels(tmp_path, "migrations/versions/c3.py", widen, "BA-MIG-002") == {11: "note"}


def test_django_step_without_reverse_is_a_warning_only_when_it_deletes(tmp_path):
    text = ('from django.db import migrations\n\n\ndef purge(apps, schema_editor):\n'
            '    apps.get_model("shop", "Draft").objects.all().delete()\n\n\n'
            'def fill(apps, schema_editor):\n    pass\n\n\n'
            'class Migration(migrations.Migration):\n    dependencies = [("shop", "0001_initial")]\n'
            '    operations = [\n        migrations.RunPython(purge),\n        migrations.RunPython(fill),\n    ]\n')
    found = _levels(tmp_path, "shop/migrations/0002_purge.py", text, "BA-MIG-002")
    assert found == {15: "warning", 16: "note"}


def test_complexity_levels_follow_how_the_decisions_nest(tmp_path):
    """A `match` counts as a decision whose cases nest (it has no `body` of its own); a rank C/D function made of
    one flat `match` of independent cases is a note, the same cases each holding a nested loop is a warning."""
    flat = "def route(event):\n    match event.kind:\n" + "".join(
        f"        case {i}:\n            event.n = {i}\n" for i in range(16)) + "    return event\n"
    nested = "def route(event):\n    match event.kind:\n" + "".join(
        f"        case {i}:\n            for x in event.items:\n                x.n = {i}\n" for i in range(16)) + \
        "    return event\n"
    assert _levels(tmp_path / "a", "shop/events.py", flat, "BA-QUAL-001") == {1: "note"}
    assert _levels(tmp_path / "b", "shop/events.py", nested, "BA-QUAL-001") == {1: "warning"}
    result = scan([tmp_path / "b"], Settings(select=("BA-QUAL-001",), jobs=1), use_git=False)
    assert not result.skipped
