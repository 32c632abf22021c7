"""Django management commands the test suite's scripts run (`./manage.py upgrade --no-input` in
`tests/migrations-rollback`, which CI runs as a test job).

A command so run is exercised by the test suite the same way `call_command("upgrade")` in a test would
exercise it. Read from the repository's non-Python files under the test paths, each bounded and without
following links; Python test files are covered by their facts (`call_command`). A CI workflow's setup step
(`python manage.py compile_themes` before `pytest`) runs a command but tests nothing of it: not counted.
"""

from __future__ import annotations

from typing import Any

from ..config import is_test_path
from .lazy_re import re  # compiled on first use
from .repo_text import read_small, repo_files

_RUN = re.compile(r"(?:\bmanage\.py|\bdjango-admin(?:\.py)?|-m\s+django)\s+([a-z_][a-z0-9_]*)\b")
_MAX_FILES = 300  # a test folder of data files without extensions must not make the scan read them all
# scripts and configuration, not the data files (JSON fixtures, dumps) a test folder also holds
_SCRIPT = re.compile(r"(?:^|/)(?:[^/.]+|[^/]+\.(?:sh|bash|ya?ml|ini|cfg|toml|mk)|Makefile)$")


def commands_run_by_scripts(project: Any) -> set[str]:
    """Names of the management commands a test script runs through manage.py / django-admin."""
    def build() -> set[str]:
        def wanted(rel: str) -> bool:
            return not rel.endswith((".py", ".pyi")) and bool(_SCRIPT.search(rel)) and \
                is_test_path(rel, project.settings)
        names: set[str] = set()
        for rel in [r for r in repo_files(project) if wanted(r)][:_MAX_FILES]:
            text = read_small(project, rel)
            names.update(_RUN.findall(text) if text else ())
        return names
    return project.memo("script_commands", build)


# `RUN python -m pkg.build_step` / `RUN /app/.venv/bin/python tools/make_assets.py` in a Dockerfile
_DOCKER_RUN = re.compile(r"(?m)^\s*RUN\b(?:[^\n]|\\\n)*")
_PYTHON_RUN = re.compile(r"\bpython[0-9.]*\s+(?:-[A-Za-z]+\s+)*?(?:-m\s+([A-Za-z_][\w.]*)|([\w./-]+\.py)\b)")
_DOCKERFILE = re.compile(r"(?:^|/)(?:Dockerfile[^/]*|[^/]+\.dockerfile)$", re.I)


def modules_run_at_image_build(project: Any) -> dict[str, str]:
    """Python modules a Dockerfile's `RUN` step runs while the image is built (`python -m pkg.prebuild`,
    `python version.py`): dotted name or path -> the Dockerfile. A build step, not code a request reaches."""
    def build() -> dict[str, str]:
        out: dict[str, str] = {}
        for rel in [r for r in repo_files(project) if _DOCKERFILE.search(r)][:_MAX_FILES]:
            text = read_small(project, rel) or ""
            for step in _DOCKER_RUN.findall(text):
                for module, script in _PYTHON_RUN.findall(step):
                    out.setdefault(module or script.lstrip("./"), rel)
        return out
    return project.memo("image_build_modules", build)


# `CMD /start.py`, `ENTRYPOINT ["python3", "/app/run.py"]`: the program a container runs when it starts
_DOCKER_START = re.compile(r"(?m)^\s*(?:CMD|ENTRYPOINT)\b[^\n]*")
_START_SCRIPT = re.compile(r"([\w./-]+\.py)\b")
_COMPOSE = re.compile(r"(?:^|/)(?:docker-)?compose[^/]*\.ya?ml$")


def modules_started_by_images(project: Any) -> dict[str, str]:
    """Python files a Dockerfile's `CMD`/`ENTRYPOINT` starts, found beside that Dockerfile (the image copies
    them from its build folder, `COPY start.py /`), in a repository whose tests start containers (a compose file
    among the test files): repository path -> the Dockerfile. A container's entry program; whether a test starts
    that container is not something the scan can see."""
    def build() -> dict[str, str]:
        out: dict[str, str] = {}
        files = repo_files(project)
        # only where the tests start containers: a compose file among the test files (`tests/compose/core/
        # docker-compose.yml`); without one, nothing suggests a test ever runs the image
        if not any(_COMPOSE.search(r) and is_test_path(r, project.settings) for r in files):
            return out
        for rel in [r for r in files if _DOCKERFILE.search(r)][:_MAX_FILES]:
            text = read_small(project, rel) or ""
            folder = rel.rpartition("/")[0]
            for line in _DOCKER_START.findall(text):
                for script in _START_SCRIPT.findall(line):
                    for candidate in (script.lstrip("./"), script.rpartition("/")[2]):
                        path = f"{folder}/{candidate}" if folder else candidate
                        if path in project.facts:
                            out.setdefault(path, rel)
                            break
        return out
    return project.memo("image_start_modules", build)
