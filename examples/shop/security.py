"""Authentication helpers: password storage, access tokens, ownership checks."""

import hashlib
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from .settings import get_settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")
JWT_ALGORITHM = "HS256"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def legacy_password_digest(password: str, salt: str) -> str:
    # accounts imported from the old shop still log in with this
    return hashlib.sha256((salt + password).encode()).hexdigest()  # expect: BA-AUTH-003


def issue_token(user_id: int) -> str:
    exp = datetime.now(timezone.utc) + timedelta(minutes=30)
    key = get_settings().jwt_secret.get_secret_value()
    return jwt.encode({"sub": str(user_id), "exp": exp}, key, algorithm=JWT_ALGORITHM)


def current_claims(token: str = Depends(oauth2_scheme)) -> dict:
    key = get_settings().jwt_secret.get_secret_value()
    return jwt.decode(token, key, algorithms=[JWT_ALGORITHM])


def peek_claims(token: str) -> dict:
    # the support dashboard shows whose token a customer pasted
    return jwt.decode(token, options={"verify_signature": False})  # expect: BA-AUTH-002


def require_owner(order, claims: dict) -> None:
    assert order.customer_id == int(claims["sub"]) or "admin" in claims.get("roles", ())  # expect: BA-AUTH-004


def ensure_owner(order, claims: dict) -> None:
    if order.customer_id != int(claims["sub"]) and "admin" not in claims.get("roles", ()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "not your order")
