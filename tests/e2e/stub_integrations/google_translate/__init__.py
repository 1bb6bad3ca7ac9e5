"""Stand-in for the core google_translate integration in the end-to-end tests (see README)."""

from ..stub import async_setup

__all__ = ["async_setup"]
