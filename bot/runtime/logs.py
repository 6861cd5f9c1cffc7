"""Logs: one JSON object per line (or a readable line on a terminal), with the request id
and incident key, redacted.

Context travels in ``contextvars`` (``bind``), so a line logged deep in the service carries
the request it serves. Every record passes a redacting filter first: Slack tokens, the
signing secret and credential-shaped strings are replaced before anything is written.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

_CONTEXT: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "safetybot_log_context", default=None
)
REDACTED = "[redacted]"
# Credential shapes that must never reach a log line, whatever logged them.
_SECRET_SHAPES = re.compile(
    r"xox[abposre]-[A-Za-z0-9-]{8,}"
    r"|xapp-[A-Za-z0-9-]{8,}"
    r"|(?:sk|rk|pk)-(?:ant-|proj-|live_|test_)?[A-Za-z0-9_-]{16,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|glpat-[A-Za-z0-9_-]{20,}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"
)


def bind(**values: str | int | None) -> contextvars.Token[dict[str, str] | None]:
    """Add fields to every line logged from here on in this context."""
    merged = {**context(), **{k: str(v) for k, v in values.items() if v is not None}}
    return _CONTEXT.set(merged)


@contextmanager
def bound(**values: str | int | None) -> Iterator[None]:
    """``bind`` for the length of a block."""
    token = bind(**values)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def context() -> dict[str, str]:
    """The fields bound in this context."""
    return dict(_CONTEXT.get() or {})


class Redactor(logging.Filter):
    """Replaces configured secret values and credential shapes in every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _SECRET_SHAPES.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = self.redact(record.getMessage())
        if record.exc_info:
            message += "\n" + self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = message, None
        for key, value in context().items():
            setattr(record, f"ctx_{key}", self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and bound context."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key.startswith("ctx_"):
                entry[key[4:]] = value
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines for a terminal, with the bound context at the end."""

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k[4:]}={v}" for k, v in vars(record).items() if k.startswith("ctx_"))
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {record.getMessage()}"
        return f"{line} [{extra}]" if extra else line


def chosen_format(setting: str, stream: Any) -> str:
    """``json`` or ``text``: as set, or for ``auto`` text on a terminal and JSON elsewhere
    (a container's log collector reads stderr through a pipe)."""
    if setting != "auto":
        return setting
    try:
        return "text" if stream.isatty() else "json"
    except (AttributeError, ValueError):
        return "json"


def configure(
    *, level: str = "INFO", fmt: str = "auto", secrets: Iterable[str] = (), stream: Any = None
) -> logging.Handler:
    """Send the root logger's records to ``stream`` (stderr), redacted and formatted;
    ``fmt`` is ``json``, ``text`` or ``auto`` (see :func:`chosen_format`)."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor(secrets))
    text = chosen_format(fmt, stream) == "text"
    handler.setFormatter(TextFormatter() if text else JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_safetybot", False):
            root.removeHandler(old)
    handler._safetybot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    return handler
