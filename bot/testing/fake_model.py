"""A scripted model client for tests: answers from a list, records what it was sent."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.llm.connection import Message, ModelError, ModelReply

# One scripted answer: a text, an error to raise, or a function of the conversation.
Answer = str | ModelError | Callable[[list[Message]], str]


@dataclass
class SentCall:
    """One call the client received."""

    system: str
    messages: list[Message]
    max_tokens: int


@dataclass
class ScriptedModel:
    """A ``ModelClient`` whose answers are scripted; after the script runs out it repeats
    ``default`` (thread-safe: reproduction runs call it concurrently)."""

    model: str = "scripted-model"
    script: list[Answer] = field(default_factory=list)
    default: Answer = "OK"
    tokens_per_call: tuple[int, int] = (100, 20)
    calls: list[SentCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def then(self, answers: Iterable[Answer]) -> ScriptedModel:
        """Add ``answers`` to the script; returns self."""
        self.script.extend(answers)
        return self

    def complete(
        self,
        messages: list[Message],
        *,
        system: str = "",
        max_tokens: int = 1024,
        temperature: float | None = None,
    ) -> ModelReply:
        """The next scripted answer (raised when it is an error)."""
        with self._lock:
            self.calls.append(SentCall(system, list(messages), max_tokens))
            answer = self.script.pop(0) if self.script else self.default
        if isinstance(answer, ModelError):
            raise answer
        text = answer(messages) if callable(answer) else answer
        sent, got = self.tokens_per_call
        return ModelReply(text=text, model=self.model, input_tokens=sent, output_tokens=got)
