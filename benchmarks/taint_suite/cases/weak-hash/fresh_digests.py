"""Helpers of a Django/Flask backend that derive digests from secrets and content."""

import hashlib
import hmac

from Crypto.Hash import MD5, SHA256
from cryptography.hazmat.primitives import hashes


def password_digest(password: str, salt: bytes) -> str:
    return hashlib.sha1(salt + password.encode()).hexdigest()  # vuln: weak-hash


def password_digest_scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)  # safe: weak-hash


def api_token_fingerprint(token: str) -> str:
    return MD5.new(token.encode()).hexdigest()  # vuln: weak-hash


def api_token_fingerprint_sha256(token: str) -> str:
    return SHA256.new(token.encode()).hexdigest()  # safe: weak-hash


def signature(secret: bytes, payload: bytes) -> bytes:
    digest = hashes.Hash(hashes.MD5())  # vuln: weak-hash
    digest.update(secret + payload)
    return digest.finalize()


def signature_hmac(secret: bytes, payload: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()  # safe: weak-hash


def reset_code(user_id: int, secret: str) -> str:
    return hashlib.new("sha1", f"{secret}:{user_id}".encode()).hexdigest()[:8]  # vuln: weak-hash


def static_asset_version(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()[:12]  # safe: weak-hash
