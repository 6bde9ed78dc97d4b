"""Server-rendered pages (Jinja2 + htmx) over the same services as the API."""

from fastapi import APIRouter


def router() -> APIRouter:
    return APIRouter(include_in_schema=False)
