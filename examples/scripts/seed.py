"""Seed a development database (a tool, so printing is its interface)."""

from shop.db import SessionLocal
from shop.models import User


def main() -> None:
    with SessionLocal() as session:
        session.add(User(email="dev@example.com", name="Dev", password_hash="!"))
        session.commit()
    print("seeded 1 user")


if __name__ == "__main__":
    main()
