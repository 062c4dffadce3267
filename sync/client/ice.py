"""The desktop's ICE settings for a WebRTC peer (publisher or viewer) talking to a server.

No STUN or TURN server unless ``BIG20_RTC_ICE_SERVERS`` names some (a JSON list, as
:func:`sync.rtc.parse_ice_servers` reads it); host addresses from ``BIG20_RTC_ICE_ADDRESSES``
(comma-separated), else loopback only for a server on this computer, else all of them.
Pure: reads the environment, no I/O.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from sync.client.api import is_loopback
from sync.rtc import parse_ice_servers


def ice_for(server_url: str) -> tuple[list[dict[str, Any]], list[str] | None]:
    """(ice_servers, host addresses) for talking to ``server_url``. Raises InputError for a
    malformed ``BIG20_RTC_ICE_SERVERS``."""
    servers = parse_ice_servers(os.environ.get("BIG20_RTC_ICE_SERVERS"))
    raw = os.environ.get("BIG20_RTC_ICE_ADDRESSES")
    if raw:
        return servers, [a.strip() for a in raw.split(",") if a.strip()]
    if is_loopback(urlsplit(server_url).hostname or ""):
        return servers, ["127.0.0.1"]
    return servers, None
