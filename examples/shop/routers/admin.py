"""Back-office endpoints, added in a hurry: no auth, no paging, no schemas."""  # expect: BA-TEST-002

import requests
from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import get_db
from ..models import User

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users")
def all_users(db: Session = Depends(get_db)):  # expect: BA-AUTH-001, BA-TEST-005
    return db.scalars(select(User)).all()  # expect: BA-API-001, BA-API-004


@router.delete("/users/{user_id}", status_code=204)
def delete_user(user_id: int, db: Session = Depends(get_db)) -> None:  # expect: BA-AUTH-001, BA-TEST-005
    db.delete(db.get(User, user_id))
    db.commit()


@router.post("/users/import")
async def import_users(request: Request, db: Session = Depends(get_db)):  # expect: BA-AUTH-001, BA-TEST-005, BA-API-005
    payload = await request.json()  # expect: BA-INP-001
    for row in payload["users"]:
        db.add(User(email=row["email"], name=row["name"], password_hash="!"))
    avatar = requests.get(payload["avatar_url"], timeout=5)  # expect: BA-PERF-001, BA-REL-002, BA-INP-007
    return {"imported": len(payload["users"]), "avatar_bytes": len(avatar.content)}
