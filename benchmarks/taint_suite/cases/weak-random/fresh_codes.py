"""Code and key generators of an authentication service."""

import os
import random
import secrets
import string
from random import choice, randint

import numpy as np

DIGITS = string.digits


def sms_code():
    return "".join(choice(DIGITS) for _ in range(6))  # vuln: weak-random


def sms_code_secure():
    return "".join(secrets.choice(DIGITS) for _ in range(6))  # safe: weak-random


def session_key():
    return "%032x" % random.getrandbits(128)  # vuln: weak-random


def session_key_secure():
    return os.urandom(16).hex()  # safe: weak-random


def recovery_pin():
    return randint(1000, 9999)  # vuln: weak-random


def retry_after_seconds(attempt):
    return randint(1, 2 ** min(attempt, 6))  # safe: weak-random


def api_secret():
    return np.random.bytes(32).hex()  # vuln: weak-random


def shuffle_answers(answers):
    rng = random.Random(42)
    rng.shuffle(answers)  # safe: weak-random
    return answers
