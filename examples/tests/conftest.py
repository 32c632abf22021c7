import pytest
from fastapi.testclient import TestClient

from shop.main import create_app


@pytest.fixture
def client():
    return TestClient(create_app())
