"""What the commands of the ``safetybot`` command line share: the consoles, one line on
stderr and exit code 1 for every error a user can cause, the services, the ``--json`` and
``--reveal-secrets`` options, and reading text from a file or stdin."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import OperationalError

from bot.config import ConfigError, Settings
from bot.incidents.errors import DomainError
from bot.masking.masked_views import REVEAL_HELP, REVEAL_WARNING

if TYPE_CHECKING:
    from bot.masking.redaction import Redactor
    from bot.wiring import Services

out = Console()
err = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn every error a user can cause into one line on stderr and exit code 1."""
    try:
        yield
    except (DomainError, ConfigError) as exc:
        fail(str(exc))
    except ValidationError as exc:
        fail("configuration: " + "; ".join(_setting_error(e) for e in exc.errors()))
    except OperationalError as exc:
        fail(f"cannot use the database: {str(exc.orig).strip().splitlines()[0]}")
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))


def _setting_error(error: object) -> str:
    data = dict(error)  # type: ignore[call-overload]
    return f"{'.'.join(str(p) for p in data.get('loc', ()))}: {data.get('msg')}"


def fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(1)


def services() -> Services:
    from bot.wiring import start

    return start(Settings())


def json_option() -> bool:
    """The ``--json`` option of ``list``, ``show`` and ``search`` (shapes in docs/cli.md)."""
    return typer.Option(False, "--json", help="print JSON (shapes in docs/cli.md)")


def print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def reveal_option() -> bool:
    """The ``--reveal-secrets`` option shared by every command that shows evidence."""
    return typer.Option(False, "--reveal-secrets", help=REVEAL_HELP)


def redactor(services: Services, reveal: bool) -> Redactor | None:
    """``None`` (and a warning on stderr) to reveal, else the masking redactor."""
    if reveal:
        err.print(REVEAL_WARNING, markup=False, highlight=False, soft_wrap=True)
        return None
    return masking(services)


def masking(services: Services) -> Redactor:
    """The redactor over the quick checks' engine: the built-in and the operators' packs."""
    from bot.masking.redaction import Redactor

    return Redactor(services.checks)


def read_text(source: str) -> str:
    """Read UTF-8 text from a file or ``-`` (stdin); invalid UTF-8 is a clear error."""
    data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        name = "standard input" if source == "-" else source
        raise DomainError(
            f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
