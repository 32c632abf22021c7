"""BA-AUTH-001 / BA-AUTH-004 levels: what the message and level say about each shape (the rule examples test
only that a line is flagged or not)."""

from __future__ import annotations

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan

from ._gitrepo import write

URLS = """from django.urls import path

from app import views

urlpatterns = [path("preview/", views.preview), path("notes/", views.add_note), path("orga/me/", views.me)]
"""
VIEWS = """from django.views.decorators.http import require_POST


@require_POST
def preview(request):
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return render(request, "preview.html", {"form": form})
    return render(request, "preview.html", {"dates": next_runs(form.cleaned_data["expr"])})


@require_POST
def add_note(request):
    Note.objects.create(text=request.POST["text"])
    return redirect("/notes/")


def me(request):
    return render(request, "me.html", {"user": request.user})
"""
MIDDLEWARE = """class OrgaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/orga/") and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
"""


def _scan(tmp_path, files: dict[str, str], rule: str = "BA-AUTH-001") -> dict[int, tuple[str, str]]:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    result = scan([tmp_path], Settings(select=(rule,), jobs=1), use_git=False)
    return {f.line: (f.level, f.message) for f in result.findings if f.rule_id.startswith(rule)}


def test_levels_follow_what_the_handler_does(tmp_path):
    found = _scan(tmp_path, {"conf/settings.py": 'ROOT_URLCONF = "conf.urls"\n', "conf/urls.py": URLS,
                             "app/views.py": VIEWS})
    # a POST that stores nothing and does not ask who is calling: public helper or forgotten guard
    assert found[5][0] == "note" and "writes nothing" in found[5][1] and "cannot be told apart" in found[5][1]
    # creates a Note, but nothing says it is meant to be private (no identity read, no record named in its
    # URL, no guarded route beside it): a public form or a forgotten guard, a note that says what was not traced
    assert found[13][0] == "note" and "nothing says it is meant to be private" in found[13][1]
    assert "auth for this route not traced" in found[13][1]
    # reads request.user, but no route of its module takes a login: a guard out of sight (an app-wide hook)
    # cannot be told from a missing one, a note
    assert found[18][0] == "note" and "reads who is asking" in found[18][1] and "not traced" in found[18][1]


def test_a_read_of_the_caller_beside_guarded_routes_is_a_warning(tmp_path):
    views = VIEWS + "\n\n@login_required\ndef mine(request):\n    return render(request, 'mine.html')\n"
    urls = URLS.replace("]\n", ', path("mine/", views.mine)]\n')
    found = _scan(tmp_path, {"conf/settings.py": 'ROOT_URLCONF = "conf.urls"\n', "conf/urls.py": urls,
                             "app/views.py": "from django.contrib.auth.decorators import login_required\n" + views})
    assert found[19][0] == "warning" and "1 route(s) beside it in its module take a login" in found[19][1]


def test_get_that_deletes_is_an_error_with_two_signs(tmp_path):
    views = "def purge(request, pk):\n    Item.objects.get(pk=pk).delete()\n    return redirect('/')\n"
    urls = ("from django.urls import path\n\nfrom app import views\n\nurlpatterns = [path('purge/<pk>/', views.purge), "
            "path('items/', views.items)]\n")
    guarded = ("\n\n@login_required\ndef items(request):\n    return render(request, 'items.html')\n")
    found = _scan(tmp_path, {"conf/settings.py": 'ROOT_URLCONF = "conf.urls"\n', "conf/urls.py": urls,
                             "app/views.py": views})
    # a record its URL names, deleted by a GET, but nothing beside it takes a login: one sign, and a record by id
    # alone does not confirm the caller is unauthenticated (0 of 14 such warnings were real, blind): a note
    assert found[1][0] == "note" and "saves or deletes" in found[1][1] and "auth not confirmed" in found[1][1]
    found = _scan(tmp_path, {"app/views.py": "from django.contrib.auth.decorators import login_required\n\n\n" +
                             views + guarded})
    # the route beside it takes a login: the second sign, an error
    assert found[4][0] == "error" and "beside it in its module take a login" in found[4][1]


def test_middleware_guarding_a_prefix_protects_only_that_prefix(tmp_path):
    settings = 'ROOT_URLCONF = "conf.urls"\nMIDDLEWARE = ["app.middleware.OrgaMiddleware"]\n'
    found = _scan(tmp_path, {"conf/settings.py": settings, "conf/urls.py": URLS, "app/views.py": VIEWS,
                             "app/middleware.py": MIDDLEWARE})
    assert 18 not in found  # /orga/me/ is behind the middleware
    # /notes/ is not; one guarded route beside two open ones does not make it the odd one out, and it changes
    # nothing tied to a user: a note
    assert found[13][0] == "note" and "no more than the open ones" in found[13][1]


HELPER = """from django.contrib.auth.decorators import login_required


def _mine(request):
    assert request.user.is_authenticated
    return request.user.items.all()


@login_required
def items(request):
    return render(request, "items.html", {"items": _mine(request)})


def unrouted_helper(request):
    assert request.user.is_authenticated
    return request.user.items.count()


def export(request):
    assert request.user.is_staff
    return dump()
"""


