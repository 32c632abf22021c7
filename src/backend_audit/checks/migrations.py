"""Migration checks: models without migration history (project), irreversible or destructive migrations, and
schemas created at run time instead of migrated."""

from __future__ import annotations

import ast
from .lazy_re import re  # compiled on first use
from pathlib import PurePosixPath
from typing import Any

from ..model.frameworks.common import keyword, positional
from .app_evidence import AppEvidenceCheck
from ..findings import Finding
from .base import AstCheck, FileContext, ProjectCheck, dotted
from .util import MainGuardDepth

_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools"})


class ModelsWithoutMigrations(AppEvidenceCheck):
    """SQLAlchemy models with no Alembic set-up; Django apps with models and no migrations package."""

    RULE_ID = "BA-MIG-001"

    def run(self, project: Any) -> list:
        if self.options.get("external_schema"):
            return []
        sources = self.sources(project)
        models: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for path in sorted(sources):
            for model in sources[path].get("evidence", {}).get("orm_models", ()):
                models.setdefault(model["kind"], []).append((path, model))
        out = []
        alchemy = models.get("sqlalchemy", [])
        if alchemy and not self._has_alembic(project):
            path, model = alchemy[0]
            out.append(self.finding(path, model["line"], f"{len(alchemy)} SQLAlchemy model(s) (e.g. {model['name']}) "
                                    "and no Alembic set-up (alembic.ini with versions/, or Flask-Migrate "
                                    "migrations/versions/): schema changes are not version-controlled",
                                    rule_id="BA-MIG-001/sqlalchemy", symbol=model["name"],
                                    snippet=f"sqlalchemy models {model['name']}"))
        apps: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for path, model in models.get("django", []):
            apps.setdefault(_django_app_dir(path), []).append((path, model))
        for app_dir, found in sorted(apps.items()):
            if not (project.root / app_dir / "migrations").is_dir():
                path, model = found[0]
                out.append(self.finding(path, model["line"], f"Django app {app_dir or '.'} defines {len(found)} "
                                        f"model(s) (e.g. {model['name']}) and has no migrations/ package: run "
                                        "makemigrations and commit the result", rule_id="BA-MIG-001/django",
                                        symbol=model["name"], snippet=f"django models {model['name']}"))
        return out

    @staticmethod
    def _has_alembic(project: Any) -> bool:
        if any(name.split(".")[0] in ("alembic", "flask_migrate") for f in project.facts.values()
               for name in f.get("imports", ())):
            return True
        return any((project.root / d / "alembic.ini").is_file() for d in ("", "backend", "src", "app"))


def _django_app_dir(path: str) -> str:
    """The app folder of a models module: shop/models.py -> shop; shop/models/orders.py -> shop;
    shop/models/orders/base.py -> shop (a package under `models/` groups models, it is not an app: Django reads
    models only from the app's `models` module, so the app is the package that holds it)."""
    parts = PurePosixPath(path).parts[:-1]
    if "models" in parts:
        parts = parts[:len(parts) - 1 - parts[::-1].index("models")]
    return "/".join(parts)


# ---------------------------------------------------------------------------------------------- BA-MIG-002

_DJANGO_DESTRUCTIVE = frozenset({"RemoveField", "DeleteModel"})
_ALEMBIC_DESTRUCTIVE = frozenset({"drop_table", "drop_column"})


def _is_migration_file(ctx: FileContext) -> str | None:
    """'django' or 'alembic' for a migration module, else None (decided from the path and imports)."""
    parts = PurePosixPath(ctx.path).parts
    if "migrations" in parts and "Migration" in ctx.text and "django" in ctx.text:
        return "django"
    if "versions" in parts or "alembic" in parts or "migrations" in parts:
        if "def upgrade" in ctx.text and "alembic" in ctx.text:
            return "alembic"
    return None


def _trivial(body: list[ast.stmt]) -> bool:
    """A body that does nothing: pass, a docstring, `...`, comments only."""
    return all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               for s in body)


def _raises_not_implemented(body: list[ast.stmt]) -> bool:
    for stmt in body:
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if (dotted(exc) or "").endswith("NotImplementedError"):
                return True
    return False


_ADD_VALUE = re.compile(r"(?i)\bALTER\s+TYPE\s+\S+\s+ADD\s+VALUE\b")
_UPDATE = re.compile(r"(?i)\bUPDATE\b")
_SCHEMA_VERB = re.compile(r"(?i)\b(?:CREATE|DROP|ALTER|INSERT|UPDATE|DELETE|RENAME|TRUNCATE|GRANT|REVOKE|COPY)\b")


