"""Constants for the Sangoma Phone integration."""

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "sangoma_phone"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "Sangoma"
DEFAULT_NAME: Final = "Sangoma phone"

# Config entry data
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_MAC: Final = "mac"
# The base URL (scheme, host, port) the phone's URLs were last given with
CONF_URL_BASE: Final = "url_base"

# Config entry options
CONF_LOCAL_ONLY: Final = "local_only"
CONF_ALLOWED_NETWORKS: Final = "allowed_networks"
CONF_USE_LISTENER: Final = "use_listener"
CONF_RATE_LIMIT: Final = "rate_limit"  # requests a second (protocol.ratelimit)
DEFAULT_LOCAL_ONLY: Final = True
# Whether the URLs hold the events whose P-code is unverified (P3734)
CONF_INCLUDE_UNVERIFIED: Final = "include_ip_changed"

# The phone listener: one per Home Assistant instance, settings in one Store
CONF_LISTENER_ENABLED: Final = "listener_enabled"
CONF_LISTENER_PORT: Final = "listener_port"
DEFAULT_LISTENER_PORT: Final = 8124
LISTENER_STORAGE_KEY: Final = f"{DOMAIN}.listener"
LISTENER_STORAGE_VERSION: Final = 1

# Bus event fired for every accepted phone request
EVENT_PHONE: Final = f"{DOMAIN}_event"

# Provisioning file download (authenticated)
PROVISIONING_URL: Final = "/api/sangoma_phone/{entry_id}/provisioning.xml"
URL_LIST_URL: Final = "/api/sangoma_phone/{entry_id}/urls.txt"
PROVISIONING_LINK_VALIDITY: Final = timedelta(days=1)

# Setup: how long "Check" waits for the phone's first request (seconds)
FIRST_REQUEST_WAIT: Final = 10
# A page of docs/ at the project's home (manifest.json's "documentation")
DOCS_PAGE: Final = "{home}/blob/main/docs/{page}.md"
TROUBLESHOOTING_PAGE: Final = "troubleshooting"

# Persisted phone state
STORAGE_VERSION: Final = 1
STORAGE_SAVE_DELAY: Final = 10  # seconds

# Phone web access (its Action URI), in config entry data
CONF_WEB_ACCESS: Final = "web_access"
CONF_FOLLOW_PHONE_IP: Final = "follow_phone_ip"
CONF_HTTPS: Final = "https"
# The authentication scheme known to work ("digest", or "basic" once allowed)
CONF_AUTH: Final = "auth"
CONF_ALLOW_BASIC: Final = "allow_basic"

# Shown in the UI where a list or value is empty
NOTHING: Final = "—"
