"""scripts/bench --ha: this integration in a real Home Assistant (__main__.py)."""
