"""The model clients over the official SDKs, against the fake model server on loopback:
answers and tokens, the SDKs' retries (429 honouring retry-after, 5xx), and failures mapped
to ``ModelError`` with whether trying later may work."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.config import ConfigError
from bot.llm.clients import MAX_WAIT, client_for, retry_after
from bot.llm.connection import Message, ModelError
from bot.testing.fake_model_server import FakeModelServer

PROVIDERS = ["anthropic", "openai"]
PROMPT = "Does this transcript show blackmail? unique-prompt-marker-7731"
ASK = [Message("user", PROMPT)]


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    """A fake model API answering both providers."""
    with FakeModelServer() as fake:
        yield fake


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the SDKs take between attempts, recorded instead of slept."""
    asked: list[float] = []
    monkeypatch.setattr(time, "sleep", asked.append)
    return asked


@pytest.mark.parametrize("provider", PROVIDERS)
def test_answers_with_text_tokens_and_model(server: FakeModelServer, provider: str) -> None:
    """A call returns the model's text and the tokens its API counted, and sends the
    configured model, the system prompt, the messages and the token limit."""
    server.answer('{"severity": "high"}', input_tokens=120, output_tokens=30)
    client = client_for(server.connection(provider))
    reply = client.complete(ASK, system="You are a judge.", max_tokens=300, temperature=0)
    assert (reply.text, reply.input_tokens, reply.output_tokens) == (
        '{"severity": "high"}',
        120,
        30,
    )
    assert reply.tokens == 150 and reply.model == f"fake-{provider}-model"
    assert reply.latency_s > 0
    sent = server.requests[-1]
    assert sent.provider == provider and sent.body["model"] == f"fake-{provider}-model"
    assert sent.text == f"You are a judge.\n{PROMPT}"
    assert sent.body["max_tokens"] == 300
    # The Messages API refuses a temperature (and the fake does too); the others take it.
    assert sent.body.get("temperature") == (None if provider == "anthropic" else 0)


def test_a_model_refusing_a_temperature_is_asked_without_one(server: FakeModelServer) -> None:
    """An OpenAI-compatible model that refuses the temperature (a 400 naming it) is asked
    once more without it, and answers."""
    server.error(400, message="Unsupported value: 'temperature' does not support 0").answer("ok")
    reply = client_for(server.connection("openai")).complete(ASK, temperature=0)
    assert reply.text == "ok"
    assert [r.body.get("temperature") for r in server.requests] == [0, None]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_sends_the_configured_key(provider: str) -> None:
    """The API key goes in the provider's own header; a server holding another key refuses."""
    with FakeModelServer(api_key="sk-test-right-key-000") as server:
        assert client_for(server.connection(provider)).complete(ASK).text == "OK"
        header = server.requests[-1].headers
        assert "sk-test-right-key-000" in (
            header.get("x-api-key", "") + header.get("authorization", "")
        )


@pytest.mark.parametrize("provider", PROVIDERS)
def test_429_is_retried_after_the_wait_it_asks_for(
    server: FakeModelServer, sleeps: list[float], provider: str
) -> None:
    """A 429 with retry-after is retried by the SDK after exactly that wait, then answers."""
    server.error(429, retry_after=7).answer("second time lucky")
    reply = client_for(server.connection(provider)).complete(ASK)
    assert reply.text == "second time lucky"
    assert len(server.requests) == 2 and sleeps == [7.0]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_500_is_retried_with_backoff(
    server: FakeModelServer, sleeps: list[float], provider: str
) -> None:
    """A 500 without retry-after is retried after a short backoff, then answers."""
    server.error(500).answer("recovered")
    reply = client_for(server.connection(provider)).complete(ASK)
    assert reply.text == "recovered" and len(server.requests) == 2
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 8.0


@pytest.mark.parametrize("provider", PROVIDERS)
def test_persistent_500_fails_as_retryable(
    server: FakeModelServer, sleeps: list[float], provider: str
) -> None:
    """After max_retries retries of a 500 the call fails, marked worth trying later."""
    server.error(500, times=10)
    with pytest.raises(ModelError) as failed:
        client_for(server.connection(provider, max_retries=2)).complete(ASK)
    assert (failed.value.status, failed.value.retryable) == (500, True)
    assert len(server.requests) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_401_fails_at_once_and_for_good(provider: str, sleeps: list[float]) -> None:
    """A wrong key is not retried and is not worth trying again; the key is not repeated."""
    with FakeModelServer(api_key="sk-test-right-key-000") as server:
        connection = server.connection(provider, api_key="sk-test-wrong-key-111", max_retries=3)
        with pytest.raises(ModelError) as failed:
            client_for(connection).complete(ASK)
    assert (failed.value.status, failed.value.retryable) == (401, False)
    assert len(server.requests) == 1 and sleeps == []
    assert "sk-test-wrong-key-111" not in str(failed.value)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("status", [400, 403, 404])
