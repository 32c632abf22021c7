"""Application factory."""

from fastapi import FastAPI

from .routers import orders, users


def create_app() -> FastAPI:
    app = FastAPI(title="shop")
    app.include_router(users.router)
    app.include_router(orders.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
