"""A reusable Django app: a package published for pip (`setup.py`, `setup.cfg`, `pyproject.toml` at the root)
that nothing in the repository deploys. Its only `wsgi.py`/`asgi.py`/`manage.py` sit in the test suite or a
project for trying it (`testproject/`, a `*_workbench/`), or there is none: the host project that installs
the app runs the server, so what a server owns (a health probe, throttling the login) is the host's choice.
BA-REL-001 and BA-API-003 report such a repository as a note.
"""

from __future__ import annotations

from typing import Any

from .recognise import in_dev_project

_PACKAGING = ("setup.py", "setup.cfg", "pyproject.toml")
_ENTRY_POINTS = ("wsgi.py", "asgi.py", "manage.py")
HOST_OWNS = "a reusable app with no deployment of its own (a pip package whose only server is a test or demo " \
            "project): the host project that installs it owns this"


def reusable_app(project: Any, inv: Any) -> bool:
    """Django apps only (the idiom is Django's; a Flask or FastAPI package builds its own app)."""
    if not any(e.framework in ("django", "drf") for e in inv.endpoints):
        return False
    if not any((project.root / name).is_file() for name in _PACKAGING):
        return False
    entries = [p for p in project.facts if p.rpartition("/")[2] in _ENTRY_POINTS]
    return all(project.facts[p].get("is_test") or in_dev_project(p) for p in entries)