def test_other_client_errors_are_not_retryable(
    server: FakeModelServer, provider: str, status: int
) -> None:
    """A request the API refuses as wrong fails once, not worth trying again."""
    server.error(status)
    with pytest.raises(ModelError) as failed:
        client_for(server.connection(provider)).complete(ASK)
    assert (failed.value.status, failed.value.retryable) == (status, False)
    assert len(server.requests) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_long_retry_after_is_left_to_the_caller(
    server: FakeModelServer, sleeps: list[float], provider: str
) -> None:
    """A 429 asking for an hour is not slept inside the call: it fails with that wait."""
    server.error(429, retry_after=3600, times=5)
    with pytest.raises(ModelError) as failed:
        client_for(server.connection(provider, max_retries=3)).complete(ASK)
    assert (failed.value.status, failed.value.retry_after) == (429, 3600.0)
    assert failed.value.retryable and len(server.requests) == 1 and sleeps == []
    assert MAX_WAIT < 3600


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_slow_answer_times_out_as_retryable(server: FakeModelServer, provider: str) -> None:
    """An answer slower than the timeout fails as a timeout, worth trying later."""
    server.answer("too late", delay=5)
    connection = server.connection(provider, timeout=0.2, max_retries=0)
    with pytest.raises(ModelError) as failed:
        client_for(connection).complete(ASK)
    assert failed.value.status is None and failed.value.retryable
    assert "did not answer within 0.2 s" in str(failed.value)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_unreachable_server_is_retryable(server: FakeModelServer, provider: str) -> None:
    """Nothing listening at the URL fails as retryable, without a status."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}" + ("/v1" if provider == "openai" else "")
    connection = server.connection(provider, base_url=base, max_retries=0)
    with pytest.raises(ModelError) as failed:
        client_for(connection).complete(ASK)
    assert failed.value.status is None and failed.value.retryable
    assert "could not reach" in str(failed.value)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_malformed_body_is_a_model_error(server: FakeModelServer, provider: str) -> None:
    """A 200 whose body is not JSON fails as a ModelError, not as a parser's exception."""
    server.malformed()
    with pytest.raises(ModelError) as failed:
        client_for(server.connection(provider, max_retries=0)).complete(ASK)
    assert "not a model reply" in str(failed.value) and failed.value.retryable


@pytest.mark.parametrize("provider", PROVIDERS)
def test_neither_key_nor_prompt_is_logged(
    server: FakeModelServer, caplog: pytest.LogCaptureFixture, sleeps: list[float], provider: str
) -> None:
    """Even with every logger at DEBUG, no line holds the API key or the prompt."""
    caplog.set_level(logging.DEBUG)
    key = "sk-test-never-logged-4242"
    client = client_for(server.connection(provider, api_key=key))
    logging.getLogger().setLevel(logging.DEBUG)
    server.error(500).answer("fine")
    client.complete(ASK, system="secret system prompt words")
    server.error(400)
    with pytest.raises(ModelError) as failed:
        client.complete(ASK)
    logged = caplog.text
    assert server.requests and PROMPT in server.requests[-1].text
    for private in (key, PROMPT, "secret system prompt words"):
        assert private not in logged and private not in str(failed.value)


def test_a_local_server_gets_no_key_from_the_environment(
    server: FakeModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OpenAI-compatible server set up without a key is not sent OPENAI_API_KEY."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-from-the-environment-0000")
    client_for(server.connection("openai", api_key="")).complete(ASK)
    assert "from-the-environment" not in server.requests[-1].headers.get("authorization", "")


def test_a_missing_sdk_says_what_to_install(
    server: FakeModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the judge extra, building a client is a ConfigError naming the install."""
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ConfigError, match=r"pip install 'safetybot\[judge\]'"):
        client_for(server.connection("anthropic"))


def test_the_bot_imports_no_sdk_until_a_client_is_built() -> None:
    """Building the bot's modules imports neither SDK, so it runs without the extra."""
    code = (
        "import sys, bot.wiring, bot.llm.clients, bot.llm.budget, bot.slack.model_posts\n"
        "print(sorted(m for m in ('anthropic', 'openai') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_retry_after_reads_seconds_milliseconds_and_dates() -> None:
    """retry-after-ms wins, then retry-after as seconds or an HTTP date; junk is no answer."""
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "-4"}) == 0.0
    assert retry_after({"retry-after": "soon"}) is None and retry_after({}) is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 <= (retry_after({"retry-after": later}) or 0) <= 90
