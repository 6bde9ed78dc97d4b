from __future__ import annotations

from fastapi import APIRouter, Request, Response

from inroad.services import accounts
from inroad.web import cursors
from inroad.web.deps import Ctx, CurrentMember, Cursor, Limit, Token
from inroad.web.schemas import (
    AuthOut,
    LoginIn,
    MemberOut,
    MeOut,
    Page,
    ProfilePatch,
    SignupIn,
    me_out,
    member_out,
)

router = APIRouter(tags=["accounts"])


@router.post("/auth/signup", status_code=201, response_model=AuthOut)
def signup(body: SignupIn, ctx: Ctx) -> AuthOut:
    result = accounts.signup(ctx, **body.model_dump())
    return AuthOut(token=result.token, me=me_out(result.member))


@router.post("/auth/login", response_model=AuthOut)
def login(body: LoginIn, ctx: Ctx, request: Request) -> AuthOut:
    result = accounts.login(ctx, email=body.email, password=body.password,
                            address=request.client.host if request.client else None)
    return AuthOut(token=result.token, me=me_out(result.member))


@router.post("/auth/logout", status_code=204)
def logout(ctx: Ctx, token: Token, member: CurrentMember) -> Response:
    accounts.logout(ctx, token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def get_me(member: CurrentMember) -> MeOut:
    return me_out(member)


@router.patch("/me", response_model=MeOut)
def patch_me(body: ProfilePatch, ctx: Ctx, member: CurrentMember) -> MeOut:
    return me_out(accounts.update_profile(ctx, member.id, body.model_dump(exclude_unset=True)))


@router.get("/members", response_model=Page[MemberOut])
def search_members(ctx: Ctx, member: CurrentMember, q: str = "", limit: Limit = 20,
                   cursor: Cursor = None) -> Page[MemberOut]:
    after = cursors.decode(cursor, str, str)
    found = accounts.search(ctx, member.id, q[:200], after, limit)
    items = [member_out(m, r.degree, r.shared_connections) for m, r in found]
    last = found[-1][0] if len(found) == limit else None
    return Page(items=items, next_cursor=cursors.encode(last.full_name, last.id) if last else None)


@router.get("/members/{member_id}", response_model=MemberOut)
def get_member(member_id: str, ctx: Ctx, member: CurrentMember) -> MemberOut:
    other, rel = accounts.view_member(ctx, member.id, member_id)
    return member_out(other, rel.degree, rel.shared_connections)