def _upgrade_sql(tree: ast.AST | None) -> str | None:
    """The SQL the module's `upgrade()` runs, when all it does is `op.execute`: literal statements as written,
    a SQLAlchemy `table.update()...` expression as `UPDATE`. None when it does anything else (another
    operation such as `add_column`, a statement built elsewhere): what it changes is then not traced."""
    upgrade = next((st for st in getattr(tree, "body", ()) if isinstance(st, ast.FunctionDef) and
                    st.name == "upgrade"), None)
    if upgrade is None:
        return None
    sql = []
    for node in ast.walk(upgrade):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func) or ""
        if name.startswith("op.") and name not in ("op.execute", "op.get_context"):
            return None
        if name != "op.execute" or not node.args:
            continue
        arg = node.args[0]
        parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
        texts = [p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)]
        methods = {n.func.attr for n in ast.walk(arg) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        if texts:
            sql.append(" ".join(texts))
        elif "update" in methods and not methods & {"insert", "delete"}:
            sql.append("UPDATE")
        else:
            return None
    return "\n".join(sql) if sql else None


def _only_adds_enum_values(sql: str | None) -> bool:
    """`ALTER TYPE t ADD VALUE 'X'` only, bare or in a `DO $$ ... IF NOT EXISTS (SELECT ... pg_enum ...)` block,
    after a `COMMIT`. PostgreSQL has no `DROP VALUE`, and an unused extra value breaks no older code."""
    return bool(sql and _ADD_VALUE.search(sql)) and not _SCHEMA_VERB.search(_ADD_VALUE.sub("", sql))


def _only_rewrites_rows(sql: str | None) -> bool:
    """`UPDATE ... SET ...` only: values fixed in place (`NULL` to `''`, quotes normalised); the schema older code
    reads is unchanged, and the old values are not kept, so there is no exact reverse to write."""
    return bool(sql and _UPDATE.search(sql)) and not _SCHEMA_VERB.search(_UPDATE.sub("", sql))


_LOSES_SQL = re.compile(r"(?i)\b(?:DROP\s+(?:TABLE|COLUMN)|DELETE\s+FROM|TRUNCATE|RENAME\s+(?:TO|COLUMN))\b")
_ALEMBIC_LOSES = frozenset({"drop_table", "drop_column", "rename_table"})
_NOT_TRACED = ("; it neither drops, deletes nor renames anything the scan can see, so whether a rollback needs the "
               "reverse was not traced")


def _upgrade_loses_data(tree: ast.AST | None) -> bool:
    """`upgrade()` drops or renames a table or column (`op.drop_column`, `alter_column(new_column_name=)`,
    `DROP TABLE`/`DELETE FROM` in `op.execute`): older code reads what is gone, and an empty downgrade() would
    report success while restoring nothing. Blind reviews kept only such revisions at warning."""
    upgrade = next((st for st in getattr(tree, "body", ()) if isinstance(st, ast.FunctionDef) and
                    st.name == "upgrade"), None)
    return upgrade is not None and any(_loses(n) for n in ast.walk(upgrade))


def _loses(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        tail = (dotted(node.func) or "").rsplit(".", 1)[-1]
        return tail in _ALEMBIC_LOSES or tail == "alter_column" and keyword(node, "new_column_name") is not None
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(_LOSES_SQL.search(node.value))


def _django_step_loses_data(tree: ast.AST | None, step: ast.Call) -> bool:
    """A RunSQL whose SQL drops, deletes or renames, or a RunPython whose forward function (defined in the
    module) deletes rows (`.delete()`): the one-way step removes what older code reads."""
    forward = step.args[0] if step.args else keyword(step, "code") or keyword(step, "sql")
    if forward is None:
        return False
    if any(_loses(n) for n in ast.walk(forward)):
        return True
    name = forward.id if isinstance(forward, ast.Name) else None
    func = next((st for st in getattr(tree, "body", ()) if isinstance(st, ast.FunctionDef) and st.name == name), None)
    return func is not None and any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and
                                    n.func.attr == "delete" for n in ast.walk(func))


class IrreversibleMigration(AstCheck):
    RULE_ID = "BA-MIG-002"
    PREFILTER = ("migrations", "alembic")
    APPLIES_TO_TESTS = False

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.kind = _is_migration_file(ctx)
        # A squashed migration replays history applied long ago (its originals were the ones to review).
        if self.kind == "django" and re.search(r"(?m)^\s+replaces\s*=", ctx.text):
            self.kind = None
        # One with a data step (RunPython / RunSQL) plans its data move: destructive reminders add nothing there.
        self.quiet_destructive = self.kind == "django" and ("RunPython(" in ctx.text or "RunSQL(" in ctx.text)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.kind != "alembic" or len(self.ctx.function_stack) != 1:
            return  # function_stack already holds this def: only module-level functions
        if node.name == "downgrade":
            sql = _upgrade_sql(self.ctx.tree) if _trivial(node.body) else None
            if _raises_not_implemented(node.body):
                self.report(node, "downgrade() declares the migration irreversible: plan the rollback (restore "
                                  "from backup?) before deploying", level="note", rule_id="BA-MIG-002/irreversible")
            elif _trivial(node.body) and self._explained(node):
                # `# This is a destructive migration, it cannot be downgraded` / a docstring saying why: the
                # authors declared it irreversible in words, as NotImplementedError would in code
                self.report(node, "downgrade() does nothing, and its comment says why: this migration cannot be "
                                  "rolled back on purpose; plan the rollback (restore from backup?) before deploying",
                            level="note", rule_id="BA-MIG-002/irreversible")
            elif _trivial(node.body) and _only_adds_enum_values(sql):
                # PostgreSQL cannot drop an enum value: doing nothing is the only reverse there is; a note, not
                # silence, as a rollback plan still has to know the value stays
                self.report(node, "downgrade() does nothing after an upgrade() that only adds enum values (ALTER "
                                  "TYPE ... ADD VALUE): PostgreSQL cannot drop an enum value, so there is no reverse "
                                  "to write and the extra value stays after a rollback; say so in downgrade()",
                            level="note", rule_id="BA-MIG-002/irreversible")
            elif _trivial(node.body) and _only_rewrites_rows(sql):
                self.report(node, "downgrade() does nothing after an upgrade() that only rewrites values in place "
                                  "(UPDATE): the schema older code reads is unchanged and the old values are not "
                                  "kept, so there is no exact reverse; whether the new values suit older code was "
                                  "not traced: say so in downgrade()", level="note",
                            rule_id="BA-MIG-002/irreversible")
            elif _trivial(node.body):
                loses = _upgrade_loses_data(self.ctx.tree)
                self.report(node, "downgrade() does nothing: this migration cannot be rolled back; write the "
                                  "reverse steps or raise NotImplementedError to say so" + ("" if loses else _NOT_TRACED),
                            level="warning" if loses else "note", rule_id="BA-MIG-002/irreversible")
                revision = _module_string(self.ctx.tree, "revision")
                if revision:
                    # the project pass asks whether later revisions build on this one (ReleasedMigrations)
                    self.ctx.facts.setdefault("irreversible_revisions", []).append(
                        {"revision": revision, "finding": self.ctx.findings.pop().to_dict()})

    def _explained(self, node: ast.FunctionDef) -> bool:
        """The empty body carries words: a docstring, or a comment of a few words on a line below its `def`."""
        if any(isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str)
               and st.value.value.strip() for st in node.body):
            return True
        end = getattr(node, "end_lineno", None) or node.lineno
        # words, not a marker (`pass  # noqa`, `# type: ignore`)
        return any(len(line.partition("#")[2].split()) >= 3 for line in self.ctx.lines[node.lineno:end] if "#" in line)

    def _defer(self) -> None:
        # the project pass asks whether later migrations of the app follow this one (ReleasedMigrations)
        self.ctx.facts.setdefault("irreversible_steps", []).append(self.ctx.findings.pop().to_dict())

    def visit_Call(self, node: ast.Call) -> None:
        if self.kind is None:
            return
        name = dotted(node.func) or ""
        tail = name.rsplit(".", 1)[-1]
        if self.kind == "alembic":
            fn = self.ctx.function_stack[0].name if self.ctx.function_stack else ""
            if fn == "upgrade" and tail in _ALEMBIC_DESTRUCTIVE and name.startswith(("op.", "batch_op.")):
                self.report(node, f"{tail} deletes data: make sure it was copied or is no longer needed, and that "
                                  "running code no longer reads it", level="note", rule_id="BA-MIG-002/destructive")
            return
        if tail == "RunPython":
            reverse = keyword(node, "reverse_code") or positional(node, 1)
            if reverse is None:
                loses = _django_step_loses_data(self.ctx.tree, node)
                self.report(node, "RunPython without reverse_code: the migration cannot be unapplied; pass a "
                                  "reverse function or migrations.RunPython.noop" + ("" if loses else _NOT_TRACED),
                            level="warning" if loses else "note", rule_id="BA-MIG-002/irreversible")
                self._defer()
        elif tail == "RunSQL":
            reverse = keyword(node, "reverse_sql") or positional(node, 1)
            if reverse is None:
                loses = _django_step_loses_data(self.ctx.tree, node)
                self.report(node, "RunSQL without reverse_sql: the migration cannot be unapplied; pass the reverse "
                                  "SQL or migrations.RunSQL.noop" + ("" if loses else _NOT_TRACED),
                            level="warning" if loses else "note", rule_id="BA-MIG-002/irreversible")
                self._defer()
        elif self.quiet_destructive or any(isinstance(p, ast.keyword) and p.arg == "state_operations"
                                           for p in self.ctx.parents):
            return  # state_operations change Django's model state only, never the table
        elif tail in _DJANGO_DESTRUCTIVE:
            self.report(node, f"{tail} deletes data: make sure it was copied or is no longer needed, and that the "
                              "running code no longer reads it", level="note", rule_id="BA-MIG-002/destructive")
        elif tail == "AlterField":
            field = keyword(node, "field") or positional(node, 2)
            if isinstance(field, ast.Call):
                null = keyword(field, "null")
                if isinstance(null, ast.Constant) and null.value is False and keyword(field, "default") is None:
                    self.report(node, "AlterField to null=False without a default fails on existing NULL rows: "
                                      "fill them in a data migration first", level="note",
                                rule_id="BA-MIG-002/destructive")


