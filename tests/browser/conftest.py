"""Real Chromium against the real app: a uvicorn server on a free port in a background thread,
driven with Playwright's sync API. Skipped when /usr/bin/chromium is missing, unless
INROAD_REQUIRE_BROWSER=1 (then that is a failure)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("INROAD_REQUIRE_BROWSER") == "1":
        marker = pytest.mark.usefixtures("_chromium_required")
    else:
        marker = pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(marker)


@pytest.fixture
def _chromium_required() -> None:
    pytest.fail(f"INROAD_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run `app` with uvicorn on a free port in a background thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def make_app(tmp: Path, **settings: Any) -> Any:
    from inroad.config import load_settings
    from inroad.web.app import create_app

    return create_app(load_settings(database_url=f"sqlite:///{tmp}/app.db", test_clock=True,
                                    run_duties_in_process=False, secret_key="test",
                                    argon2_time_cost=1, argon2_memory_kib=1024, **settings))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(make_app(tmp_path_factory.mktemp("browser"))) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


class BrowserErrors(list[str]):
    """Console errors and uncaught page errors, collected so a test can assert there were
    none (a CSP violation or a broken script shows up here)."""


@pytest.fixture
def new_page(chromium: Any, live_server: str) -> Iterator[Any]:
    """`new_page()` → a page in a fresh context (its own cookies), at desktop size.
    `bypass_csp=True` only so axe can be injected; `new_page(csp=True)` enforces the CSP."""
    contexts: list[Any] = []

    def make(csp: bool = False) -> Any:
        context = chromium.new_context(base_url=live_server, viewport=DESKTOP,
                                       bypass_csp=not csp)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = BrowserErrors()
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()


def axe(page: Any) -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    for v in bad:
        print(f"axe {v['impact']}: {v['id']} — {v['help']} on {page.url}")
        for node in v["nodes"][:5]:
            print("   ", node["target"], node.get("failureSummary", "").replace("\n", " "))
    assert not bad, f"axe found {len(bad)} serious/critical issue(s) on {page.url}: " + \
        json.dumps([v["id"] for v in bad])


def shot(page: Any, name: str, check_axe: bool = True) -> None:
    """Full-page screenshots at desktop and phone widths (axe at both), then back to desktop."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        if check_axe:
            axe(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {label} width"
    page.set_viewport_size(DESKTOP)


@dataclass
class Member:
    id: str
    name: str
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """The JSON API of the live server, to set up data quickly."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)

    def signup(self, name: str, **profile: Any) -> Member:
        email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.com"
        r = self.http.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD,
                                                        "full_name": name, **profile})
        r.raise_for_status()
        body = r.json()
        return Member(body["me"]["id"], name, email, body["token"])

    def post(self, who: Member, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> Any:
        r = self.http.post(f"/api/v1{path}", json=body, headers={**who.auth, **(headers or {})})
        r.raise_for_status()
        return r.json() if r.content else None

    def put(self, who: Member, path: str, body: Any) -> Any:
        r = self.http.put(f"/api/v1{path}", json=body, headers=who.auth)
        r.raise_for_status()
        return r.json()

    def get(self, who: Member, path: str) -> Any:
        r = self.http.get(f"/api/v1{path}", headers=who.auth)
        r.raise_for_status()
        return r.json()

    def connect(self, a: Member, b: Member, note: str = "") -> None:
        req = self.post(a, "/connection-requests", {"to_member_id": b.id, "note": note})
        self.post(b, f"/connection-requests/{req['id']}/accept")


@pytest.fixture(scope="session")
def api(live_server: str) -> Iterator[Api]:
    client = Api(live_server)
    yield client
    client.http.close()


def sign_in(page: Any, member: Member, next_path: str = "") -> None:
    page.goto(f"/login?next={next_path}" if next_path else "/login")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path or '/inbox'}*")
