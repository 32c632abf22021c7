"""Application factory."""

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .auth import get_current_user
from .routers import admin, orders, rates, users
from .settings import get_settings


def create_app() -> FastAPI:
    app = FastAPI(title="shop")  # expect: BA-API-003, BA-API-009, BA-ERR-003, BA-LOG-005, BA-LOG-006
    app.add_middleware(CORSMiddleware, allow_origins=get_settings().cors_origins, allow_credentials=True)
    app.include_router(users.router)
    app.include_router(orders.router, dependencies=[Depends(get_current_user)])
    app.include_router(admin.router)
    app.include_router(rates.router, dependencies=[Depends(get_current_user)])

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
