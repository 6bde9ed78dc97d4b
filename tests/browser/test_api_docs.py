"""The API reference at /api/docs renders in Chromium under the real Content-Security-Policy:
Swagger UI comes from our static folder, not a CDN the policy would block."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_under_the_csp(new_page: Any) -> None:
    page = new_page(csp=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/api/docs")
    page.get_by_text("/api/v1/inmails").first.wait_for()
    assert page.get_by_role("heading", name="Inroad API").first.is_visible()
    assert not page.errors, page.errors
    assert all(url.startswith(page.url.split("/api/")[0]) or url.startswith("data:")
               for url in requests), requests
