"""Fixtures for the Sangoma Phone tests."""

import pytest

# Bind the repository's `custom_components` package before the test harness puts
# its own testing config (which ships another `custom_components`) on sys.path.
import custom_components  # noqa: F401


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load the integration from custom_components/ in every test."""
