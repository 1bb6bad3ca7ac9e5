"""Pin Home Assistant's HTTP server of a config directory to one host and port.

Since 2026.10 Home Assistant keeps its HTTP settings in `.storage/http`: YAML
`http:` settings become a trial that reverts to the defaults (every interface,
port 8123) unless confirmed in the UI. scripts/develop writes the settings as
confirmed ("stable") instead, so the development server stays on loopback.

Usage: python -m tools.http_store CONFIG_DIR HOST PORT
"""

from datetime import UTC, datetime
import json
from pathlib import Path
import sys

from homeassistant.components.http.config import (
    HTTP_STORAGE_SCHEMA,
    STORAGE_KEY,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
)


def pin(config_dir: Path, host: str, port: int) -> bool:
    """Write the stable HTTP settings; return whether anything changed."""
    path = config_dir / ".storage" / STORAGE_KEY
    stored = json.loads(path.read_text()) if path.exists() else None
    data = (stored or {}).get("data") or {}
    stable = data.get("stable") or {}
    if (
        stable.get("server_host") == [host]
        and stable.get("server_port") == port
        and data.get("pending") is None
        and data.get("yaml_migration_done")
    ):
        return False
    settings = HTTP_STORAGE_SCHEMA(
        {
            key: value
            for key, value in stable.items()
            if key not in ("created_at", "error", "error_message")
        }
        | {"server_host": [host], "server_port": port}
    )
    settings.update(
        created_at=datetime.now(UTC).isoformat(), error=None, error_message=None
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "version": STORAGE_VERSION,
                "minor_version": STORAGE_MINOR_VERSION,
                "key": STORAGE_KEY,
                "data": {
                    "stable": settings,
                    "pending": None,
                    "yaml_migration_done": True,
                },
            },
            indent=2,
        )
    )
    return True


if __name__ == "__main__":
    changed = pin(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
    print(
        f"http_store: {'pinned' if changed else 'already'} {sys.argv[2]}:{sys.argv[3]}"
    )
