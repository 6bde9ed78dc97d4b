"""Sign up, log in and out, profiles, search, member status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from inroad.context import Context
from inroad.domain import accounts as rules
from inroad.domain.errors import Conflict, Forbidden, NotFound, Refused, Unauthorized
from inroad.ids import new_id
from inroad.models import AuthToken, Member
from inroad.security import new_token, token_hash
from inroad.services import ratelimit
from inroad.store import members as store

PROFILE_FIELDS = ("full_name", "headline", "company", "title", "location", "industry", "skills")


@dataclass(frozen=True)
class MemberRelation:
    degree: int
    shared_connections: int


@dataclass(frozen=True)
class Session_:
    token: str
    member: Member


def signup(ctx: Context, *, email: str, password: str, full_name: str,
           token_kind: str = "api", **profile: Any) -> Session_:
    now = ctx.now()
    member = Member(
        id=new_id(), email=rules.normalize_email(email), password_hash=ctx.passwords.hash(password),
        full_name=full_name.strip(), created_at=now, status="active", is_admin=False,
        plan="free", credit_balance=0, ledger_seq=0,
        **{k: v for k, v in profile.items() if k in PROFILE_FIELDS and v is not None},
    )
    member.search_text = rules.search_text(member.full_name, member.headline or "",
                                           member.company or "", member.title or "")
    try:
        with ctx.db.write() as s:
            if store.get_member_by_email(s, member.email) is not None:
                raise Conflict("An account with this email already exists.")
            s.add(member)
            s.flush()
            token = _issue_token(ctx, s, member.id, token_kind)
    except IntegrityError as exc:  # a concurrent signup with the same email won the race
        raise Conflict("An account with this email already exists.") from exc
    return Session_(token, member)


def login(ctx: Context, *, email: str, password: str, token_kind: str = "api",
          address: str | None = None) -> Session_:
    """Sign in. Failed attempts are limited per account and per client `address` (SPEC §4,
    `check_password`): past the limit the answer is 429 `rate_limited` with `retry_after`,
    even for the right password, until the window ends."""
    normalized = rules.normalize_email(email)
    with ctx.db.read() as s:
        found = store.get_member_by_email(s, normalized)
    check_password(ctx, normalized, address, found.password_hash if found else None, password,
                   "Wrong email or password.")
    assert found is not None
    rehashed = (ctx.passwords.hash(password) if ctx.passwords.needs_rehash(found.password_hash)
                else None)
    with ctx.db.write() as s:
        member = store.get_member(s, found.id)
        if member is None or not rules.can_log_in(member.status):
            raise Forbidden("This account is suspended.", code="account_restricted")
        if rehashed and member.password_hash == found.password_hash:
            member.password_hash = rehashed
        token = _issue_token(ctx, s, member.id, token_kind)
    return Session_(token, member)


def check_password(ctx: Context, email: str, address: str | None, password_hash: str | None,
                   password: str, wrong: str) -> None:
    """A password check under the sign-in limit (per account, and per client `address` when
    given). The attempt is counted before the slow argon2 check, which runs outside any
    transaction, and given back when the password is right, so parallel guesses cannot slip
    past the limit. Raises Refused (429 `rate_limited`) past the limit, even for the right
    password, or Unauthorized with `wrong`. `password_hash` None (no such account) is checked
    against a dummy hash, so an unknown email takes as long as a known one."""
    now = ctx.now()
    with ctx.db.write() as s:
        limited = ratelimit.reserve_login(ctx, s, email, address, now)
    if limited is not None:
        raise Refused(limited.message, code=limited.code, **limited.extra)
    if not ctx.passwords.verify(password_hash, password):
        raise Unauthorized(wrong)
    with ctx.db.write() as s:
        ratelimit.release_login(ctx, s, email, address, now)


def _issue_token(ctx: Context, s: Any, member_id: str, kind: str) -> str:
    token = new_token()
    now = ctx.now()
    s.add(AuthToken(id=new_id(), member_id=member_id, token_hash=token_hash(token), kind=kind,
                    created_at=now, expires_at=now + timedelta(days=ctx.settings.token_ttl_days)))
    return token


def logout(ctx: Context, token: str) -> None:
    with ctx.db.write() as s:
        store.delete_token(s, token_hash(token))


def authenticate(ctx: Context, token: str) -> Member:
    """The member a token belongs to; 401 when unknown, expired, or the account cannot act."""
    with ctx.db.read_one() as conn:
        member = store.token_member(conn, token_hash(token), ctx.now())
    if member is None:
        raise Unauthorized("Sign in again.")
    if not rules.can_log_in(member.status):
        raise Unauthorized("This account cannot sign in.")
    return member


def inbox_reader(ctx: Context, token: str) -> tuple[str, int] | None:
    """(member id, inbox version) for a token `authenticate` would take, else None: all a
    cached inbox page needs to be served (web/inbox_pages)."""
    with ctx.db.read_one() as conn:
        found = store.token_inbox(conn, token_hash(token), ctx.now())
    if found is None or not rules.can_log_in(found.status):
        return None
    return found.member_id, found.inbox_version


def get_me(ctx: Context, member_id: str) -> Member:
    with ctx.db.read() as s:
        member = store.get_member(s, member_id)
    if member is None:
        raise NotFound("No such member.")
    return member


def get_members(ctx: Context, ids: Iterable[str]) -> dict[str, Member]:
    """The members with these ids that exist, in one read (list pages)."""
    with ctx.db.read() as s:
        return store.get_members(s, list(ids))


def update_profile(ctx: Context, member_id: str, changes: dict[str, Any]) -> Member:
    with ctx.db.write() as s:
        member = store.get_member(s, member_id)
        if member is None:
            raise NotFound("No such member.")
        for name in PROFILE_FIELDS:
            if name in changes and changes[name] is not None:
                value = changes[name]
                setattr(member, name, value.strip() if isinstance(value, str) else value)
        member.search_text = rules.search_text(member.full_name, member.headline,
                                               member.company, member.title)
    return member


def view_member(ctx: Context, viewer_id: str, member_id: str) -> tuple[Member, MemberRelation]:
    with ctx.db.read() as s:
        member = store.get_member(s, member_id)
        if member is None or member.status in ("terminated", "deleted"):
            raise NotFound("No such member.")
        # A block hides each profile from the other, as if the account did not exist.
        if viewer_id != member_id and store.is_blocked_either_way(s, viewer_id, member_id):
            raise NotFound("No such member.")
        return member, relation(s, viewer_id, member_id)


def relation(s: Any, viewer_id: str, member_id: str) -> MemberRelation:
    if viewer_id == member_id:
        return MemberRelation(degree=0, shared_connections=0)
    shared = store.shared_connection_count(s, viewer_id, member_id)
    return MemberRelation(rules.degree(store.is_connected(s, viewer_id, member_id), shared), shared)


def search(ctx: Context, viewer_id: str, q: str, after: tuple[str, str] | None,
           limit: int) -> list[tuple[Member, MemberRelation]]:
    with ctx.db.read() as s:
        found = store.search_members(s, q, after, limit)
        return [(m, relation(s, viewer_id, m.id)) for m in found]


def create_admin(ctx: Context, *, email: str, password: str,
                 full_name: str = "Administrator") -> Member:
    """Create an admin, or promote an existing account with that email (and reset its password)."""
    with ctx.db.write() as s:
        member = store.get_member_by_email(s, rules.normalize_email(email))
        if member is None:
            member = Member(id=new_id(), email=rules.normalize_email(email),
                            full_name=full_name, created_at=ctx.now(), status="active",
                            plan="free", credit_balance=0, ledger_seq=0,
                            search_text=rules.search_text(full_name, "", ""))
            s.add(member)
        member.password_hash = ctx.passwords.hash(password)
        member.is_admin = True
    return member


def set_status(ctx: Context, admin_id: str, member_id: str, status: str) -> Member:
    with ctx.db.write() as s:
        admin = store.get_member(s, admin_id)
        if admin is None or not admin.is_admin:
            raise Forbidden("Admins only.")
        member = store.get_member(s, member_id)
        if member is None:
            raise NotFound("No such member.")
        member.status = status
        # A moderator's decision replaces any timed restriction; it has no end of its own.
        member.restricted_until = None
        if not rules.can_log_in(status):
            store.delete_member_tokens(s, member_id)
    return member