_NUMBERED = re.compile(r"^(\d+)_")


class ReleasedMigrations(ProjectCheck):
    """BA-MIG-002's Django steps without a reverse, kept at warning in the newest migration of an app and made
    notes where later migrations of the same folder follow: the migration has shipped, and unapplying past it
    (every later one first) is rare, so the missing reverse is worth knowing, not fixing now (set I's and set
    J's reviewers pinned such steps to note). What decides is the numbered files of the folder that the scan
    sees: a pull-request scan of a new migration alone keeps its warning."""

    RULE_ID = "BA-MIG-002"
    SOUND_ON_FILE_SUBSET = True

    def run(self, project: Any) -> list[Finding]:
        steps = [(path, f) for path in sorted(project.facts) for f in project.facts[path].get("irreversible_steps", ())]
        out = _released_revisions(project)
        if not steps:
            return out
        numbers: dict[str, list[int]] = {}
        for path in project.facts:
            folder, _, name = path.rpartition("/")
            match = _NUMBERED.match(name)
            if match and folder.rsplit("/", 1)[-1] == "migrations":
                numbers.setdefault(folder, []).append(int(match.group(1)))
        for path, data in steps:
            finding = Finding.from_dict(data)
            folder, _, name = path.rpartition("/")
            match = _NUMBERED.match(name)
            later = sum(1 for n in numbers.get(folder, ()) if match and n > int(match.group(1)))
            if later:
                finding.level = "note"
                finding.message += (f" ({later} later migration{'s follow' if later > 1 else ' follows'} it in this "
                                    "app: it has shipped, and unapplying past it is rare)")
            out.append(finding)
        return out


