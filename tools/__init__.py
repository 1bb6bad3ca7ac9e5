"""Development tools for Sangoma Phone (not part of the integration)."""
