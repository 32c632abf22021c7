def test_create_order(client):
    response = client.post("/orders", json={"sku": "tee", "quantity": 2})
    print(response.json())  # printing in tests is fine
    assert response.status_code == 201


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}
