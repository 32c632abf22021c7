import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SHARED = REPO.parent / "shared"


def cli_path() -> str:
    """The installed `backend-audit` of the interpreter running the tests."""
    exe = Path(sys.executable).parent / "backend-audit"
    if exe.exists():
        return str(exe)
    found = shutil.which("backend-audit")
    if not found:
        pytest.skip("backend-audit is not installed in this environment")
    return found


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory):
    """The result cache's integrity key lives in the user's cache home: the tests make their own there, and
    the CLI runs they start inherit it, instead of touching ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    os.environ.pop("BACKEND_AUDIT_CACHE_KEY", None)


@pytest.fixture
def cli():
    return cli_path()


@pytest.fixture
def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BACKEND_AUDIT"))}
    env.pop("CI", None)
    return env
