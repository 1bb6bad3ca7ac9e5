"""Tests for the Sangoma Phone integration."""
