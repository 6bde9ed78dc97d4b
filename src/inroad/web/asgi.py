"""ASGI entry point for uvicorn (`inroad.web.asgi:app`): settings from the environment, so
every worker process builds the same app."""

from inroad import logs
from inroad.config import load_settings
from inroad.web.app import create_app

settings = load_settings()
if settings.log_format == "json":
    logs.configure()
app = create_app(settings)
