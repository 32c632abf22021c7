"""Order endpoints."""

import logging

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from ..db import get_db
from ..models import Order
from ..schemas import OrderIn, OrderOut
from ..services.pricing import price_for

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/orders", tags=["orders"])


@router.post("", response_model=OrderOut, status_code=201)  # expect: BA-API-008, BA-API-007
def create_order(order: OrderIn, db: Session = Depends(get_db)):
    try:
        total = price_for(order.sku, order.quantity)
    except KeyError:
        raise HTTPException(status_code=422, detail="unknown sku")
    row = Order(user_id=1, total_cents=total)
    db.add(row)
    db.commit()
    return row


@router.post("/{order_id}/cancel", response_model=OrderOut)
def cancel_order(order_id: int, db: Session = Depends(get_db)):  # expect: BA-TEST-005
    row = db.get(Order, order_id)
    if row is None:
        raise HTTPException(status_code=404, detail="order not found")
    try:
        row.status = "cancelled"
        db.commit()
    except Exception:  # expect: BA-ERR-001, BA-SQL-004
        pass
    return row


@router.post("/{order_id}/refund", response_model=OrderOut)
def refund_order(order_id: int, db: Session = Depends(get_db)):  # expect: BA-TEST-005
    row = db.get(Order, order_id)
    if row is None:
        raise HTTPException(status_code=404, detail="order not found")
    try:
        row.status = "refunded"
        db.commit()
    except Exception:
        db.rollback()
        logger.exception("refund failed", extra={"order_id": order_id})
        raise
    return row
