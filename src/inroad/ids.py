"""Opaque, time-ordered string ids (ULID: 48-bit milliseconds + 80 random bits, Crockford base32).

Time order keeps indexes append-mostly and makes ids usable as keyset tie-breakers; the random
part means ids leak no row counts.
"""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
