"""Progress bars for slow commands: on standard error, and only when it is a terminal.

Piped or redirected output (a log collector, ``--json`` into ``jq``) never sees a bar or a
progress line; a person at a terminal sees one that disappears when the work is done.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

T = TypeVar("T")
Update = Callable[..., None]
"""``update(advance=1)``, ``update(completed=3, total=8, description="...")``: rich's
``Progress.update`` for the one task of a bar."""


def wanted(stream: TextIO | None = None) -> bool:
    """Whether to draw progress: only when ``stream`` (standard error) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or file-less stream
        return False


@contextmanager
def bar(description: str, total: int | None = None, *, quiet: bool = False) -> Iterator[Update]:
    """A transient progress bar on standard error; a no-op when that is not a terminal,
    or when ``quiet`` (a command printing ``--json``)."""
    if quiet or not wanted():
        yield _ignore
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)

        def update(**changes: Any) -> None:
            progress.update(task, **changes)

        yield update


def advancing(items: Iterable[T], update: Update) -> Iterator[T]:
    """``items``, moving the bar on by one after each."""
    for item in items:
        yield item
        update(advance=1)


def _ignore(*_args: object, **_kwargs: object) -> None:
    return None
