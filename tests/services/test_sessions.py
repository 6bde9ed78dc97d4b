from __future__ import annotations

import pytest

from inroad.domain.errors import NotFound, Refused, Unauthorized
from inroad.services import account_data, accounts, sessions
from tests import factories as f


def _login(ctx, member, kind: str = "web") -> str:
    return accounts.login(ctx, email=member.email, password=f.PASSWORD, token_kind=kind).token


def test_revoke_says_whether_it_was_the_current_session(ctx):
    m = f.member(ctx)
    mine, other = _login(ctx, m), _login(ctx, m)
    by_current = {current: row.id for row, current in sessions.list_sessions(ctx, m.id, mine)
                  if row.kind == "web"}
    assert sessions.revoke(ctx, m.id, by_current[False], mine) is False
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, other)
    assert accounts.authenticate(ctx, mine).id == m.id
    assert sessions.revoke(ctx, m.id, by_current[True], mine) is True
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, mine)


def test_revoke_only_own_sessions(ctx):
    a, b = f.member(ctx), f.member(ctx)
    token = _login(ctx, a)
    [(row, _)] = [pair for pair in sessions.list_sessions(ctx, a.id, token) if pair[1]]
    with pytest.raises(NotFound):
        sessions.revoke(ctx, b.id, row.id)
    assert accounts.authenticate(ctx, token).id == a.id


def test_revoke_others_keeps_only_the_current_session(ctx):
    a, b = f.member(ctx), f.member(ctx)  # signup already issued each an API token
    keep, web, api = _login(ctx, a), _login(ctx, a), _login(ctx, a, "api")
    bobs = _login(ctx, b)
    assert sessions.revoke_others(ctx, a.id, keep) == 3
    for token in (web, api):
        with pytest.raises(Unauthorized):
            accounts.authenticate(ctx, token)
    assert [current for _, current in sessions.list_sessions(ctx, a.id, keep)] == [True]
    assert accounts.authenticate(ctx, bobs).id == b.id


def test_deleting_an_account_counts_wrong_passwords_against_the_sign_in_limit(ctx):
    """A stolen session cannot guess the password through account deletion: wrong passwords
    use up the account's sign-in attempts, then even the right one waits for the window."""
    member = f.member(ctx)
    limit = ctx.settings.login_attempts_per_account
    for _ in range(limit):
        with pytest.raises(Unauthorized):
            account_data.delete_account(ctx, member.id, "not the password")
    with pytest.raises(Refused) as refused:
        account_data.delete_account(ctx, member.id, f.PASSWORD)
    assert refused.value.code == "rate_limited"
    assert accounts.get_me(ctx, member.id).status == "active"
