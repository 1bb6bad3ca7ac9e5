"""The onboarding flow of the stand-in: it adds nothing."""

from ..stub import StubFlow


class Flow(StubFlow, domain="met"):
    """Abort instead of creating an entry that reaches for the internet."""
