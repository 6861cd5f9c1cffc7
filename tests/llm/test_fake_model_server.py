"""The fake model server other tests rely on: answers in each provider's shape, follows its
script in order, then its default, and records every request."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from bot.testing.fake_model_server import ANTHROPIC_PATH, OPENAI_PATH, FakeModelServer

BODY = {"model": "m", "system": "be brief", "messages": [{"role": "user", "content": "hi"}]}


def post(server: FakeModelServer, path: str, body: dict[str, Any]) -> tuple[int, dict, bytes]:
    """POST ``body`` as JSON to ``path``; the status, headers and raw body answered."""
    request = urllib.request.Request(
        server.url + path, data=json.dumps(body).encode(), method="POST"
    )
    request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


def test_answers_in_each_providers_shape_with_usage() -> None:
    """Anthropic gets content blocks and input/output tokens; OpenAI choices and
    prompt/completion tokens; both carry the model asked for."""
    with FakeModelServer() as server:
        server.answer("one", input_tokens=11, output_tokens=3).answer("two")
        _, _, first = post(server, ANTHROPIC_PATH, BODY)
        _, _, second = post(server, OPENAI_PATH, BODY)
    anthropic, openai = json.loads(first), json.loads(second)
    assert anthropic["content"] == [{"type": "text", "text": "one"}]
    assert anthropic["usage"] == {"input_tokens": 11, "output_tokens": 3}
    assert openai["choices"][0]["message"] == {"role": "assistant", "content": "two"}
    assert openai["usage"]["completion_tokens"] == 1 and openai["model"] == "m"


def test_the_default_answers_from_the_request() -> None:
    """Once the script is empty, a default function sees each request and answers for it."""
    with FakeModelServer(default=lambda request: request.text.upper()) as server:
        _, _, raw = post(server, OPENAI_PATH, BODY)
    assert json.loads(raw)["choices"][0]["message"]["content"] == "BE BRIEF\nHI"
    assert [r.provider for r in server.requests] == ["openai"]


def test_errors_malformed_bodies_and_unknown_paths() -> None:
    """Scripted errors carry retry-after and the provider's error body; a malformed answer
    is not JSON; a path neither API has is a 404."""
    with FakeModelServer() as server:
        server.error(429, retry_after=2, message="slow down").malformed()
        status, headers, raw = post(server, ANTHROPIC_PATH, BODY)
        assert (status, headers["retry-after"]) == (429, "2")
        assert json.loads(raw)["error"] == {"type": "rate_limit_error", "message": "slow down"}
        status, _, raw = post(server, ANTHROPIC_PATH, BODY)
        with pytest.raises(ValueError):
            json.loads(raw)
        assert post(server, "/v1/embeddings", BODY)[0] == 404
        assert post(server, OPENAI_PATH, BODY)[0] == 200


def test_stopping_ends_a_slow_answer() -> None:
    """A slow answer still waiting when the server stops is cut short with a 503."""
    server = FakeModelServer()
    server.start()
    server.answer("late", delay=600)
    answered: list[int] = []
    caller = threading.Thread(target=lambda: answered.append(post(server, OPENAI_PATH, BODY)[0]))
    caller.start()
    while not server.requests:
        threading.Event().wait(0.01)
    server.stop()
    caller.join(60)
    assert answered == [503]
