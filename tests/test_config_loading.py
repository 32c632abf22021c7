"""Settings another module loads decide a finding (checks/app_config.py): flask-cors' CORS_ORIGINS from the
settings a helper's `config.from_object(...)` loads. On an explicit file list the settings are out of view,
so the file check's own finding stands (the project pass only lowers or drops with evidence in view)."""

from ._gitrepo import commit, init, run_cli, write

VIEWS = '''from flask_cors import cross_origin

from .app import app


@app.route("/account")
@cross_origin(supports_credentials=True)
def account():
    return {}
'''


def _repo(tmp_path, monkeypatch, origins: str):
    root = init(tmp_path / "repo")
    write(root, {"pyproject.toml": '[tool.backend-audit]\nselect = ["BA-API-002"]\n',
                 "shop/__init__.py": "", "shop/settings.py": f"CORS_ORIGINS = {origins}\n",
                 "shop/app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
                 "shop/config.py": 'def load(config):\n    config.from_object("shop.settings")\n',
                 "shop/views.py": VIEWS})
    commit(root)
    monkeypatch.chdir(root)
    return root


def test_origins_listed_in_loaded_settings(tmp_path, capsys, monkeypatch):
    _repo(tmp_path, monkeypatch, '["https://shop.example.com"]')
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1")
    assert code == 0 and "BA-API-002" not in out
    # the settings out of view: what the file alone shows, flask-cors' default of every origin
    code, out, _ = run_cli(capsys, "scan", "shop/views.py", "-j", "1")
    assert code == 1 and "no origins, no CORS_ORIGINS" in out


def test_wildcard_in_loaded_settings_names_where(tmp_path, capsys, monkeypatch):
    _repo(tmp_path, monkeypatch, '"*"')
    code, out, _ = run_cli(capsys, "scan", ".", "-j", "1")
    assert code == 1 and "the app config's CORS_ORIGINS, shop/settings.py:1" in out
