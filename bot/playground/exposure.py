"""Who may reach the playground: it has no login, so it listens on loopback unless
``SAFETYBOT_PLAYGROUND=1``, and answers only requests addressed to itself.

The Host check stops DNS rebinding: a page on another site that rebinds its own name to
127.0.0.1 still sends that name as Host. A browser sends an IP address as Host only when
the page itself was opened by that address, so listening beyond loopback accepts IP
addresses (and ``localhost``) with the playground's port, and never another name.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from bot.web.asgi_io import ASGIApp, Receive, Send, reply

WILDCARDS = ("", "0.0.0.0", "::")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address) only accepts connections from this machine."""
    if host.lower() == "localhost":
        return True
    address = _ip(host)
    return address is not None and address.is_loopback


def url_host(host: str) -> str:
    """How a page address names the bound ``host``: a wildcard as loopback, IPv6 in brackets."""
    if host in WILDCARDS:
        return "[::1]" if host == "::" else "127.0.0.1"
    return f"[{host}]" if ":" in host else host


class HostCheck:
    """The Host and Origin values the playground on ``port`` answers."""

    def __init__(self, port: int, *, beyond_loopback: bool) -> None:
        self.port = port
        self.beyond_loopback = beyond_loopback

    def allows_host(self, value: str) -> bool:
        """``localhost`` or an IP address, loopback unless listening beyond it, with the port."""
        name, port = _split_authority(value)
        if port != str(self.port) or not name:
            return False
        if name.lower() == "localhost":
            return True
        address = _ip(name)
        return address is not None and (address.is_loopback or self.beyond_loopback)

    def allows_origin(self, value: str) -> bool:
        """An Origin that is the page's own ``http://`` address."""
        scheme, _, authority = value.partition("://")
        return scheme == "http" and self.allows_host(authority)

    def refusal(self, headers: dict[str, str]) -> tuple[int, str] | None:
        """The status and message refusing a request with these (lower-cased) headers, or None."""
        if not self.allows_host(headers.get("host", "")):
            return 421, "the playground answers only requests addressed to its own address"
        origin = headers.get("origin")
        if origin is not None and not self.allows_origin(origin):
            return 403, "requests from other sites are refused"
        return None


def guarded(app: ASGIApp, check: HostCheck) -> ASGIApp:
    """``app`` behind ``check``: HTTP requests to another address get 421, from another site 403."""

    async def guard(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            refusal = check.refusal(headers)
            if refusal is not None:
                body = json.dumps({"ok": False, "error": refusal[1]}).encode()
                kind = "application/json; charset=utf-8"
                await reply(send, refusal[0], body, {"content-type": kind, "connection": "close"})
                return
        await app(scope, receive, send)

    return guard


def _split_authority(value: str) -> tuple[str, str]:
    """``name`` and ``port`` of ``name:port`` or ``[v6]:port``; a missing port is ``80``."""
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        return name, rest.removeprefix(":") if rest else "80"
    name, colon, port = value.rpartition(":")
    return (name, port) if colon else (value, "80")


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
