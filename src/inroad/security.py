"""Passwords (argon2id, rehashed when parameters change) and opaque tokens (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """argon2id with configured cost. Hashes made with other parameters still verify and are
    rehashed at the next login (`needs_rehash`)."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                                      parallelism=parallelism)
        # Verified against when the account does not exist, so timing does not tell.
        self._dummy = self._hasher.hash("inroad-dummy-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            ok = self._hasher.verify(password_hash or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False
        return ok and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret: str, session_token: str) -> str:
    """Bound to the session, so a token from one session is useless in another."""
    return hmac.new(secret.encode(), b"csrf:" + session_token.encode(), "sha256").hexdigest()


def request_hash(body: object) -> str:
    """What an idempotency key is bound to: the request's fields, JSON-encoded (sorted keys)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
