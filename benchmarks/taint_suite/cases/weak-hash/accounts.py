"""Account and content helpers of a Flask/Django style backend that hash things."""

import hashlib
import hmac

import bcrypt
from django.contrib.auth.hashers import make_password
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/register")
def register():
    password = request.form["password"]
    digest = hashlib.md5(password.encode()).hexdigest()  # vuln: weak-hash
    return jsonify(stored=digest)


@app.post("/register-bcrypt")
def register_bcrypt():
    password = request.form["password"]
    digest = bcrypt.hashpw(password.encode(), bcrypt.gensalt())  # safe: weak-hash
    return jsonify(stored=digest.decode())


def set_password(user, raw_password):
    user.password_hash = hashlib.sha1(raw_password.encode()).hexdigest()  # vuln: weak-hash
    user.save()


def set_password_django(user, raw_password):
    user.password = make_password(raw_password)  # safe: weak-hash
    user.save()


def reset_token(user):
    return hashlib.md5(f"{user.id}:{user.email}:{user.last_login}".encode()).hexdigest()  # vuln: weak-hash


def reset_token_hmac(user, key):
    return hmac.new(key, f"{user.id}:{user.last_login}".encode(), hashlib.sha256).hexdigest()  # safe: weak-hash


def api_key_digest(api_key):
    return hashlib.new("md5", api_key.encode()).hexdigest()  # vuln: weak-hash


def api_key_digest_sha256(api_key):
    return hashlib.sha256(api_key.encode()).hexdigest()  # safe: weak-hash


@app.get("/files/<int:file_id>/etag")
def etag(file_id):
    body = open(f"/srv/files/{file_id}", "rb").read()
    return jsonify(etag=hashlib.md5(body, usedforsecurity=False).hexdigest())  # safe: weak-hash


def cache_key(url, params):
    return "page:" + hashlib.sha1(f"{url}?{sorted(params.items())}".encode(), usedforsecurity=False).hexdigest()  # safe: weak-hash


def verify_login(user, password):
    return user.password_hash == hashlib.md5((user.salt + password).encode()).hexdigest()  # vuln: weak-hash


def verify_login_pbkdf2(user, password):
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), user.salt, 600_000)  # safe: weak-hash
    return hmac.compare_digest(candidate, user.password_hash)


def sign_webhook(secret, body):
    return hmac.new(secret, body, hashlib.md5).hexdigest()  # vuln: weak-hash


def checksum(chunk):
    return hashlib.blake2b(chunk, digest_size=16).hexdigest()  # safe: weak-hash


def session_id_for(user_id, secret):
    return hashlib.sha1((secret + str(user_id)).encode()).hexdigest()  # vuln: weak-hash


def gravatar_url(email):
    return "https://www.gravatar.com/avatar/" + hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()  # safe: weak-hash


def legacy_password_matches(stored_hex, password):
    return stored_hex == hashlib.sha1(password.encode("utf-8")).hexdigest()  # vuln: weak-hash
