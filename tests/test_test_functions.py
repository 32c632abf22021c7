"""Function facts of test files: skipped in the per-file pass, made again for a test file application code may
import (pipeline/test_functions.py), so the project pass sees what it saw when every file had them."""

import dataclasses
import textwrap

from backend_audit.config import Settings
from backend_audit.model.project import ProjectModel
from backend_audit.pipeline import runner, test_functions
from backend_audit.pipeline.discovery import SourceRef
from backend_audit.pipeline.runner import Plan, analyse_file

HELPER = """
def make_user(db, name):
    user = User(name=name)
    db.add(user)
    db.commit()
    return user
"""


def _write(root, rel, code):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return SourceRef(rel=rel, abs=str(path))


def test_a_test_file_is_analysed_without_function_facts_in_process_unless_the_plan_asks(tmp_path):
    ref = _write(tmp_path, "tests/factories.py", HELPER)
    plan = Plan(Settings(jobs=1), (), str(tmp_path), in_process=True)
    skipped = analyse_file(ref, plan)
    full = analyse_file(ref, dataclasses.replace(plan, test_functions=True))
    assert full.facts == analyse_file(ref, dataclasses.replace(plan, in_process=False)).facts  # a worker's
    assert skipped.facts["is_test"] and "functions" not in skipped.facts
    assert "make_user" in full.facts["functions"]
    # nothing else moves: the other facts and the findings are those of the full analysis
    assert {k: v for k, v in full.facts.items() if k != "functions"} == skipped.facts
    assert full.findings == skipped.findings
    app = analyse_file(_write(tmp_path, "app/views.py", HELPER), plan)
    assert "make_user" in app.facts["functions"]


def _analysed(root, files):
    plan = Plan(Settings(jobs=1), (), str(root), in_process=True)
    return [analyse_file(_write(root, rel, code), plan) for rel, code in files.items()]


TESTS = {"backend/tests/factories.py": HELPER, "backend/tests/test_views.py": "def test_view():\n    pass\n",
         "backend/app/tests/__init__.py": "", "backend/app/tests/helpers.py": HELPER,
         "backend/tests/utils/user.py": HELPER}


def test_a_test_module_is_needed_when_an_application_binding_can_reach_it(tmp_path):
    def needed(app):
        return test_functions.needing(_analysed(tmp_path / str(len(app) + len(str(app))), {**app, **TESTS}))

    assert needed({"backend/app/main.py": "from app.core.config import settings\nimport fastapi\n"}) == []
    # bound names match the module's dotted path from any folder down (the import roots are not known): a
    # name inside it, or (`import tests`) a package whose attributes reach it; app/tests/ is a `tests` too
    assert needed({"backend/app/seed.py": "from tests.factories import make_user\n"}) == \
        ["backend/tests/factories.py", "backend/app/tests/__init__.py"]
    assert needed({"backend/app/seed.py": "import tests.utils\n"}) == [
        "backend/tests/factories.py", "backend/tests/test_views.py", "backend/app/tests/__init__.py",
        "backend/app/tests/helpers.py", "backend/tests/utils/user.py"]
    assert needed({"backend/app/seed.py": "def seed():\n    from tests.utils import user\n    user.make_user()\n"}) == \
        ["backend/app/tests/__init__.py", "backend/tests/utils/user.py"]
    # relative imports resolve against the importing module (the package itself is not bound by them)
    # (a name inside a package may be its __init__'s: the package counts with the module)
    assert needed({"backend/app/seed.py": "from .tests import helpers\nfrom . import models\n"}) == \
        ["backend/app/tests/__init__.py", "backend/app/tests/helpers.py"]
    assert needed({"backend/app/api/seed.py": "from ..tests.helpers import make_user\n"}) == \
        ["backend/app/tests/__init__.py", "backend/app/tests/helpers.py"]
    assert needed({"backend/app/seed.py": "from tests.factories import *\n"}) == \
        ["backend/tests/factories.py", "backend/app/tests/__init__.py"]
    # a string that looks like a module name is no binding (`ForeignKey("user.id")`)
    assert needed({"backend/app/models.py": "owner = ForeignKey('user.id')\nx = 'tests.utils.user.Factory'\n"}) == []
    # inside a package, the semantic model resolves a bare `tests` to the submodule pkg.tests
    assert needed({"backend/app/__init__.py": "VERSION = 1\n"}) == \
        ["backend/app/tests/__init__.py", "backend/app/tests/helpers.py"]
    assert needed({"backend/app/__init__.py": ""}) == []  # an empty one names nothing
    # test files importing each other need nothing: no reader follows a test file into another
    assert needed({"backend/tests/test_more.py": "from tests.factories import make_user\n"}) == []


