from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("INROAD_TEST_REDIS_URL")


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("set INROAD_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run")
    return REDIS_URL
