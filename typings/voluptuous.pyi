# What `import voluptuous` is inside Home Assistant 2026.10, for mypy: Home Assistant
# registers probatio's voluptuous shim under that name at import
# (homeassistant/__init__.py, `install_as_voluptuous`). Without this stub mypy
# would type-check against the separate voluptuous package that is also installed.
# Releases before probatio (2026.3, tested in .venv-oldest) run real voluptuous;
# mypy runs against the main release only.
from probatio import *  # noqa: F403
