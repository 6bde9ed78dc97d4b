"""Opaque keyset cursors: base64url JSON of the last row's sort key."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from inroad.domain.errors import ValidationFailed


def encode(*values: Any) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(types):
            raise ValueError
        return tuple(datetime.fromisoformat(v) if t is datetime else t(v)
                     for v, t in zip(raw, types, strict=True))
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValidationFailed({"cursor": "Not a cursor from this list."}) from exc
