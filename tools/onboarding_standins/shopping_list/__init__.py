"""Stand-in for the core shopping_list integration started by onboarding (see ../stub.py)."""

from ..stub import async_setup

__all__ = ["async_setup"]
