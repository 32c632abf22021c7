"""Bearer-token authentication shared by the routers."""

from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from .db import get_db
from .models import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def get_current_user(token: str = Depends(oauth2_scheme), db: Session = Depends(get_db)) -> User:
    user = db.get(User, token_subject(token))
    if user is None:
        raise HTTPException(status_code=401, detail="invalid token")
    return user


def token_subject(token: str) -> int:
    return int(token.rsplit(".", 1)[-1])
