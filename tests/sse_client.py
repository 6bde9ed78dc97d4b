"""A small server-sent events client for tests: reads a stream in a thread, so a test can wait
for a frame with a deadline."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from typing import Any

import httpx


class SseClient:
    def __init__(self, url: str, **request: Any) -> None:
        self.frames: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.status: int | None = None
        self.headers: httpx.Headers | None = None
        self.connected = threading.Event()  # the ": connected" comment (or an error) arrived
        self._client = httpx.Client(timeout=httpx.Timeout(15.0, read=60.0))
        self._response: httpx.Response | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._read, args=(url, request), daemon=True)
        self._thread.start()

    def _read(self, url: str, request: dict[str, Any]) -> None:
        try:
            with self._client.stream("GET", url, **request) as response:
                self._response = response
                self.status, self.headers = response.status_code, response.headers
                if response.status_code != 200:
                    response.read()
                    self.frames.put(("error", response.json()))
                    return
                event, data = "message", []
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.frames.put(("comment", line[1:].strip()))
                        if line.startswith(": connected"):
                            self.connected.set()
                    elif line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                    elif not line and data:
                        self.frames.put((event, json.loads("\n".join(data))))
                        event, data = "message", []
        except Exception as exc:  # closed by the test, or the server went away
            if not self._closed:
                self.frames.put(("closed", repr(exc)))
        finally:
            self.connected.set()

    def wait_connected(self, timeout: float = 15.0) -> None:
        """Generous: this bounds connecting and signing in on a busy machine, not delivery."""
        assert self.connected.wait(timeout), "no SSE connection within the deadline"
        assert self.status == 200, f"SSE status {self.status}: {list(self.frames.queue)}"

    def next(self, event: str, timeout: float = 5.0) -> Any:
        """The data of the next `event` frame, skipping others; fails after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {event!r} frame within {timeout} s; "
                                     f"unread: {list(self.frames.queue)}")
            try:
                name, data = self.frames.get(timeout=left)
            except queue.Empty:
                continue
            if name == event:
                return data
            if name == "closed":
                raise AssertionError(f"stream closed while waiting for {event!r}: {data}")

    def close(self) -> None:
        """Hang up. Shutting the socket down is what wakes the reader thread: closing the
        response from another thread would wait for the blocked read."""
        self._closed = True
        if self._response is not None:
            stream = self._response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        assert not self._thread.is_alive(), "SSE reader thread did not stop"
        self._client.close()
