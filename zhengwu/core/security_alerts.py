"""Security alerts for the audit administrator, through a registry that apps fill.

A lower layer (accounts: too many clear-data views in a day) must warn the audit
administrator, but the message centre is a domain app above it. So the message centre
registers a deliverer here at start-up and callers only ever call down into core. The
audit row is the caller's business and is written whether or not anyone delivers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

SecurityAlertDeliverer = Callable[..., None]
_deliverers: list[SecurityAlertDeliverer] = []


def register_security_alert_deliverer(deliver: SecurityAlertDeliverer) -> None:
    """Add ``deliver(title=..., body=..., link=...)``; registering twice is harmless."""
    if deliver not in _deliverers:
        _deliverers.append(deliver)


def security_alert_raise(*, title: str, body: str, link: str = "") -> int:
    """Hand one alert to every registered deliverer; return how many took it."""
    if not _deliverers:
        logger.warning("security alert with no deliverer registered: %s", title)
    for deliver in _deliverers:
        deliver(title=title, body=body, link=link)
    return len(_deliverers)
