"""Nightly sales report."""  # expect: BA-TEST-002

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Order

logger = logging.getLogger(__name__)


def daily_totals(db: Session) -> dict[str, int]:
    rows = db.execute(select(Order.status, func.sum(Order.total_cents)).group_by(Order.status)).all()
    totals = {status: total for status, total in rows}
    print("daily totals computed", totals)  # expect: BA-LOG-003
    logger.info("daily totals computed", extra={"statuses": len(totals)})
    return totals
