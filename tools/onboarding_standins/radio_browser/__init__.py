"""Stand-in for the core radio_browser integration started by onboarding (see ../stub.py)."""

from ..stub import async_setup

__all__ = ["async_setup"]
