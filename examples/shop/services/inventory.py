"""Stock levels."""  # expect: BA-TEST-002

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Order, Stock, User


def owners_slow(db: Session, order_ids: list[int]) -> list[User]:
    owners = []
    for order_id in order_ids:
        order = db.get(Order, order_id)  # expect: BA-PERF-003
        owners.append(order.user)
    return owners


def owners(db: Session, order_ids: list[int]) -> list[User]:
    stmt = select(User).join(Order).where(Order.id.in_(order_ids))
    return list(db.scalars(stmt).unique())


def restock(db: Session, counts: dict[str, int], seen=set()) -> None:  # expect: BA-QUAL-003
    for sku, count in counts.items():
        seen.add(sku)
        db.add_all([Stock(sku=sku, count=count)])
    db.commit()


def restock_batch(db: Session, counts: dict[str, int], seen: set[str] | None = None) -> None:
    seen = set() if seen is None else seen
    db.add_all([Stock(sku=sku, count=count) for sku, count in counts.items()])
    db.commit()
