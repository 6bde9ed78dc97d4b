"""Idempotency keys for writes that spend money or credits (API.md conventions).

Callers hold the member's row lock, so two requests with one key are serialized: the second
finds the first's stored result. Only successes are stored; a refused request can be retried.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from inroad.domain.errors import Conflict
from inroad.models import IdempotencyRecord
from inroad.store.credits import get_idempotency


def replay(s: Session, member_id: str, scope: str, key: str,
           body_hash: str) -> tuple[int, dict[str, Any]] | None:
    record = get_idempotency(s, member_id, scope, key)
    if record is None:
        return None
    if record.request_hash != body_hash:
        raise Conflict("This Idempotency-Key was used with a different request.",
                       code="idempotency_conflict")
    return record.status_code, record.response


def remember(s: Session, member_id: str, scope: str, key: str, body_hash: str, status: int,
             response: dict[str, Any], now: datetime) -> None:
    s.add(IdempotencyRecord(member_id=member_id, scope=scope, key=key, request_hash=body_hash,
                            status_code=status, response=response, created_at=now))
