"""Uncalled functions (model/uncalled.py): a finding of a rule about running code inside a function nothing in the
project names is a note that says why; any mention in code, a string or a configuration file keeps it live."""

import textwrap
from pathlib import Path

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

FETCH = "requests.get(url).json()"


def _scan(tmp_path: Path, files: dict[str, str], select: str = "BA-PERF-002") -> dict[tuple[str, int], tuple]:
    for rel, code in {"app/__init__.py": "", **files}.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(code).lstrip(), encoding="utf-8")
    result = scan([tmp_path], Settings(select=(select,), jobs=1), use_git=False)
    return {(f.path, f.line): (f.level, f.message) for f in result.findings}


def _helpers(*names: str, extra: str = "") -> str:
    """app/helpers.py: `import requests`, then one two-line fetching function per name (first at line 3)."""
    body = "".join(f"def {n}(url):\n    return {FETCH}\n\n\n" for n in names)
    return f"import requests\n{extra}\n{body}"


def _line(name: str, names: tuple[str, ...]) -> int:
    return 4 + 4 * names.index(name)


def test_a_helper_nothing_names_is_a_note_saying_why(tmp_path):
    names = ("fetch", "legacy_fetch")
    found = _scan(tmp_path, {"app/helpers.py": _helpers(*names),
                             "app/views.py": "from app.helpers import fetch\n\ndef view(request):\n"
                                             "    return fetch(request.GET['u'])\n",
                             "app/urls.py": "from app.views import view\n\nurlpatterns = [view]\n"})
    assert found[("app/helpers.py", _line("fetch", names))][0] == "warning"
    level, message = found[("app/helpers.py", _line("legacy_fetch", names))]
    assert level == "note" and "nothing in the project calls `legacy_fetch`" in message


def test_a_commented_out_call_is_no_caller(tmp_path):
    names = ("_resource",)
    found = _scan(tmp_path, {"app/helpers.py": _helpers(*names, extra="# blocks = [_resource(URL)]\n")})
    assert found[("app/helpers.py", 5)][0] == "note"


def test_a_name_in_a_settings_string_a_config_file_or_a_template_is_a_reference(tmp_path):
    names = ("by_settings", "by_yaml", "by_template", "by_entry_point", "by_getattr")
    found = _scan(tmp_path, {
        "app/helpers.py": _helpers(*names),
        "app/views.py": "import app.helpers\n\nHOOK = getattr(app.helpers, 'by_getattr')\n",
        "app/settings.py": "FETCHER = 'app.helpers.by_settings'\n",
        "deploy/tasks.yaml": "schedule:\n  - task: app.helpers.by_yaml\n",
        "app/templates/page.html": "{{ helpers.by_template }}\n",
        "pyproject.toml": "[project.scripts]\nfetch = 'app.helpers:by_entry_point'\n"})
    assert {found[("app/helpers.py", _line(n, names))][0] for n in names} == {"warning"}


def test_a_name_built_from_a_prefix_refers_to_every_function_with_it(tmp_path):
    names = ("_handle_feed",)
    found = _scan(tmp_path, {"app/helpers.py": _helpers(*names, extra=(
        "def dispatch(kind, url):\n    return globals()[f'_handle_{kind}'](url)\n"))})
    assert found[("app/helpers.py", 6)][0] == "warning"


def test_framework_hooks_and_registered_functions_are_called_by_name(tmp_path):
    found = _scan(tmp_path, {
        "app/views.py": """
            import requests
            from django.views.generic import ListView


            class FeedMixin:
                def get_context_data(self, **kwargs):
                    return requests.get("https://x.example").json()


            class FeedView(FeedMixin, ListView):
                def get_queryset(self):
                    return requests.get("https://y.example").json()


            @register
            def _on_feed():
                return requests.get("https://z.example").json()


            class Router:
                def route_for(self, model):
                    return requests.get("https://w.example").json()
            """,
        "app/urls.py": "from app.views import FeedView\n\nurlpatterns = [FeedView]\n",
        "app/settings.py": "DATABASE_ROUTERS = ['app.views.Router']\n"})
    assert {level for level, _ in found.values()} == {"warning"} and len(found) == 4


def test_a_public_function_of_a_module_nothing_imports_may_be_called_from_outside(tmp_path):
    # a script, a plugin or a library module: its public names are its interface
    found = _scan(tmp_path, {"app/client.py": _helpers("download", "_unused")})
    assert found[("app/client.py", 4)][0] == "warning"
    assert found[("app/client.py", 8)][0] == "note"


def test_code_shape_rules_keep_their_level(tmp_path):
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(30))
    found = _scan(tmp_path, {"app/shape.py": f"def _unused(x):\n{branches}    return -1\n"}, select="BA-QUAL-001")
    assert found and all(level != "note" for level, _ in found.values())


def test_a_class_keeps_its_public_methods_but_not_a_private_one_nothing_calls(tmp_path):
    found = _scan(tmp_path, {
        "app/client.py": """
            import requests


            class Crowdin:
                def languages(self):
                    return requests.get("https://x.example").json()

                def projects(self):
                    return requests.get("https://y.example").json()

                def _old_projects(self):
                    return requests.get("https://z.example").json()
            """,
        "app/main.py": "from app.client import Crowdin\n\nprint(Crowdin().languages())\n"})
    assert [found[("app/client.py", line)][0] for line in (6, 9, 12)] == ["warning", "warning", "note"]