def test_login_assert_judged_by_its_callers(tmp_path):
    found = _scan(tmp_path, {"conf/settings.py": 'ROOT_URLCONF = "conf.urls"\n',
                             "conf/urls.py": 'from django.urls import path\n\nfrom app import views\n\n'
                                             'urlpatterns = [path("items/", views.items)]\n',
                             "app/views.py": HELPER}, rule="BA-AUTH-004")
    assert 5 not in found  # every caller is @login_required: type narrowing
    assert found[15][0] == "warning" and "not traced" in found[15][1]
    assert found[20][0] == "error"  # a rights check, whoever calls it


def test_class_view_get_is_judged_by_its_get_method_only(tmp_path):
    views = ("from django.contrib.auth.decorators import login_required\nfrom django.utils.decorators import "
             "method_decorator\nfrom django.views import View\n\n\nclass Items(View):\n    def get(self, request):\n"
             "        return render(request, 'items.html', {'items': Item.objects.all()})\n\n"
             "    @method_decorator(login_required)\n    def delete(self, request):\n"
             "        Item.objects.all().delete()\n        return redirect('/')\n")
    urls = "from django.urls import path\n\nfrom app import views\n\nurlpatterns = [path('items/', views.Items.as_view())]\n"
    result = scan_levels(tmp_path, views, urls)
    assert result == {"GET": "note"}  # the guarded DELETE's delete() does not make the GET a write


def scan_levels(tmp_path, views: str, urls: str) -> dict[str, str]:
    for rel, text in {"conf/settings.py": 'ROOT_URLCONF = "conf.urls"\n', "conf/urls.py": urls,
                      "app/views.py": views}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    found = scan([tmp_path], Settings(select=("BA-AUTH-001",), jobs=1), use_git=False).findings
    return {f.message.split(" ")[0]: f.level for f in found}


def test_account_flows_need_their_words_and_weak_words_need_a_token_or_context():
    from backend_audit.model.frameworks.public_flows import account_flow

    assert account_flow("/orga/reset/<token>", "RecoverView", "orga/views/auth.py") == "password recovery"
    assert account_flow("/accounts/confirm-email/<key>/", "ConfirmEmailView", "urls.py") == "e-mail confirmation"
    assert account_flow("/api/v1/password-recovery/{email}", "recover_password", "routes/login.py") == \
        "password recovery"
    assert account_flow("/stats/reset/", "reset_stats", "app/views.py") is None
    assert account_flow("/admin/login-history", "LoginHistoryView", "app/views.py") is None
    # a single sign-on endpoint (a SAML assertion consumer) is the login itself; its settings are not
    assert account_flow("/auth/saml/sso", "SAMLSSOResource.post", "app/auth/resources.py") == "login (single sign-on)"
    assert account_flow("/admin/sso/settings", "SSOSettingsView", "app/admin.py") is None
    assert account_flow("/accounts/<int:pk>/activate/", "activate", "accounts/views.py") is None
    assert account_flow("/activate/<token>/", "activate", "accounts/views.py") == "account activation"
    assert account_flow("/auth/activate/confirm", "ActivateAccount", "app/auth/views.py") == "account activation"
    assert account_flow("/auth/activate", "RequestActivationToken", "app/views.py") == "account activation"
    assert account_flow("/projects/activate", "activate", "app/views.py") is None
    assert account_flow("/user/chpasswd", "do_chpasswd", "mod_user.py") is None
    # a helper-built path (`org_scoped_rule("/invite/<token>")` reads as <expr>): the handler's parameters
    assert account_flow("/<expr>", "invite", "handlers/authentication.py", ["token", "org_slug"]) == "invitation"
    assert account_flow("/<expr>", "invite", "handlers/authentication.py", ["org_slug"]) is None
    assert account_flow("/<org_slug>/oauth/google", "create_blueprint.org_login", "google_oauth.py") == "login"
    assert account_flow("/users/<id>/login-history", "login_history", "app/views.py") is None
    assert account_flow("/users/<id>/", "last_login", "app/views.py") is None


def test_first_run_setup_needs_its_name():
    from backend_audit.model.frameworks.public_flows import first_run_setup

    assert first_run_setup("setup") and first_run_setup("SetupView.get") and first_run_setup("install_view")
    assert not first_run_setup("setup_billing") and not first_run_setup("project_settings")


def test_identity_read_only_when_present_serves_anonymous_callers(tmp_path):
    app = """from flask import Flask, g, render_template

app = Flask(__name__)


@app.route("/posts/")
def timeline(username=None):
    if "username" in g.session:
        username = g.session["username"]
    return render_template("posts.html", posts=load_posts(username))


@app.route("/mine/")
def mine():
    return render_template("mine.html", posts=load_posts(g.session["username"]))
"""
    found = _scan(tmp_path, {"app.py": app})
    assert 7 not in found  # personalised when logged in, public otherwise: built for anonymous visitors
    # needs a session user it never checks, but no route beside it takes a login to show the author's way of
    # guarding (an app-wide hook out of sight looks the same): a note
    assert found[14][0] == "note" and "reads who is asking" in found[14][1]


