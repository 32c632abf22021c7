"""What a Flask app's configuration is loaded from, over the whole project: the files and classes
`app.config.from_object("pkg.settings")` / `from_object(Config)` / `from_pyfile("settings.py")` load (in
any module, a helper's `config.from_object(...)` included), and the sources outside the repository
(`from_envvar`, `from_pyfile("/etc/app.conf")`, `from_prefixed_env`). Read by the rules that judge a setting
by the value the app runs with (flask-cors' CORS_ORIGINS, a default SECRET_KEY)."""

from __future__ import annotations

from typing import Any


def config_loaded(project: Any) -> tuple[set[str], set[str], list[str]]:
    """(files the app's config loads, class names it loads, config sources outside the repository): worked out
    once per scan for the three rules that ask."""
    return project.memo("flask_config_loaded", lambda: _config_loaded(project))


def _config_loaded(project: Any) -> tuple[set[str], set[str], list[str]]:
    files: set[str] = set()
    classes: set[str] = set()
    outside: list[str] = []
    for path in sorted(project.facts):
        facts = project.facts[path]
        if facts.get("is_test"):
            continue
        web = facts.get("web") or {}
        for entry in web.get("config_objects", ()):
            obj = entry["object"]
            head, _, last = obj.rpartition(".")
            classes.add(last)
            if entry["literal"]:  # "pkg.settings" (a module) or "pkg.config.Production" (a class in one)
                files.update(project.resolve_import(path, obj))
                if head:
                    files.update(project.resolve_import(path, head))
            else:  # from_object(settings) after `from pkg import settings`: the imported module
                first = obj.split(".")[0]
                for name in facts.get("imports", ()):
                    if name.rpartition(".")[2] == first:
                        files.update(project.resolve_import(path, name))
        for entry in web.get("config_files", ()):
            arg = entry.get("arg")
            found = [p for p in project.facts if arg and not arg.startswith("/") and
                     (p == arg or p.endswith("/" + arg.lstrip("./")))] if entry["how"] == "from_pyfile" else []
            if found:
                files.update(found)
            else:
                shown = f"{entry['how']}({arg!r})" if arg else f"{entry['how']}(...)"
                outside.append(f"{shown} at {path}:{entry['line']}")
    return files, classes, outside
