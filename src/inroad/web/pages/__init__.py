"""Server-rendered pages (Jinja2 + htmx) over the same services as the API."""

from fastapi import FastAPI

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

__all__ = ["include", "templates"]


def include(app: FastAPI) -> None:
    """Each module's router straight into the app, one level of nesting as in `web.api`."""
    for module in (auth, inbox, members, network, inmail, credits, safety, account, insights):
        app.include_router(module.router, include_in_schema=False)
