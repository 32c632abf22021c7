"""User taint models and --fix read files of the scanned repository: bounded, never a FIFO, no YAML bomb."""

import os

import pytest

from backend_audit.config import load_settings
from backend_audit.errors import ConfigError

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))


@pytest.mark.parametrize("kind", ["bomb", "fifo"])
def test_hostile_user_model_is_one_config_error(tmp_path, kind):
    (tmp_path / "pyproject.toml").write_text('[tool.backend-audit]\ntaint-models = ["models.yaml"]\n')
    if kind == "bomb":
        (tmp_path / "models.yaml").write_text(BOMB)
    else:
        os.mkfifo(tmp_path / "models.yaml")
    with pytest.raises(ConfigError, match="models.yaml"):
        load_settings([tmp_path], None)


def test_fix_does_not_rewrite_through_a_symlink(tmp_path):
    from backend_audit.findings import Finding, ScanResult
    from backend_audit.fixes.apply import fix_result

    outside = tmp_path / "outside.py"
    outside.write_text("x = 1\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link.py").symlink_to(outside)
    finding = Finding("BA-LOG-002", "link.py", 1, 1, 1, 2, "warning", "m", "ast",
                      properties={"fix": {"safety": "safe", "title": "t", "edits": [[1, 2, "x = 2\n"]]}})
    result = ScanResult(root=str(root), tool_version="0", rules=[], findings=[finding], skipped=[],
                        files_scanned=1, files_discovered=1, lines_scanned=1, duration=0.0, fail_on="error")
    [ff] = fix_result(result, lambda rel, text: [], unsafe=False)
    assert not ff.changed and ff.refused and outside.read_text() == "x = 1\n"


def test_repository_probes_and_cache_keys_never_block_on_a_fifo(tmp_path):
    from backend_audit.pipeline.cache import ResultCache
    from backend_audit.pipeline.discovery import SourceRef
    from backend_audit.untrusted.files import read_small_text

    os.mkfifo(tmp_path / "Procfile")
    (tmp_path / "real.txt").write_text("web: gunicorn app\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert read_small_text(tmp_path / "Procfile", 1024) is None  # would block with a plain open()
    assert read_small_text(tmp_path / "link.txt", 1024) is None  # not followed
    assert read_small_text(tmp_path / "real.txt", 5) is None  # over the limit
    assert read_small_text(tmp_path / "real.txt", 1024) == "web: gunicorn app\n"
    assert ResultCache.key(_Salted(), SourceRef("Procfile", str(tmp_path / "Procfile"))) is None


class _Salted:
    salt = "s"
