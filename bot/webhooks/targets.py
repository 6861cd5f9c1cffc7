"""SAFETYBOT_WEBHOOK_URLS: the URLs incident events are posted to.

One or more URLs, separated by commas or whitespace. Each must be ``https://``; plain
``http://`` is accepted only for a loopback host (``localhost``, ``127.0.0.1``, ``::1``), a
relay on the same machine. Anything else is refused at start-up with a message that names
the URL by its position and host, never by its path or query, which often hold a token.

Outbox notices name a URL by its target id (a hash of it), so the database never holds the
URL, and a URL removed from the setting receives nothing more.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from urllib.parse import urlsplit

SETTING = "SAFETYBOT_WEBHOOK_URLS"
_SEPARATORS = re.compile(r"[\s,]+")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def parse_urls(value: str) -> list[str]:
    """The URLs ``value`` lists, in order and without repeats; ``ValueError`` saying which
    one is wrong otherwise."""
    urls: list[str] = []
    for number, url in enumerate(filter(None, _SEPARATORS.split(value.strip())), start=1):
        _check(number, url)
        if url not in urls:
            urls.append(url)
    return urls


def target_id(url: str) -> str:
    """The name outbox notices give ``url``: 16 hex digits of its SHA-256."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check(number: int, url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise _error(number, "is not a valid URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise _error(number, "must be an http(s) URL with a host, like https://example.com/hook")
    if scheme == "http" and not is_loopback(host):
        raise _error(
            number, f"(host {host}) must use https; plain http is allowed only for localhost"
        )
    if parts.username is not None or parts.password is not None:
        raise _error(number, f"(host {host}) must not carry a user name or password")


def _error(number: int, problem: str) -> ValueError:
    return ValueError(f"{SETTING}: URL {number} {problem}")
