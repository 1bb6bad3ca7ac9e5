"""End-to-end and browser tests against a real Home Assistant process."""