def _released_revisions(project: Any) -> list[Finding]:
    """Alembic revisions whose downgrade() does nothing, at warning while no revision of the scan builds on
    them (the newest, the one a deploy's rollback undoes), notes once later revisions name them as their
    `down_revision`: released, and downgrading past them means undoing every later one first (set M's
    reviewers pinned mailu's released ones to note, as sets I and J did for Django's)."""
    steps = [(path, s) for path in sorted(project.facts) for s in project.facts[path].get("irreversible_revisions", ())]
    if not steps:
        return []
    children: dict[str, int] = {}
    for path in project.facts:
        for parent in project.facts[path].get("alembic_down", ()):
            children[parent] = children.get(parent, 0) + 1
    out = []
    for _, step in steps:
        finding = Finding.from_dict(step["finding"])
        later = children.get(step["revision"], 0)
        if later:
            finding.level = "note"
            finding.message += (f" ({later} later revision{'s build' if later > 1 else ' builds'} on it: it has "
                                "shipped, and downgrading past it is rare; say in downgrade() that it cannot be "
                                "undone)")
        out.append(finding)
    return out


def _module_string(tree: ast.Module | None, name: str) -> str | None:
    """The string a module-level `name = "..."` binds (an alembic revision's id)."""
    for st in tree.body if tree is not None else ():
        if isinstance(st, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in st.targets) and \
                isinstance(st.value, ast.Constant) and isinstance(st.value.value, str):
            return st.value.value
    return None


