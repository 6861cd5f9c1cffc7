"""What crosses HTTP between a client and the fake Slack Web API: requests decoded into
arguments, answers and Slack's errors encoded, scripted faults as HTTP answers, and the
handler class the fake's own server uses."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

Args = dict[str, Any]
Answer = dict[str, Any]

_JSON_ARGS = ("blocks", "attachments", "view", "metadata")


@dataclass
class Fault:
    """A scripted failure for the next ``count`` calls of one method."""

    count: int
    error: str | None = None
    status: int = 200
    retry_after: int = 1


@dataclass
class Reply:
    """What the server sends back: status, JSON body, extra headers, delay before sending;
    ``raw`` bytes instead of the JSON body (a file download)."""

    status: int
    body: Answer
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None


class SlackError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, messages: Iterable[str] = ()) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)

    def answer(self) -> Answer:
        """Return the JSON body Slack sends for this error."""
        body: Answer = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


def status_reply(fault: Fault, delay: float) -> Reply:
    """Build an HTTP error reply: 429 with ``Retry-After``, or a 5xx."""
    if fault.status == 429:
        headers = {"Retry-After": str(fault.retry_after)}
        return Reply(429, {"ok": False, "error": "ratelimited"}, headers, delay)
    return Reply(fault.status, {"ok": False, "error": "internal_error"}, delay=delay)


def decode_args(raw: bytes, content_type: str, query: str) -> Args:
    """Merge query string and body (form or JSON) into one dict; decode JSON-valued fields."""
    args: Args = dict(parse_qsl(query, keep_blank_values=True))
    text = raw.decode("utf-8") if raw else ""
    if "json" in content_type and text:
        loaded = json.loads(text)
        if not isinstance(loaded, dict):
            raise ValueError("JSON body must be an object")
        args.update(loaded)
    elif text:
        args.update(parse_qsl(text, keep_blank_values=True))
    for key in _JSON_ARGS:
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def handler_for(
    answer: Callable[[str, bytes, dict[str, str]], Reply],
) -> type[BaseHTTPRequestHandler]:
    """Build a request handler class that answers with ``answer(path, body, headers)``."""

    class Handler(BaseHTTPRequestHandler):
        """Turn HTTP requests into calls of ``answer``."""

        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            """Answer a Web API or response_url request."""
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            self._send(answer(self.path, raw, headers))

        do_GET = do_POST

        def _send(self, reply: Reply) -> None:
            """Wait for the reply's delay, then write it as JSON."""
            if reply.delay:
                time.sleep(reply.delay)
            body = json.dumps(reply.body).encode("utf-8") if reply.raw is None else reply.raw
            self.send_response(reply.status)
            if "Content-Type" not in reply.headers:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # fails when the client gave up (a simulated timeout)

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet; calls are recorded on the fake instead."""

    return Handler
