"""Reachability (model/reachability.py): findings in modules no program reaches are notes that say why; a module
is dead only on positive evidence (shadowed, an unmounted router, imported only from those)."""

import textwrap
from pathlib import Path

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

APP = """
from fastapi import FastAPI

from .routers import items

app = FastAPI()
app.include_router(items.router)
"""
MOUNTED = """
from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def list_items():
    print("listing")
    return []
"""
UNMOUNTED = """
from fastapi import APIRouter

from ..legacy import run

router = APIRouter()


@router.get("/old")
def old():
    print("old")
    return run()
"""
LEGACY = """
def run():
    print("legacy")
    return 1
"""

SCRIPT = """
from cps import main

if __name__ == "__main__":
    print("start")
    main.run()
"""


def _scan(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, int], tuple[str, str]]:
    for rel, code in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(code).lstrip(), encoding="utf-8")
    result = scan([tmp_path], Settings(select=("BA-LOG-003",), jobs=1), use_git=False)
    return {(f.path, f.line): (f.level, f.message) for f in result.findings}


def test_an_unmounted_router_and_what_only_it_imports_are_notes_saying_why(tmp_path):
    found = _scan(tmp_path, {"app/__init__.py": "", "app/main.py": APP, "app/routers/__init__.py": "",
                             "app/routers/items.py": MOUNTED, "app/routers/old.py": UNMOUNTED,
                             "app/legacy.py": LEGACY})
    assert found[("app/routers/items.py", 8)][0] == "warning"  # mounted: a live endpoint
    level, message = found[("app/routers/old.py", 10)]
    assert level == "note" and "router no module imports or includes" in message
    level, message = found[("app/legacy.py", 2)]
    assert level == "note" and "imported only by unreachable code (`app/routers/old.py`)" in message


def test_a_module_shadowed_by_its_package_is_unreachable(tmp_path):
    found = _scan(tmp_path, {"app/__init__.py": "", "app/jobs.py": LEGACY, "app/jobs/__init__.py": "",
                             "app/jobs/run.py": LEGACY})
    level, message = found[("app/jobs.py", 2)]
    assert level == "note" and "shadowed by the package `app/jobs/`" in message
    assert found[("app/jobs/run.py", 2)][0] == "warning"


def test_a_script_beside_its_package_runs_by_its_path(tmp_path):
    # `python cps.py` starts the application kept in the package `cps/`: run, never imported
    found = _scan(tmp_path, {"cps.py": SCRIPT,
                             "cps/__init__.py": "", "cps/main.py": "import flask\n" + LEGACY})
    assert not any("unreachable" in message for _, message in found.values())
    assert found[("cps/main.py", 4)][0] == "warning"


def test_nothing_is_dead_for_lack_of_importers_or_when_live_code_imports_or_names_it(tmp_path):
    found = _scan(tmp_path, {
        "app/__init__.py": "", "app/main.py": APP + "\nfrom .legacy import run\n", "app/routers/__init__.py": "",
        "app/routers/items.py": MOUNTED, "app/routers/old.py": UNMOUNTED, "app/legacy.py": LEGACY,
        "app/script.py": LEGACY, "app/plugin.py": LEGACY, "app/old_plugin.py": "import app.plugin\n",
        "app/settings.py": 'PLUGINS = ["app.old_plugin"]\n'})
    assert found[("app/legacy.py", 2)][0] == "warning"  # main.py imports it too
    assert found[("app/script.py", 2)][0] == "warning"  # imported by nothing: an entry point, a script
    assert found[("app/plugin.py", 2)][0] == "warning"  # its importer is named in a settings string


def test_what_only_setup_py_imports_is_packaging_tooling_and_a_self_contained_package_stays_live(tmp_path):
    found = _scan(tmp_path, {
        "setup.py": "import setuptools\n\nfrom build_utils import steps\n\nsetuptools.setup(cmdclass=steps.COMMANDS)\n",
        "build_utils/__init__.py": "", "build_utils/steps.py": LEGACY + "\nCOMMANDS = {}\n",
        "plugin/__init__.py": "from plugin.views import run\n", "plugin/views.py": "import plugin\n\n" + LEGACY})
    level, message = found[("build_utils/steps.py", 2)]
    assert level == "note" and "packaging tooling: only the build script `setup.py`" in message
    # nothing imports the package but its own modules import each other: no evidence it is dead
    assert found[("plugin/views.py", 5)][0] == "warning"


CLI = """
import click

from ..core import push


@click.command()
def main():
    push.Pusher().run()
"""
CORE_PUSH = """
class Pusher:
    def run(self):
        print("pushed 3 resources")
"""
SERVER = """
from fastapi import FastAPI

from .core import shared
from .cli.utils import X

app = FastAPI()
"""


def test_what_only_a_command_line_program_reaches_prints_to_its_terminal(tmp_path):
    # `pkg.cli` is the console script; the server imports `pkg.cli.utils`, which runs `pkg/cli/__init__.py`
    # (and so loads the commands) but calls none of them; `core/shared.py` is the server's too. A test calling
    # `run()` puts no server on its path
    found = _scan(tmp_path, {"pkg/__init__.py": "", "pkg/cli/__init__.py": CLI, "pkg/cli/utils.py": "X = 1\n",
                             "tests/test_push.py": "from pkg.core.push import Pusher\n\n\ndef test_run():\n    Pusher().run()\n",
                             "pkg/core/__init__.py": "", "pkg/core/push.py": CORE_PUSH,
                             "pkg/core/shared.py": CORE_PUSH, "pkg/server.py": SERVER})
    level, message = found[("pkg/core/push.py", 3)]
    assert level == "note" and "only command-line code reaches `pkg/core/push.py`" in message
    assert found[("pkg/core/shared.py", 3)][0] == "warning"


def test_a_command_that_imports_the_application_leaves_it_the_servers(tmp_path):
    found = _scan(tmp_path, {"pkg/__init__.py": "", "pkg/core/__init__.py": "", "pkg/core/shared.py": CORE_PUSH,
                             "pkg/server.py": SERVER.replace("from .cli.utils import X\n", ""),
                             "pkg/cli.py": "import click\n\nfrom .core import shared\nfrom .server import app\n"})
    assert found[("pkg/core/shared.py", 3)][0] == "warning"


def test_a_bare_import_resolves_to_the_scripts_sibling_not_an_app_package_of_that_name(tmp_path):
    # an applet run by path imports its sibling `common.py`; the web app's `common` package is another module
    found = _scan(tmp_path, {
        "applets/chrome/main.py": "import sys\n\nfrom common import notify\n\nif __name__ == '__main__':\n    notify()\n",
        "applets/chrome/common.py": "def notify():\n    print('opened')\n",
        "web/common/__init__.py": "def notify():\n    print('served')\n",
        "web/views.py": "from django.http import HttpResponse\nfrom common import notify\n"})
    level, message = found[("applets/chrome/common.py", 2)]
    assert level == "note" and "terminal program" in message
    assert found[("web/common/__init__.py", 2)][0] == "warning"
