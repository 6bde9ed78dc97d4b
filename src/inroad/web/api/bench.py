"""A bare JSON echo for the benchmark (`bench/run.py`): the same app stack (middleware, thread
pool, JSON parsing and rendering) with no database and no auth, so every other figure can be
read as a ratio to it. Mounted only when `INROAD_BENCH_ENDPOINTS=true`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

router = APIRouter(prefix="/api/v1/bench", tags=["bench"], include_in_schema=False)


# `async def`, like the hot routes it is compared with (see web/deps.call).
@router.post("/echo")
async def echo(payload: dict[str, Any] = Body(...)) -> dict[str, Any]:
    return payload
