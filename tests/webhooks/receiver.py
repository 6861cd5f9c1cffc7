"""A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records every POST and
answers with the statuses a test scripts (200 when nothing is scripted)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


@dataclass(frozen=True)
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def delivery(self) -> str:
        return self.headers["X-Safetybot-Delivery"]


class Receiver:
    """Records POSTs; ``answer`` scripts the next answers, in order."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._answers: deque[tuple[int, dict[str, str]]] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next request not yet scripted with ``status`` and ``headers``."""
        with self._lock:
            self._answers.append((status, headers or {}))

    def bodies(self) -> list[Any]:
        """The JSON bodies received, in order."""
        with self._lock:
            return [r.json() for r in self.requests]

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """The first ``count`` requests, once they have arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.02)
        raise TimeoutError(f"waited {timeout}s for {count} webhook requests")

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                    status, headers = (
                        receiver._answers.popleft() if receiver._answers else (200, {})
                    )
                self.send_response(status)
                for name, value in {**headers, "Content-Length": "0"}.items():
                    self.send_header(name, value)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    """A started receiver, stopped afterwards."""
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


def documented_verify() -> Callable[..., bool]:
    """The ``verify`` function of docs/webhooks.md's "Verifying a request", run as written."""
    section = DOCS.read_text(encoding="utf-8").split("### Verifying a request", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "docs/webhooks.md has no Python snippet under 'Verifying a request'"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOCS), "exec"), namespace)
    verify: Callable[..., bool] = namespace["verify"]
    return verify
