"""Model clients over the providers' official SDKs (the ``judge`` extra), imported only when a
connection is configured, so the bot runs without them.

The SDKs time out, and retry 408, 409, 429, 5xx, timeouts and connection errors up to
``max_retries`` times, waiting as ``retry-after`` asks or else with exponential backoff
(0.5 s doubling to 8 s, with jitter). A ``retry-after`` longer than ``MAX_WAIT`` is not waited
out inside a call: the call fails with that wait in ``ModelError.retry_after`` and the job's
worker comes back later (the OpenAI SDK does this itself; the Anthropic one is taught by a
middleware). Neither the API key nor the prompt is ever logged.
"""

from __future__ import annotations

import email.utils
import importlib
import json
import logging
import math
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.config import ConfigError
from bot.llm.connection import Message, ModelClient, ModelConnection, ModelError, ModelReply

MAX_WAIT = 120.0  # seconds of retry-after waited out inside one call
# Placeholder key for a local OpenAI-compatible server that needs none: the SDK insists on a
# key, and would otherwise send OPENAI_API_KEY from the environment to that server.
NO_KEY = "no-key"
INSTALL = "pip install 'safetybot[judge]'"


def client_for(connection: ModelConnection) -> ModelClient:
    """The client for ``connection``'s provider; ConfigError when its SDK is not installed."""
    if connection.provider == "anthropic":
        return AnthropicClient(connection)
    if connection.provider == "openai":
        return OpenAIClient(connection)
    raise ConfigError(f"unknown model provider {connection.provider!r}: anthropic or openai")


class AnthropicClient:
    """Calls the Anthropic Messages API (``messages.create``)."""

    def __init__(self, connection: ModelConnection) -> None:
        self._sdk = _import("anthropic")
        self._connection = connection
        self._client = self._sdk.Anthropic(
            api_key=connection.api_key,
            base_url=connection.base_url,
            timeout=connection.timeout,
            max_retries=connection.max_retries,
            middleware=[_no_long_waits],
        )

    @property
    def model(self) -> str:
        return self._connection.model

    def complete(
        self,
        messages: list[Message],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float | None = None,
    ) -> ModelReply:
        """One ``messages.create`` call; raises ``ModelError`` when it fails."""
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": max_tokens,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        }
        if system:
            params["system"] = system
        # No temperature: the Messages API refuses sampling parameters since its version
        # 2026-10-21, which this SDK sends (and no longer takes them).
        started = time.monotonic()
        try:
            response = self._client.messages.create(**params)
        except Exception as error:
            raise model_error(error, self._sdk, self._connection) from None
        if not isinstance(response.content, list):
            raise _malformed(self._connection)
        text = "".join(b.text for b in response.content if getattr(b, "type", "") == "text")
        usage = response.usage
        return ModelReply(
            text=text,
            model=response.model or self.model,
            input_tokens=(usage.input_tokens or 0) if usage else 0,
            output_tokens=(usage.output_tokens or 0) if usage else 0,
            latency_s=time.monotonic() - started,
        )


class OpenAIClient:
    """Calls an OpenAI-compatible chat-completions API (``chat.completions.create``):
    OpenAI, Azure, vLLM, Ollama, a llama.cpp server, a LiteLLM proxy."""

    def __init__(self, connection: ModelConnection) -> None:
        self._sdk = _import("openai")
        self._connection = connection
        self._client = self._sdk.OpenAI(
            api_key=connection.api_key or NO_KEY,
            base_url=connection.base_url,
            timeout=connection.timeout,
            max_retries=connection.max_retries,
        )

    @property
    def model(self) -> str:
        return self._connection.model

    def complete(
        self,
        messages: list[Message],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float | None = None,
    ) -> ModelReply:
        """One ``chat.completions.create`` call; raises ``ModelError`` when it fails."""
        turns = [{"role": "system", "content": system}] if system else []
        turns += [{"role": m.role, "content": m.content} for m in messages]
        params: dict[str, Any] = {"model": self.model, "messages": turns}
        # OpenAI's own API reads max_completion_tokens (newer models refuse max_tokens); the
        # servers that copy its API all read max_tokens, and not all read the newer name.
        limit = "max_tokens" if self._connection.base_url else "max_completion_tokens"
        params[limit] = max_tokens
        if temperature is not None:
            params["temperature"] = temperature
        started = time.monotonic()
        try:
            response = self._create(params)
        except Exception as error:
            raise model_error(error, self._sdk, self._connection) from None
        if not response.choices or response.choices[0].message is None:
            raise _malformed(self._connection)
        usage = response.usage
        return ModelReply(
            text=response.choices[0].message.content or "",
            model=response.model or self.model,
            input_tokens=(usage.prompt_tokens or 0) if usage else 0,
            output_tokens=(usage.completion_tokens or 0) if usage else 0,
            latency_s=time.monotonic() - started,
        )

    def _create(self, params: dict[str, Any]) -> Any:
        """``chat.completions.create``; a model that refuses a temperature (reasoning models
        do, with a 400 naming it) is asked once more without one."""
        try:
            return self._client.chat.completions.create(**params)
        except self._sdk.BadRequestError as error:
            if "temperature" not in params or "temperature" not in _reason(error.body, ""):
                raise
        params = {name: value for name, value in params.items() if name != "temperature"}
        return self._client.chat.completions.create(**params)


