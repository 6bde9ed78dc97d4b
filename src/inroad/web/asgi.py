"""ASGI entry point for uvicorn (`inroad.web.asgi:app`): settings from the environment, so
every worker process builds the same app."""

from inroad.config import load_settings
from inroad.web.app import create_app

app = create_app(load_settings())
