"""Build members and relations through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from inroad.context import Context
from inroad.models import Member
from inroad.services import accounts, connections, credits

_seq = itertools.count(1)
PASSWORD = "correct horse battery"


def member(ctx: Context, name: str | None = None, plan: str = "free", **profile: Any) -> Member:
    n = next(_seq)
    full_name = name or f"Member {n}"
    created = accounts.signup(ctx, email=f"m{n}-{id(ctx)}@example.com", password=PASSWORD,
                              full_name=full_name, **profile)
    if plan != "free":
        credits.change_plan(ctx, created.member.id, plan, "tok_visa")
    return accounts.get_me(ctx, created.member.id)


def connect(ctx: Context, a: Member, b: Member) -> None:
    req = connections.request_connection(ctx, a.id, b.id, "Hello")
    connections.respond(ctx, b.id, req.id, "accept")


def set_member(ctx: Context, member_id: str, **values: Any) -> None:
    """Direct row change for test setup of settings that have no service yet."""
    with ctx.db.write() as s:
        row = s.get(Member, member_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