class _LongWait(Exception):
    """An answer asking to wait longer than ``MAX_WAIT`` before trying again."""

    def __init__(self, status: int, seconds: float) -> None:
        super().__init__(f"HTTP {status}, retry after {seconds:g} s")
        self.status = status
        self.seconds = seconds


def _no_long_waits(request: Any, call_next: Any) -> Any:
    """Anthropic SDK middleware: an error answer asking for a wait longer than ``MAX_WAIT``
    ends the call (the SDK would sleep that long; an exception of our own is not retried)."""
    response = call_next(request)
    wait = retry_after(response.headers)
    if response.status_code >= 400 and wait is not None and wait > MAX_WAIT:
        response.http_response.close()
        raise _LongWait(response.status_code, wait)
    return response


def model_error(error: Exception, sdk: Any, connection: ModelConnection) -> ModelError | Exception:
    """``error`` from a provider's SDK as a ``ModelError`` (anything else unchanged): its
    status, the wait it asked for, and whether trying later may work."""
    where = _where(connection)
    if isinstance(error, _LongWait):
        return ModelError(
            f"{where} answered HTTP {error.status} and asked to wait {error.seconds:g} s",
            status=error.status,
            retry_after=error.seconds,
        )
    if isinstance(error, sdk.APIStatusError):
        status = int(error.status_code)
        reason = _reason(error.body, connection.api_key)
        return ModelError(
            f"{where} answered HTTP {status}" + (f": {reason}" if reason else ""),
            status=status,
            retry_after=retry_after(error.response.headers),
            retryable=status in (408, 409, 429) or status >= 500,
        )
    if isinstance(error, sdk.APITimeoutError):
        return ModelError(f"{where} did not answer within {connection.timeout:g} s")
    if isinstance(error, sdk.APIConnectionError):
        return ModelError(f"could not reach {where}")
    if isinstance(error, sdk.APIResponseValidationError | json.JSONDecodeError):
        return _malformed(connection)
    return error


def _malformed(connection: ModelConnection) -> ModelError:
    """A success whose body is not a reply (a proxy's page, a cut-off body): maybe passing."""
    return ModelError(f"{_where(connection)} answered with a body that is not a model reply")


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The seconds an answer asks to wait (``retry-after-ms``, or ``retry-after`` in
    seconds or as an HTTP date); None when it does not say."""
    if not headers:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            seconds = float(headers.get(name) or "") * scale
        except ValueError:
            continue
        if math.isfinite(seconds):
            return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(headers.get("retry-after") or "")
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _reason(body: object, api_key: str) -> str:
    """The API's own short explanation of an error (never the key, if it echoes one)."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        return ""
    if api_key:
        message = message.replace(api_key, "[redacted]")
    return " ".join(message.split())[:200]


def _where(connection: ModelConnection) -> str:
    return f"the {connection.purpose} model ({connection.provider}, {connection.model})"


def _import(name: str) -> Any:
    """The SDK ``name``, with its debug logging (which prints whole requests) kept off."""
    try:
        module = importlib.import_module(name)
    except ImportError as error:
        raise ConfigError(
            f"a model provider is configured but the {name} package is missing: {INSTALL}"
        ) from error
    for logger in (logging.getLogger(name), logging.getLogger("httpx2")):
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)
    return module
