import pytest
from fastapi.testclient import TestClient

from shop.auth import get_current_user
from shop.main import create_app
from shop.models import User


@pytest.fixture
def client():
    app = create_app()
    app.dependency_overrides[get_current_user] = lambda: User(id=1, email="t@example.com", name="t")
    return TestClient(app)