# ---------------------------------------------------------------------------------------------- BA-MIG-003

_MIGRATION_FUNC = re.compile(r"(?i)upgrade|migrat")
_OPERATOR_COMMANDS = ("command", "cli.command", "manager.command", "group.command")


class SchemaCreatedAtRuntime(MainGuardDepth, AstCheck):
    """`metadata.create_all` / Flask-SQLAlchemy `db.create_all()` in application code."""

    RULE_ID = "BA-MIG-003"
    PREFILTER = ("create_all",)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        path = PurePosixPath(ctx.path)
        self.exempt = path.name in ("conftest.py", "manage.py", "env.py") or \
            any(p in _SCRIPT_DIRS for p in path.parts[:-1])
        self.command_depth = 0

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self._operator_command(node):
            self.command_depth += 1

    def leave_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self._operator_command(node):
            self.command_depth -= 1

    def _migration_path(self) -> bool:
        """Inside the migration machinery itself (`def upgrade`, `def run_migrations`): e.g. a SQLite fallback."""
        return any(_MIGRATION_FUNC.search(f.name) for f in self.ctx.function_stack)

    def _stamped(self) -> bool:
        """`create_all()` followed by an Alembic stamp in the same block: Alembic's documented way to build a
        fresh database, after which migrations take over."""
        parents = self.ctx.parents
        for i in range(len(parents) - 1, 0, -1):
            stmt, owner = parents[i], parents[i - 1]
            if isinstance(stmt, ast.stmt):
                for field in ("body", "orelse", "finalbody"):
                    block = getattr(owner, field, None)
                    if isinstance(block, list) and stmt in block:
                        return any(isinstance(n, ast.Call) and "stamp" in (dotted(n.func) or "").lower()
                                   for s in block for n in ast.walk(s))
                return False
        return False

    @staticmethod
    def _operator_command(node: ast.FunctionDef) -> bool:
        """A CLI command an operator runs on purpose (`flask init-db`), not start-up code."""
        for dec in node.decorator_list:
            name = dotted(dec.func if isinstance(dec, ast.Call) else dec) or ""
            if name.endswith(_OPERATOR_COMMANDS) or name in ("click.command", "typer.command"):
                return True
        return False

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr != "create_all" or self.exempt or self.main_depth or self.command_depth:
            return
        receiver = dotted(node.value) or ""
        parent = self.ctx.parents[-1] if self.ctx.parents else None
        called = isinstance(parent, ast.Call) and parent.func is node
        if self._migration_path() or self._stamped() or self._in_memory():
            return
        if receiver.endswith("metadata") or (called and receiver.rsplit(".", 1)[-1] == "db"):
            if self._stamps_elsewhere():
                self.report(node, f"{receiver}.create_all creates tables at run time, in a module that also stamps "
                                  "Alembic's head (a fresh database built from the models, then handed to "
                                  "migrations): whether every caller stamps after it was not traced",
                            key_node=parent if called else node, level="note")
                return
            self.report(node, f"{receiver}.create_all creates tables at run time: schema changes then bypass "
                              "migrations (no history, no review, no rollback); run `alembic upgrade head` in the "
                              "deploy step instead", key_node=parent if called else node)

    def _in_memory(self) -> bool:
        """The function creating the tables names an in-memory SQLite database (`sqlite:///:memory:`): a fresh
        database per process, with no history to migrate."""
        return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and ":memory:" in n.value
                   for f in self.ctx.function_stack[:1] for n in ast.walk(f))

    def _stamps_elsewhere(self) -> bool:
        """Another function of the module stamps Alembic's head (`alembic.command.stamp(cfg, "head")`): the
        module builds a fresh database from the models and hands it to migrations, Alembic's documented recipe,
        split across the steps of one command."""
        tree = self.ctx.tree
        return tree is not None and any(
            (self.ctx.qualname(n.func) or "").startswith("alembic.") and (dotted(n.func) or "").endswith("stamp")
            for n in ast.walk(tree) if isinstance(n, ast.Call))
