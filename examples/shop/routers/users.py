"""User endpoints."""

import logging

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..auth import get_current_user
from ..db import get_db
from ..models import User
from ..schemas import UserOut

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(get_current_user)])


@router.get("/search", response_model=list[UserOut])
def search_users(q: str, limit: int = 20, db: Session = Depends(get_db)):
    # The query text is built from the request: a quote in `q` rewrites the SQL.
    sql = f"SELECT id, email, name FROM users WHERE name LIKE '%{q}%' LIMIT {limit}"
    return db.execute(text(sql)).mappings().all()  # expect: BA-SQL-001


@router.get("/by-email", response_model=list[UserOut])
def users_by_email(email: str, limit: int = 20, db: Session = Depends(get_db)):  # expect: BA-TEST-005
    stmt = text("SELECT id, email, name FROM users WHERE email = :email LIMIT :limit")
    return db.execute(stmt, {"email": email, "limit": limit}).mappings().all()


@router.get("/{user_id}", response_model=UserOut)
def get_user(user_id: int, db: Session = Depends(get_db)):
    user = db.scalars(select(User).where(User.id == user_id)).first()
    if user is None:
        raise HTTPException(status_code=404, detail="user not found")
    return user
