"""Stand-in button entities (no logic)."""

from . import async_setup_platform_entry as async_setup_entry  # noqa: F401
