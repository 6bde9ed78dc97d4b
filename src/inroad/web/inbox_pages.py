"""This process's rendered inbox pages (`GET /api/v1/conversations`), each kept with the
member's inbox version it was read at. The version lives in the database and triggers bump
it on every write that changes what the inbox lists (models.InboxVersion), so a page whose
version still holds is what reading and rendering again would give, byte for byte
(tests/api/test_inbox_pages.py), whichever process made the change. A hit skips the inbox
statement, building the views and writing the JSON: most of an inbox request's CPU
(bench/RESULTS.md). Least recently used pages go first once the pages pass `capacity`
bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class InboxPages:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = 0
        self._pages: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int | None) -> bytes | None:
        """The page stored under `key` at `version`; None when the version is unknown."""
        if version is None:
            return None
        with self._lock:
            found = self._pages.get(key)
            if found is None or found[0] != version:
                return None
            self._pages.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, version: int | None, page: bytes) -> None:
        if version is None or len(page) > self.capacity:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= len(old[1])
            self._pages[key] = (version, page)
            self.size += len(page)
            while self.size > self.capacity:
                _, (_, dropped) = self._pages.popitem(last=False)
                self.size -= len(dropped)
