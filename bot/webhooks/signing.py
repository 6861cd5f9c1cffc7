"""How a webhook request is signed (scheme ``v1``, docs/webhooks.md "Verifying a request").

The signature is HMAC-SHA256, keyed with SAFETYBOT_WEBHOOK_SECRET, over the bytes
``v1:{timestamp}:{body}``: the scheme, the request's Unix time in seconds as sent in
``X-Safetybot-Timestamp``, and the exact body. It is sent as ``X-Safetybot-Signature:
v1=<hex digest>``. Signing the time lets a receiver refuse a request replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"
SIGNATURE = "X-Safetybot-Signature"
TIMESTAMP = "X-Safetybot-Timestamp"
DELIVERY = "X-Safetybot-Delivery"
EVENT = "X-Safetybot-Event"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Safetybot-Signature`` value of ``body`` sent at ``timestamp``."""
    signed = f"{SCHEME}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def headers(
    secret: str, *, timestamp: int, body: bytes, delivery: str, event: str
) -> dict[str, str]:
    """Every header of one webhook request."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "safetybot-webhooks/1",
        TIMESTAMP: str(timestamp),
        SIGNATURE: signature(secret, timestamp, body),
        DELIVERY: delivery,
        EVENT: event,
    }
