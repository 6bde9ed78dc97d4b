"""Server-rendered pages (Jinja2 + htmx) over the same services as the API."""

from fastapi import APIRouter

from inroad.web.pages import (
    account,
    auth,
    credits,
    inbox,
    inmail,
    insights,
    members,
    network,
    safety,
)
from inroad.web.pages.filters import templates

__all__ = ["router", "templates"]


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    for module in (auth, inbox, members, network, inmail, credits, safety, account, insights):
        pages.include_router(module.router)
    return pages
