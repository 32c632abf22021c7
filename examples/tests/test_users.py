def test_search_users(client):
    response = client.get("/users/search", params={"q": "ada"})
    assert response.status_code == 200


def test_get_user_not_found(client):
    assert client.get("/users/999").status_code == 404