def test_account_flow_step_for_the_logged_in_user_is_a_warning(tmp_path):
    app = """from flask import Flask
from flask_login import current_user

app = Flask(__name__)


@app.route("/verification_email/", methods=["POST"])
def verification_email():
    if not current_user.is_email_verified:
        current_user.verification_sent = True
        current_user.save()
    return {"message": "check your inbox"}


@app.route("/verify/<token>", methods=["POST"])
def verify_email(token):
    user = load_user(check_token(token))
    user.is_email_verified = current_user == user
    user.save()
    return {"ok": True}


@app.route("/notes/", methods=["POST"])
def add_note():
    Note(owner=current_user.id).save()
    return {"ok": True}
"""
    found = _scan(tmp_path, {"app.py": app})
    # anonymous: only that step; and no route beside it takes a login, so a guard out of sight cannot be told
    # from a missing one: a note
    assert found[8][0] == "note" and "e-mail verification flow" in found[8][1] and "not traced" in found[8][1]
    assert 16 not in found  # the token in the link is the credential
    # no flow: an unguarded write tied to the caller only (an anonymous caller changes no one's data) in a
    # module that shows no guarded route: a note saying auth was not traced
    assert found[24][0] == "note" and "reads who is asking" in found[24][1] and "not traced" in found[24][1]


def test_a_helper_that_serves_anonymous_visitors_makes_a_public_read(tmp_path):
    app = """from flask import Flask
from flask_login import current_user

app = Flask(__name__)


def client_config():
    extra = {}
    if current_user.is_authenticated:
        extra = {"version": "1.0"}
    return {"page_size": 20, **extra}


@app.route("/api/config")
def config():
    return client_config()


@app.route("/api/stats")
def stats():
    return {"count": count_all()}
"""
    found = _scan(tmp_path, {"app.py": app})
    assert 15 not in found  # its helper serves anonymous and logged-in visitors alike
    assert found[20][0] == "note"  # nothing says whether anonymous visitors are meant to see it


def test_class_view_post_is_a_write_unless_its_own_post_writes_nothing(tmp_path):
    (tmp_path / "app.py").write_text(
        "from flask import Flask, render_template, request\nfrom flask.views import MethodView\n\n"
        "app = Flask(__name__)\n\n\n"
        "class Preview(MethodView):\n    def post(self):\n        return render_template('p.html', t=request.form['t'])\n\n\n"
        "class Saving(MethodView):\n    def post(self):\n        db.session.commit()\n        return ''\n\n\n"
        "class AddNote(Saving):\n    def post(self):\n        print('adding')\n        return super().post()\n\n\n"
        "app.add_url_rule('/preview', view_func=Preview.as_view('preview'))\n"
        "app.add_url_rule('/notes', view_func=AddNote.as_view('add_note'))\n", encoding="utf-8")
    found = scan([tmp_path], Settings(select=("BA-AUTH-001",), jobs=1), use_git=False).findings
    # the preview computes and stores nothing; AddNote's own post() hands over to a base that commits (a
    # write, but one nothing marks as private: a note saying auth was not traced, as the POST that writes
    # nothing, whose message says it writes nothing)
    assert {(f.line, f.level) for f in found} == {(7, "note"), (18, "note")}
    assert "auth for this route not traced" in next(f.message for f in found if f.line == 18)


def test_guard_not_traced_is_a_note_for_its_siblings_but_not_for_a_webhook(tmp_path):
    # a route whose Annotated metadata runs a guard from unread code is a note, and so is its module's other
    # unguarded route; a webhook beside them is called by another service, never behind their user guard
    write(tmp_path, {
        "app/__init__.py": "",
        "app/deps.py": "from acme_iam import role_dependency\n\n\ndef RoleGate(*roles):\n    return role_dependency(roles)\n",
        "app/repos.py": "from typing import Annotated\n\nfrom fastapi import APIRouter, Request\n\nfrom .db import get_db\n"
                        "from .deps import RoleGate\nfrom .events import queue\n\nrouter = APIRouter()\n"
                        "Admin = Annotated[dict, RoleGate('admin')]\n\n\n"
                        "@router.post('/repos')\ndef add_repo(role: Admin, db=Depends(get_db)):\n    db.add(1)\n"
                        "    db.commit()\n\n\n"
                        "@router.delete('/repos/{repo_id}')\ndef delete_repo(repo_id: int, db=Depends(get_db)):\n"
                        "    db.delete(repo_id)\n\n\n"
                        "@router.post('/webhook')\nasync def github_webhook(request: Request):\n"
                        "    await queue.publish(await request.json())\n    return {'ok': True}\n",
    })
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    got = {(f.line, f.level) for f in result.findings}
    assert got == {(14, "note"), (20, "note"), (25, "warning")}, [(f.line, f.level, f.message) for f in result.findings]
    sibling = next(f for f in result.findings if f.line == 20)
    assert "guard not traced" in sibling.message and "add_repo" in sibling.message
