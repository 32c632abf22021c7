"""Function facts: what a handler does with raw request data (BA-INP-001's input)."""

import textwrap

from backend_audit.config import Settings
from backend_audit.pipeline.discovery import SourceRef
from backend_audit.pipeline.runner import Plan, analyse_file


def function_facts(tmp_path, code):
    path = tmp_path / "views.py"
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    result = analyse_file(SourceRef(rel="views.py", abs=str(path)), Plan(Settings(jobs=1), (), str(tmp_path)))
    return result.facts["functions"]


def test_a_method_keyword_or_lambda_parameter_named_like_a_raw_local_is_not_a_use(tmp_path):
    facts = function_facts(tmp_path, """
        from flask import request


        def members():
            order_by = request.args.get("order_by", "asc")
            if order_by == "asc":
                key = asc
            sort = lambda order_by: None
            return render(User.query.order_by(key), order_by=key, sort=sort)


        def search():
            order_by = request.args.get("order_by", "asc")
            return render(User.query.order_by(order_by))
        """)
    assert "raw_reads" not in facts["members"]
    assert [r["line"] for r in facts["search"]["raw_reads"]] == [14]


def test_a_call_tested_with_in_does_not_close_a_validator_it_never_opened(tmp_path):
    facts = function_facts(tmp_path, """
        def view(request):
            if "x" in request.GET.get("a", ""):
                return Note(title=int(request.GET["b"]), body=request.GET["c"])
        """)
    assert [r["line"] for r in facts["view"]["raw_reads"]] == [3, 4]


def test_request_methods_a_function_view_compares_with(tmp_path):
    facts = function_facts(tmp_path, """
        def rename(request, pk):
            if request.method in ("PUT", "PATCH"):
                return None
            if "DELETE" == request.method:
                return None
        """)
    assert facts["rename"]["methods_seen"] == ["?", "DELETE", "PATCH", "PUT"]


def test_what_an_unchecked_request_value_is_made_to_do(tmp_path):
    """BA-INP-001's level: stored or spread is positive evidence of harm; a use that goes elsewhere is not."""
    facts = function_facts(tmp_path, """
        def view(request, pk):
            food = Food.objects.get(pk=pk)
            food.fdc_id = str(request.data["fdc_id"]).strip()
            note = request.data.get("note")
            Entry.objects.create(food=food, note=note)
            self.url = request.GET.get("next")
            form.name.data = request.GET.get("name")
            audit(request.POST.get("why"))
            return render_list(**request.query_params)
        """)
    damage = {r["line"]: r.get("damage") for r in facts["view"]["raw_reads"]}
    assert damage == {4: "stored in food.fdc_id", 5: "stored by .create(note=...)",
                      7: None,  # an attribute of the view itself: nothing kept
                      9: None, 10: "expanded as keyword arguments of render_list()"}
    # line 8, a form field's prefill, is no unchecked use at all: the form validates it when submitted


def test_a_local_rebound_to_what_an_expression_made_of_it_is_no_longer_the_read(tmp_path):
    facts = function_facts(tmp_path, """
        def parsed(request):
            amount = request.data.get("amount", 1)
            try:
                amount = Decimal(str(amount))
            except InvalidOperation:
                raise ValidationError("amount")
            Entry.objects.create(amount=amount)


        def reshaped(request):
            title = request.data.get("title")
            title = title.strip()
            Entry.objects.create(title=title)
        """)
    assert "raw_reads" not in facts["parsed"]
    assert [(r["line"], r.get("damage")) for r in facts["reshaped"]["raw_reads"]] == [
        (12, "stored by .create(title=...)")]


# The session and identity-presence tests of an `if` are asked only where the file spells their identifiers
# (model/frameworks/functions.py): these pin that the gate lets every such file through.
SESSION_GUARD = """
    from flask import redirect, {session}


    def account():
        if "user_id" not in {session}:
            return redirect("/")
        return "ok"


    def greeting(request):
        name = "guest"
        if request.user.is_authenticated:
            name = request.user.username
        return "hello " + name
    """


def test_a_session_login_test_is_seen_through_the_textual_gate(tmp_path):
    facts = function_facts(tmp_path, SESSION_GUARD.format(session="session"))
    assert facts["account"].get("auth_check") is True
    assert facts["greeting"].get("serves_anonymous") is True  # the presence test, read for who is asking


def test_a_file_spelling_an_identifier_outside_ascii_is_not_gated_by_its_text(tmp_path):
    # `ｓｅｓｓｉｏｎ` is the name `session` once NFKC-normalised, as the parser reads it; the text does not say so
    facts = function_facts(tmp_path, SESSION_GUARD.format(session="\uff53\uff45\uff53\uff53\uff49\uff4f\uff4e"))
    assert facts["account"].get("auth_check") is True

