"""Log each distinct problem once as a warning, then at debug level."""

from typing import Any, Final

from .const import LOGGER

MAX_LOGGED_PROBLEMS: Final = 64  # distinct problems logged as warnings


class ProblemLog:
    """Log each distinct problem as a warning once, then at debug level.

    Past MAX_LOGGED_PROBLEMS distinct problems (say, a flood of requests with
    ever new MACs) everything goes to the debug level.
    """

    def __init__(self) -> None:
        """Start with nothing logged."""
        self._seen: set[str] = set()

    def __call__(self, key: str, msg: str, *args: Any) -> None:
        """Log the problem `key`."""
        if key in self._seen or len(self._seen) >= MAX_LOGGED_PROBLEMS:
            LOGGER.debug(msg, *args)
            return
        self._seen.add(key)
        LOGGER.warning(msg, *args)