def test_the_project_pass_sees_the_function_facts_of_a_test_helper_the_application_imports(tmp_path, monkeypatch):
    _write(tmp_path, "app/__init__.py", "")
    _write(tmp_path, "app/seed.py", "from tests.factories import make_user\n\n\ndef seed(db):\n"
                                    "    return make_user(db, 'admin')\n")
    _write(tmp_path, "tests/__init__.py", "")
    _write(tmp_path, "tests/factories.py", HELPER)
    _write(tmp_path, "tests/test_seed.py", "from app.seed import seed\n\n\ndef test_seed(db):\n"
                                          "    assert seed(db)\n")
    seen = {}
    build = ProjectModel.build

    def capture(root, file_results, settings):
        model = build(root, file_results, settings)
        seen.update(model.facts)
        return model
    monkeypatch.setattr(ProjectModel, "build", staticmethod(capture))
    runner.scan([tmp_path], Settings(jobs=1, extra={"no_cache": True}), use_git=False)
    full = analyse_file(SourceRef("tests/factories.py", str(tmp_path / "tests/factories.py")),
                        Plan(Settings(jobs=1), (), str(tmp_path), test_functions=True))
    assert seen["tests/factories.py"]["functions"] == full.facts["functions"]
    assert "functions" not in seen["tests/test_seed.py"]  # no application file imports it
    assert "seed" in seen["app/seed.py"]["functions"]


def test_the_base_pass_sees_the_function_facts_of_the_helper_at_the_base(tmp_path, monkeypatch, capsys):
    """--changed-since edits the test helper an application module imports: the base model holds the function
    facts of the helper's base blob (cached or not), as a scan of the base branch would."""
    from ._gitrepo import commit, git, init, run_cli, write

    root = init(tmp_path / "repo")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    # an open endpoint calling the helper: project findings for the base pass to decide
    write(root, {"app/__init__.py": "", "app/seed.py": "from tests.factories import make_user\n\n\ndef seed(db):\n"
                 "    return make_user(db, 'admin')\n",
                 "app/main.py": "from fastapi import FastAPI\n\nfrom app.seed import seed\n\napp = FastAPI()\n\n\n"
                 "@app.post('/seed')\ndef do_seed():\n    return seed(None)\n", "tests/__init__.py": "",
                 "tests/factories.py": textwrap.dedent(HELPER)})
    commit(root, "base")
    scan = ("scan", str(root), "-q", "--fail-on", "never", "-f", "json")
    run_cli(capsys, *scan)  # the base branch's scan fills the cache with the helper as the per-file pass made it
    git(root, "checkout", "-q", "-b", "feature")
    admin = "\n\ndef make_admin(db):\n    return make_user(db, 'a')\n"
    write(root, {"tests/factories.py": textwrap.dedent(HELPER) + admin})
    seen: list[dict] = []
    affected = runner._affected_rules

    def capture(project, model, base, reads):
        seen.append({fr.path: fr.facts for fr in base if fr.analysed})
        return affected(project, model, base, reads)
    monkeypatch.setattr(runner, "_affected_rules", capture)
    for extra in ((), ("--no-cache",)):
        seen.clear()
        run_cli(capsys, *scan, "--changed-since", "main", *extra)
        assert seen, "the base pass must run (a project finding to decide), or this test proves nothing"
        assert set(seen[0]["tests/factories.py"]["functions"]) == {"make_user"}, extra


def test_a_test_module_reached_passes_its_own_bindings_on(tmp_path):
    files = {"app/seed.py": "from tests.factories import make_user\n",
             "tests/factories.py": "from tests.base import make_user\n", "tests/base.py": HELPER,
             "tests/test_seed.py": "from tests.base import make_user\n"}
    # factories re-exports base's function: the resolver follows it there; test_seed is reached by no one
    assert test_functions.needing(_analysed(tmp_path, files)) == ["tests/factories.py", "tests/base.py"]


def test_a_package_scanned_as_the_root_keeps_its_init(tmp_path):
    # scanning `app/users` makes its `__init__.py` the root's, a module with no dotted name: it binds nothing
    results = _analysed(tmp_path, {"__init__.py": "from .models import User\n", "models.py": "class User:\n    pass\n",
                                   "tests/test_models.py": "from models import User\n\n\ndef test_user():\n"
                                                           "    assert User\n"})
    assert test_functions.needing(results) == []
