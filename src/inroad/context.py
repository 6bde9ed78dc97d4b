"""What every use case needs, built once by `create_app()`, the CLI or a test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from inroad.clock import Clock
from inroad.config import Settings
from inroad.db import Database
from inroad.security import Passwords
from inroad.store.fingerprints import FingerprintIndex

Publisher = Callable[[str, str, dict[str, Any]], None]


def _no_publish(member_id: str, event: str, data: dict[str, Any]) -> None:
    return None


@dataclass
class Context:
    settings: Settings
    db: Database
    clock: Clock
    # publish(member_id, event_name, data): called only after commit.
    publish: Publisher = field(default=_no_publish)
    passwords: Passwords = field(init=False)
    # This process's index of recent senders' InMail fingerprints (the bulk-identical rule).
    fingerprints: FingerprintIndex = field(init=False)

    def __post_init__(self) -> None:
        self.passwords = Passwords(self.settings.argon2_time_cost,
                                   self.settings.argon2_memory_kib)
        self.fingerprints = FingerprintIndex(self.settings.minhash_permutations,
                                             self.settings.minhash_bands,
                                             self.settings.bulk_index_inmails)

    def now(self) -> datetime:
        return self.clock.now()
