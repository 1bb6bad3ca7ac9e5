"""Config flow of the stand-in (defined with the integration)."""

from . import StandInFlow  # noqa: F401
