"""FastAPI dependencies and routers made by project factories are judged by what the factory makes."""

import textwrap

from backend_audit.config import Settings
from backend_audit.pipeline.runner import scan


def _project(tmp_path, files):
    for rel, code in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code), encoding="utf-8")
    result = scan([tmp_path], Settings(jobs=1, select=("BA-AUTH-001",)), use_git=False)
    assert not result.skipped
    return result


def test_a_router_class_made_by_a_factory_joins_the_app_with_its_prefix(tmp_path):
    result = _project(tmp_path, {
        "app/kit.py": """
            from fastapi import APIRouter as _APIRouter


            def get_api_router_class(route_class):
                class _CustomAPIRouter(_APIRouter):
                    def __init__(self, *args, **kwargs):
                        kwargs["route_class"] = route_class
                        super().__init__(*args, **kwargs)

                return _CustomAPIRouter
        """,
        "app/routing.py": """
            from fastapi.routing import APIRoute

            from .kit import get_api_router_class

            APIRouter = get_api_router_class(APIRoute)
        """,
        "app/customers.py": """
            from app.routing import APIRouter

            router = APIRouter(prefix="/customers")


            @router.delete("/{id}")
            async def delete(id: int) -> None:
                await remove(id)
        """,
        "app/main.py": """
            from fastapi import Depends, FastAPI

            from .customers import router as customers_router
            from .security import get_current_user

            app = FastAPI()
            app.include_router(customers_router, prefix="/v1")


            @app.get("/me")
            async def me(user=Depends(get_current_user)):
                return user
        """,
        "app/security.py": """
            def get_current_user():
                return None
        """,
    })
    paths = {e["path"]: e for e in result.endpoints}
    assert "/v1/customers/{id}" in paths
    # part of the app that authenticates, so a finding for the route, not one app-without-auth warning (a
    # note: it deletes the record its URL names, but no route of its own module takes a login, and a record by id
    # alone does not confirm the caller is unauthenticated)
    flagged = sorted((f.rule_id, f.line, f.level) for f in result.findings)
    assert flagged == [("BA-AUTH-001", 8, "note")]


def test_a_dependency_made_by_third_party_code_is_unknown_not_missing(tmp_path):
    result = _project(tmp_path, {
        "app/items.py": """
            from fastapi import APIRouter, Depends
            from keycloak_ext import RoleGate

            router = APIRouter(prefix="/items")


            @router.post("/")
            async def create(body: dict, subject=Depends(RoleGate("editor"))) -> None:
                await store(body)


            @router.delete("/{id}")
            async def drop(id: int) -> None:
                await remove(id)
        """,
    })
    auth = {e["handler"]: e["auth"] for e in result.endpoints}
    assert auth["create"].startswith("unknown: the dependency RoleGate is made by keycloak_ext.RoleGate")
    assert auth["drop"] == "none"
    levels = sorted((f.line, f.level, f.message.split(")", 1)[1][:30]) for f in result.findings)
    # the DELETE names its record by id; its neighbour's guard is not one this analysis knows: one sign, and a
    # record by id alone does not confirm the caller is unauthenticated: a note
    assert levels == [(9, "note", " has auth that cannot be told:"), (14, "note", " has no authentication or perm")]


def test_a_lookup_by_a_secret_path_parameter_is_a_capability_link_but_an_unused_token_is_not(tmp_path):
    result = _project(tmp_path, {
        "app/checkout.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/checkout")


            @router.patch("/client/{client_secret}")
            async def client_update(client_secret: str, body: dict) -> None:
                checkout = await checkouts.get_by_client_secret(client_secret)
                await checkouts.update(checkout, body)


            @router.patch("/{token}/note")
            async def note(token: str, body: dict) -> None:
                await notes.update_latest(body)
        """,
    })
    auth = {e["handler"]: e["auth"] for e in result.endpoints}
    assert auth["client_update"].startswith("public (capability link")
    assert auth["note"] == "none"


def test_a_dependency_raising_a_project_exception_that_answers_403_guards_but_a_404_does_not(tmp_path):
    result = _project(tmp_path, {
        "app/errors.py": """
            class AppError(Exception):
                def __init__(self, message: str, status_code: int = 500) -> None:
                    self.status_code = status_code


            class NotPermitted(AppError):
                def __init__(self, message: str = "Not permitted", status_code: int = 403) -> None:
                    super().__init__(message, status_code)


            class Gone(AppError):
                status_code = 404


            class Denied(AppError):
                status_code = 401

                def __init__(self) -> None:
                    super().__init__("denied")
        """,
        "app/items.py": """
            from fastapi import APIRouter, Depends, Request

            from .errors import Denied, Gone, NotPermitted

            router = APIRouter(prefix="/items")


            class RoleCheck:
                def __init__(self, roles: set[str]) -> None:
                    self.roles = roles

                async def __call__(self, request: Request) -> str:
                    if request.state.member.role not in self.roles:
                        raise NotPermitted()
                    return request.state.member


            def member(request: Request) -> str:
                if request.state.member is None:
                    raise Denied()
                return request.state.member


            def item(request: Request, id: int) -> dict:
                found = request.state.items.get(id)
                if found is None:
                    raise Gone()
                return found


            @router.post("/", dependencies=[Depends(RoleCheck({"owner"}))])
            async def create(body: dict) -> None:
                await store(body)


            @router.put("/{id}")
            async def replace(id: int, who=Depends(member)) -> None:
                await store({"id": id})


            @router.delete("/{id}")
            async def drop(id: int, found=Depends(item)) -> None:
                await remove(found)
        """,
    })
    auth = {e["handler"]: e["auth"] for e in result.endpoints}
    assert auth == {"create": "dependency: RoleCheck", "replace": "dependency: member", "drop": "none"}


def test_a_class_dependency_guards_by_its_init_and_a_scheme_subclass_instance_is_a_scheme(tmp_path):
    result = _project(tmp_path, {
        "app/items.py": """
            from fastapi import APIRouter, Depends, HTTPException, Request
            from fastapi.security import OAuth2PasswordBearer

            router = APIRouter(prefix="/items")


            class CookieOrBearer(OAuth2PasswordBearer):
                async def __call__(self, request: Request) -> str | None:
                    return request.cookies.get("session") or await super().__call__(request)


            bearer = CookieOrBearer(tokenUrl="token")


            class Caller:
                def __init__(self, request: Request) -> None:
                    if request.state.user is None:
                        raise HTTPException(status_code=401)
                    self.user = request.state.user


            class Page:
                def __init__(self, number: int = 1) -> None:
                    self.number = number


            @router.post("/")
            async def create(body: dict, token: str = Depends(bearer)) -> None:
                await store(body)


            @router.put("/{id}")
            async def replace(id: int, caller: Caller = Depends(Caller)) -> None:
                await store({"id": id})


            @router.delete("/{id}")
            async def drop(id: int, page: Page = Depends(Page)) -> None:
                await remove(id)
        """,
    })
    auth = {e["handler"]: e["auth"] for e in result.endpoints}
    assert auth == {"create": "dependency: bearer", "replace": "dependency: Caller", "drop": "none"}
