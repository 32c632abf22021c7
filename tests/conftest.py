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


@pytest.fixture(autouse=True, scope="session")
def _checks_own_levels():
    """A test of a check pins the check's own level, as the rules' examples do; the blind calibration that
    lowers some kinds of finding after the project pass is tested on its own (tests/test_calibration.py,
    marked `calibrated`). Session-wide, so a module-scoped scan and the test reading it agree; in-process
    scans only: a CLI run in a subprocess reports calibrated levels."""
    from backend_audit.workflow import calibration

    real, state = calibration.apply, {"on": False}
    calibration.apply = lambda *args, **kwargs: real(*args, **kwargs) if state["on"] else None
    yield state
    calibration.apply = real


@pytest.fixture(autouse=True)
def _calibrated_when_marked(request, _checks_own_levels):
    _checks_own_levels["on"] = request.node.get_closest_marker("calibrated") is not None
    yield
    _checks_own_levels["on"] = False


@pytest.fixture
def cli():
    return cli_path()


@pytest.fixture
def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BACKEND_AUDIT"))}
    env.pop("CI", None)
    return env
