import pickle

import pytest

from shop import security
from shop.services import partners


class Order:
    customer_id = 7


def test_owner_passes_and_stranger_is_refused():
    security.ensure_owner(Order(), {"sub": "7"})
    with pytest.raises(Exception):
        security.ensure_owner(Order(), {"sub": "8"})


def test_password_hash_is_not_the_password():
    assert "hunter2" not in security.hash_password("hunter2")


def test_price_list_is_parsed_safely():
    assert partners.parse_price_list(b"tee: 12.5\n") == {"tee": 12.5}


def test_saved_cart_round_trip():
    assert partners.restore_cart(pickle.dumps({"tee": 2})) == {"tee": 2}
