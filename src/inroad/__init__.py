"""Inroad: professional network messaging with credit-metered InMail."""

__version__ = "0.1.0"
