"""Settings: `INROAD_*` environment variables over an optional TOML file over defaults.

Plans, credit packs, limits and thresholds are configuration, not code (SPEC §1).
Nothing here is created at import time: `load_settings()` builds a fresh `Settings`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Plan(BaseModel):
    id: str
    name: str
    monthly_credits: int
    max_credits: int
    price_cents: int


class CreditPack(BaseModel):
    credits: int
    price_cents: int


DEFAULT_PLANS = [
    Plan(id="free", name="Free", monthly_credits=0, max_credits=0, price_cents=0),
    Plan(id="career", name="Premium Career", monthly_credits=5, max_credits=15, price_cents=2999),
    Plan(id="business", name="Premium Business", monthly_credits=15, max_credits=45,
         price_cents=5999),
    Plan(id="sales", name="Sales Navigator Core", monthly_credits=50, max_credits=150,
         price_cents=9999),
    Plan(id="recruiter", name="Recruiter Lite", monthly_credits=30, max_credits=120,
         price_cents=17000),
]

DEFAULT_PACKS = [
    CreditPack(credits=5, price_cents=1000),
    CreditPack(credits=10, price_cents=2000),
    CreditPack(credits=25, price_cents=6000),
    CreditPack(credits=50, price_cents=12000),
]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INROAD_", extra="ignore")

    database_url: str = "sqlite:///inroad.db"
    redis_url: str | None = None
    secret_key: str = ""
    test_clock: bool = False
    # Base URL used in emails and printed by the CLI.
    public_url: str = "http://127.0.0.1:8000"
    # Run time-based duties (grants, expiry) inside `serve` so one command is enough.
    run_duties_in_process: bool = True
    duty_interval_seconds: float = 30.0
    secure_cookies: bool = False
    token_ttl_days: int = 30
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    max_body_bytes: int = 1_000_000
    # Threads that run the (blocking) request handlers. Handlers are mostly CPU under one GIL:
    # more threads only add GIL hand-offs (inbox page at concurrency 32: 3.6 ms of CPU with 1
    # thread, ~7 ms with 4-8, 10 ms with AnyIO's default 40); a few keep one slow request (a
    # sign-in's argon2) from holding up the rest. See docs/decisions.md.
    request_threads: int = Field(default=4, ge=1, le=200)
    # Rendered inbox pages kept per process, served again while the member's inbox version
    # holds (web/inbox_pages; SQLite only). 0 turns the cache off.
    inbox_cache_mb: int = Field(default=64, ge=0)
    # `POST /api/v1/bench/echo` for bench/run.py; never in production.
    bench_endpoints: bool = False
    log_format: str = "json"  # json | text

    plans: list[Plan] = Field(default_factory=lambda: list(DEFAULT_PLANS))
    payment_gateway: str = "sandbox"
    credit_packs: list[CreditPack] = Field(default_factory=lambda: list(DEFAULT_PACKS))
    grant_lot_days: int = 90
    purchase_lot_days: int = 365
    refund_lot_days: int = 90
    refund_window_days: int = 90
    inmails_per_day: int = 100

    # Compliance (SPEC §4).
    bulk_max_recipients: int = 5
    bulk_window_days: int = 7
    bulk_similarity: float = 0.85
    minhash_permutations: int = 128
    # 21 bands x 6 rows: finds J >= 0.85 pairs with p = 0.99995 and loads 4x fewer candidates
    # than 32 x 4 (bench/RESULTS.md, domain/similarity.py).
    minhash_bands: int = 21
    # Delivered InMails whose signatures and band keys each process keeps in memory
    # (store/fingerprints), ~1.4 KB each: 50,000 (~70 MB) hold the bulk windows of ~70 senders
    # at the daily limit, or of thousands of ordinary ones.
    bulk_index_inmails: int = 50_000
    follow_up_after_days: int = 7
    promo_threshold: float = 1.0
    # Phrase-class weights for the promotional scorer; see domain/compliance docs.
    promo_weights: dict[str, float] = Field(default_factory=lambda: {
        # Any two sales signals reach the threshold: 97-99% of promotional InMail caught by the
        # scorer alone, no honest InMail flagged (bench/RESULTS.md, "Compliance").
        "link": 0.35, "price": 0.35, "discount": 0.5, "call_to_buy": 0.5, "urgency": 0.5,
        "shouting": 0.25, "exclamations": 0.15, "free_offer": 0.5})
    compliance_refusals_per_strike: int = 3
    compliance_strike_window_days: int = 7
    low_response_window_days: int = 14
    low_response_min_inmails: int = 100
    low_response_rate: float = 0.13
    low_response_cap_per_day: int = 10
    low_response_cap_days: int = 14

    # Login throttling, per account and per client address, in fixed 15-minute windows.
    login_attempts_per_account: int = 10
    login_attempts_per_address: int = 50
    login_window_minutes: int = 15

    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "Inroad <no-reply@inroad.local>"

    def plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)

    def pack(self, credits: int) -> CreditPack | None:
        return next((p for p in self.credit_packs if p.credits == credits), None)


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Defaults < TOML file (`INROAD_CONFIG` or `config_file`) < environment < overrides."""
    path = config_file or os.environ.get("INROAD_CONFIG")
    file_values: dict[str, Any] = {}
    if path:
        with open(path, "rb") as f:
            file_values = tomllib.load(f)
    env_values = Settings().model_dump(exclude_unset=True)
    merged = {**file_values, **env_values, **overrides}
    settings = Settings.model_validate(merged)
    if not settings.secret_key:
        settings.secret_key = os.urandom(32).hex()
    return settings
