from __future__ import annotations

import pytest

from inroad.domain.errors import Conflict, Forbidden, NotFound, Unauthorized
from inroad.services import accounts
from tests import factories as f


def test_signup_login_logout(ctx):
    created = accounts.signup(ctx, email="Ann@Example.com ", password="0123456789",
                              full_name="Ann Lee", company="Acme")
    assert created.member.email == "ann@example.com"
    assert accounts.authenticate(ctx, created.token).id == created.member.id
    logged = accounts.login(ctx, email="ANN@example.com", password="0123456789")
    accounts.logout(ctx, logged.token)
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, logged.token)
    assert accounts.authenticate(ctx, created.token).id == created.member.id


def test_passwords_are_hashed_with_argon2id(ctx):
    m = f.member(ctx)
    assert accounts.get_me(ctx, m.id).password_hash.startswith("$argon2id$")


def test_duplicate_email_conflicts(ctx):
    accounts.signup(ctx, email="a@example.com", password="0123456789", full_name="A")
    with pytest.raises(Conflict):
        accounts.signup(ctx, email="A@example.com", password="0123456789", full_name="B")


def test_wrong_password_and_unknown_email_look_the_same(ctx):
    accounts.signup(ctx, email="a@example.com", password="0123456789", full_name="A")
    for email, password in (("a@example.com", "wrong-password"), ("x@example.com", "whatever12")):
        with pytest.raises(Unauthorized) as err:
            accounts.login(ctx, email=email, password=password)
        assert err.value.message == "Wrong email or password."


@pytest.mark.parametrize("status", ["suspended", "terminated"])
def test_suspended_and_terminated_cannot_log_in_or_act(ctx, status):
    admin = accounts.create_admin(ctx, email="root@example.com", password="0123456789")
    created = accounts.signup(ctx, email="a@example.com", password="0123456789", full_name="A")
    accounts.set_status(ctx, admin.id, created.member.id, status)
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, created.token)
    with pytest.raises(Forbidden):
        accounts.login(ctx, email="a@example.com", password="0123456789")


def test_restricted_members_still_log_in(ctx):
    admin = accounts.create_admin(ctx, email="root@example.com", password="0123456789")
    created = accounts.signup(ctx, email="a@example.com", password="0123456789", full_name="A")
    accounts.set_status(ctx, admin.id, created.member.id, "restricted")
    accounts.login(ctx, email="a@example.com", password="0123456789")


def test_token_expires(ctx, clock):
    from datetime import timedelta

    created = accounts.signup(ctx, email="a@example.com", password="0123456789", full_name="A")
    clock.advance(timedelta(days=ctx.settings.token_ttl_days, seconds=1))
    with pytest.raises(Unauthorized):
        accounts.authenticate(ctx, created.token)


def test_profile_update_and_search(ctx):
    a = f.member(ctx, "Ann Viewer")
    b = f.member(ctx, "Bob Builder", headline="Platform engineer", company="Globex")
    f.member(ctx, "Carol Other", company="Initech")
    accounts.update_profile(ctx, b.id, {"headline": "Staff platform engineer", "title": "Staff"})
    for q in ("bob", "STAFF platform", "globex", "builder globex"):
        found = accounts.search(ctx, a.id, q, None, 10)
        assert [m.full_name for m, _ in found] == ["Bob Builder"], q
    assert accounts.search(ctx, a.id, "100%_", None, 10) == []


def test_degree_and_shared_connections(ctx):
    a, b, c, d = (f.member(ctx, n) for n in ("A", "B", "C", "D"))
    f.connect(ctx, a, b)
    f.connect(ctx, b, c)
    _, rel_b = accounts.view_member(ctx, a.id, b.id)
    _, rel_c = accounts.view_member(ctx, a.id, c.id)
    _, rel_d = accounts.view_member(ctx, a.id, d.id)
    assert (rel_b.degree, rel_c.degree, rel_d.degree) == (1, 2, 3)
    assert rel_c.shared_connections == 1


def test_unknown_member_is_not_found(ctx):
    a = f.member(ctx)
    with pytest.raises(NotFound):
        accounts.view_member(ctx, a.id, "nope")


def test_password_rehashed_when_parameters_change(ctx, settings, db, clock):
    from inroad.context import Context

    accounts.signup(ctx, email="a@example.com", password="0123456789", full_name="A")
    stronger = Context(settings.model_copy(update={"argon2_time_cost": 2}), db, clock)
    old_hash = accounts.get_me(ctx, accounts.login(ctx, email="a@example.com",
                                                   password="0123456789").member.id).password_hash
    member = accounts.login(stronger, email="a@example.com", password="0123456789").member
    new_hash = accounts.get_me(ctx, member.id).password_hash
    assert new_hash != old_hash and "t=2" in new_hash
