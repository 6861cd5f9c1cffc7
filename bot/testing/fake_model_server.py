"""A fake model API on loopback for tests: speaks the Anthropic Messages API and the OpenAI
chat-completions API over real HTTP, so the official SDKs (and their retries) run unchanged.

Usage::

    with FakeModelServer() as server:
        server.answer('{"categories": []}')          # the next call answers this text
        server.error(429, retry_after=0)             # ...the one after: 429 with retry-after
        client = client_for(server.connection("anthropic"))   # or "openai"
        client.complete([Message("user", "hello")])
        server.requests[-1].text                     # what was sent (system + messages)

Each call takes the next scripted step; when the script is empty the server answers
``default`` (a text, or a function of the ``FakeRequest`` returning one). Steps:

- ``answer(text, input_tokens=None, output_tokens=None, delay=0)``: a 200 with a realistic
  body and usage (tokens default to about one per four characters);
- ``error(status, retry_after=None, times=1, message=...)``: an error status with the
  provider's error body (and a ``retry-after`` header when given);
- ``malformed(times=1)``: a 200 whose body is not JSON;
- ``answer(text, delay=seconds)``: a slow answer, for timeouts (the wait ends at ``stop``).

``api_key``: when set, a call without that key gets the provider's 401. As the Messages API
does, an Anthropic call carrying ``temperature`` gets a 400. Every request is recorded
(``requests``: path, lower-cased headers, JSON body) before it is answered.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler
from typing import Any

from bot.llm.connection import ModelConnection
from bot.testing.loopback import Loopback

ANTHROPIC_PATH = "/v1/messages"
OPENAI_PATH = "/v1/chat/completions"

# What the server answers once the script is empty: a text, or a function of the request.
Default = str | Callable[["FakeRequest"], str]


@dataclass(frozen=True)
class Step:
    """One scripted answer: a text (``status`` 200), an error status, or a broken body."""

    status: int = 200
    text: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None
    retry_after: float | None = None
    delay: float = 0.0
    malformed: bool = False


@dataclass
class FakeRequest:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def provider(self) -> str:
        """``anthropic`` or ``openai``, from the path."""
        return "anthropic" if self.path == ANTHROPIC_PATH else "openai"

    @property
    def text(self) -> str:
        """Every text sent (system prompt and messages), joined by newlines."""
        parts = [_content(self.body.get("system"))]
        parts += [_content(m.get("content")) for m in self.body.get("messages") or []]
        return "\n".join(part for part in parts if part)


class FakeModelServer:
    """A threaded HTTP server answering both model APIs from a script; see the module doc."""

    def __init__(self, *, default: Default = "OK", api_key: str | None = None) -> None:
        self.default: Default = default
        self.api_key = api_key
        self.requests: list[FakeRequest] = []
        self._script: list[Step] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._loopback: Loopback | None = None

    # ------------------------------------------------------------ script

    def answer(
        self,
        text: str,
        *,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        delay: float = 0.0,
    ) -> FakeModelServer:
        """Answer the next call with ``text`` (after ``delay`` seconds); returns self."""
        return self._add(Step(200, text, input_tokens, output_tokens, delay=delay))

    def error(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        times: int = 1,
        message: str = "scripted error",
    ) -> FakeModelServer:
        """Answer the next ``times`` calls with HTTP ``status`` and the provider's error body
        saying ``message``; returns self."""
        return self._add(Step(status, message, retry_after=retry_after), times)

    def malformed(self, *, times: int = 1) -> FakeModelServer:
        """Answer the next ``times`` calls with a 200 whose body is not JSON; returns self."""
        return self._add(Step(malformed=True), times)

    def _add(self, step: Step, times: int = 1) -> FakeModelServer:
        with self._lock:
            self._script.extend([step] * times)
        return self

    def _next(self, request: FakeRequest) -> Step:
        with self._lock:
            if self._script:
                return self._script.pop(0)
        default = self.default
        return Step(text=default(request) if callable(default) else default)

    # ------------------------------------------------------------ lifecycle

    def start(self) -> str:
        """Serve on a free port of 127.0.0.1; return ``url``."""
        if self._loopback is None:
            self._stopping.clear()
            self._loopback = Loopback(_handler(self), name="fake-model-api")
        return self.url

    def stop(self) -> None:
        """Stop serving; slow answers still waiting end at once."""
        self._stopping.set()
        if self._loopback is not None:
            self._loopback.close()
        self._loopback = None

    def __enter__(self) -> FakeModelServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the Anthropic SDK's base URL (OpenAI's is ``url + "/v1"``)."""
        if self._loopback is None:
            raise RuntimeError("FakeModelServer is not started")
        return self._loopback.root

    def connection(self, provider: str, **overrides: Any) -> ModelConnection:
        """A connection to this server for ``provider`` (key ``test-key``, timeout 5 s, one
        retry); ``overrides`` set any other field (``purpose``, ``timeout``, ``max_retries``...)."""
        base = self.url if provider == "anthropic" else f"{self.url}/v1"
        connection = ModelConnection(
            purpose="judge",
            provider=provider,
            model=f"fake-{provider}-model",
            api_key=self.api_key or "test-key",
            base_url=base,
            timeout=5.0,
            max_retries=1,
        )
        return replace(connection, **overrides)

    # ------------------------------------------------------------ answering

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict, bytes]:
        """Record one request and build the answer: status, headers, body."""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        request = FakeRequest(path, headers, body if isinstance(body, dict) else {})
        with self._lock:
            self.requests.append(request)
        if path not in (ANTHROPIC_PATH, OPENAI_PATH):
            return _error(request.provider, 404, "not_found_error", f"no route {path}")
        if self.api_key is not None and _key(request) != self.api_key:
            return _error(request.provider, 401, "authentication_error", "invalid x-api-key")
        if request.provider == "anthropic" and "temperature" in request.body:
            # As the Messages API since version 2026-10-21, which the SDK 2.x sends.
            return _error(
                "anthropic",
                400,
                "invalid_request_error",
                "temperature: Extra inputs are not permitted",
            )
        step = self._next(request)
        if step.delay and self._stopping.wait(step.delay):
            return _error(request.provider, 503, "overloaded_error", "server stopping")
        if step.malformed:
            return 200, {"content-type": "application/json"}, b'{"id": "msg_1", "content": [{'
        if step.status != 200:
            status, extra, payload = _error(
                request.provider, step.status, _kind(step.status), step.text
            )
            if step.retry_after is not None:
                extra["retry-after"] = f"{step.retry_after:g}"
            return status, extra, payload
        return _reply(request, step)


