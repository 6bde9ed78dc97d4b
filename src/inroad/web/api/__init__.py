"""JSON API routes: parse, call one service, shape the answer."""

from fastapi import APIRouter

from inroad.web.api import accounts, admin, connections, conversations, credits, events, inmails


def router() -> APIRouter:
    api = APIRouter(prefix="/api/v1")
    for module in (accounts, connections, conversations, credits, inmails, admin, events):
        api.include_router(module.router)
    return api
