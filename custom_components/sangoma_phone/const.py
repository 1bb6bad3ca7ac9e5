"""Constants for the Sangoma Phone integration."""

from typing import Final

DOMAIN: Final = "sangoma_phone"