def _handler(server: FakeModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, payload = server.handle(self.path, headers, raw)
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: tests read ``requests`` instead

    return Handler


def _reply(request: FakeRequest, step: Step) -> tuple[int, dict, bytes]:
    model = str(request.body.get("model") or "fake-model")
    sent = step.input_tokens if step.input_tokens is not None else _tokens(request.text)
    got = step.output_tokens if step.output_tokens is not None else _tokens(step.text)
    body: dict[str, Any]
    if request.provider == "anthropic":
        body = {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [{"type": "text", "text": step.text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": sent, "output_tokens": got},
        }
    else:
        body = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": 1_800_000_000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": step.text},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": sent, "completion_tokens": got, "total_tokens": sent + got},
        }
    return 200, {"content-type": "application/json"}, json.dumps(body).encode()


def _error(
    provider: str, status: int, kind: str, message: str = "scripted error"
) -> tuple[int, dict, bytes]:
    if provider == "anthropic":
        body: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": message}}
    else:
        body = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return status, {"content-type": "application/json"}, json.dumps(body).encode()


def _kind(status: int) -> str:
    kinds = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error"}
    kinds |= {404: "not_found_error", 429: "rate_limit_error", 529: "overloaded_error"}
    return kinds.get(status, "api_error")


def _key(request: FakeRequest) -> str:
    """The key sent: Anthropic reads ``x-api-key`` first (its SDK 2.x sends a Bearer token)."""
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
    if request.provider == "anthropic":
        return request.headers.get("x-api-key") or bearer
    return bearer


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _content(content: Any) -> str:
    """The text of a message's content: a string, or a list of text blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""
