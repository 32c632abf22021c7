"""Token, code and jitter helpers of an auth service."""

import random
import secrets
import string
import uuid

from fastapi import APIRouter

router = APIRouter()
ALPHABET = string.ascii_letters + string.digits


@router.post("/password-reset")
def password_reset(email: str):
    token = "".join(random.choices(ALPHABET, k=32))  # vuln: weak-random
    return {"email": email, "sent": bool(token)}


@router.post("/password-reset-secure")
def password_reset_secure(email: str):
    token = secrets.token_urlsafe(32)  # safe: weak-random
    return {"email": email, "sent": bool(token)}


def make_otp():
    otp = random.randint(100000, 999999)  # vuln: weak-random
    return f"{otp:06d}"


def make_otp_secure():
    otp = secrets.randbelow(900000) + 100000  # safe: weak-random
    return f"{otp:06d}"


def new_api_key():
    return "sk_" + "".join(random.choice(ALPHABET) for _ in range(40))  # vuln: weak-random


def new_api_key_secure():
    return "sk_" + "".join(secrets.choice(ALPHABET) for _ in range(40))  # safe: weak-random


def backoff_delay(attempt):
    return min(30.0, 2 ** attempt) + random.uniform(0, 1)  # safe: weak-random


def sample_for_review(items):
    return random.sample(items, k=min(10, len(items)))  # safe: weak-random


def invite_code():
    rng = random.Random()
    return "%08x" % rng.getrandbits(32)  # vuln: weak-random


def csrf_token():
    return uuid.UUID(int=random.getrandbits(128)).hex  # vuln: weak-random


def csrf_token_secure():
    return uuid.uuid4().hex  # safe: weak-random


def session_salt():
    salt = bytes(random.randrange(256) for _ in range(16))  # vuln: weak-random
    return salt


def shuffle_quiz(questions):
    random.shuffle(questions)  # safe: weak-random
    return questions


def nonce():
    return str(random.random())[2:]  # vuln: weak-random


def pick_ab_bucket(user_id):
    return random.Random(user_id).choice(["A", "B"])  # safe: weak-random


def email_verification_code():
    return "".join(str(random.randrange(10)) for _ in range(6))  # vuln: weak-random
