"""This process's rendered inbox pages (`GET /api/v1/conversations`), each kept with the
member's inbox version it was read at. The version lives in the database and triggers bump
it on every write that changes what the inbox lists (models.InboxVersion), so a page whose
version still holds is what reading and rendering again would give, byte for byte
(tests/api/test_inbox_pages.py), whichever process made the change. A hit skips the inbox
statement, building the views and writing the JSON: `InboxFront` answers it before
routing, a sixth of the instructions of a hit in the route (bench/RESULTS.md), and on a miss
hands the route the version to store the page under. Least recently
used pages go first once the pages pass `capacity` bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from inroad.context import Context
from inroad.services import accounts

PATH = "/api/v1/conversations"
_VERSION = "inroad.inbox_version"  # in the request's state, from the front to the route


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


def page_key(member_id: str, query_string: bytes) -> tuple[str, bytes]:
    """A page is kept under the request's query exactly as sent: only the route stores pages,
    after it has validated that query, so the front below never answers a query the route
    would refuse."""
    return member_id, query_string


class InboxFront:
    """Answers `GET /api/v1/conversations` from the cache before routing, when the bearer token
    is good and the page is current: the same token check as the route (`current_member`), the
    same bytes and headers, and none of the routing, dependency solving and query parsing that
    a hit otherwise spends most of its time on. Anything else (a miss, no token, a refused
    token) goes on to the route, which answers as if this were not here."""

    def __init__(self, app: ASGIApp, ctx: Context, pages: InboxPages, route: BaseRoute) -> None:
        self.app, self.ctx, self.pages, self.route = app, ctx, pages, route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "GET":
            page = self._page(scope)
            if page is not None:
                scope["route"] = self.route  # for the metrics' route label
                await send({"type": "http.response.start", "status": 200, "headers": [
                    (b"content-length", str(len(page)).encode()),
                    (b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": page})
                return
        await self.app(scope, receive, send)

    def _page(self, scope: Scope) -> bytes | None:
        token = _bearer(scope["headers"])
        if token is None:
            return None
        found = accounts.inbox_reader(self.ctx, token)
        if found is None:
            return None
        member_id, version = found
        # On a miss the route renders the page and stores it under this version, read before
        # the page: a page stored under version V shows V's state or a newer one.
        scope.setdefault("state", {})[_VERSION] = version
        return self.pages.get(page_key(member_id, scope["query_string"]), version)


def version_read(scope: Scope) -> int | None:
    """The inbox version `InboxFront` read for this request before it missed; None when it
    read none (no front: PostgreSQL, or the cache off), and the page is not kept."""
    state = scope.get("state")
    return None if state is None else state.get(_VERSION)


def _bearer(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The token as FastAPI's `HTTPBearer` reads it from the Authorization header."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token if scheme.lower() == "bearer" and token else None
    return None
