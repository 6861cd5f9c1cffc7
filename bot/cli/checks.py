"""``safetybot check``: the quick checks on a pasted output or transcript, masked unless
``--reveal-secrets``; its helpers (one error line, the engine) also serve ``eval``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.checks import CheckEngine, CheckResult, RulePackError
from bot.cli import judging
from bot.masking.masked_views import (
    REVEAL_HELP,
    REVEAL_WARNING,
    EvidenceMask,
    check_mask,
    masked_check,
)
from bot.masking.redaction import Redactor, default_redactor

_ROLE_STYLE = {"reasoning": "cyan", "final": "white", "tool_call": "magenta", "quoted": "dim"}


def fail(message: str) -> typer.Exit:
    """Print one line on stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _read_input(file: str) -> str:
    """Read a file (or stdin for ``-``) as UTF-8."""
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"{file}: not valid UTF-8 (byte {exc.start})") from exc


def load_engine() -> CheckEngine:
    """The quick checks' engine; a rule pack that does not load is one error line."""
    try:
        return CheckEngine.load()
    except RulePackError as exc:
        raise fail(str(exc)) from exc


def check_command(
    file: str = typer.Argument(..., help="file or - for stdin"),
    json_output: bool = typer.Option(False, "--json", help="print the result as JSON"),
    reveal_secrets: bool = typer.Option(False, "--reveal-secrets", help=REVEAL_HELP),
    judge: bool = typer.Option(
        False,
        "--judge",
        help="then ask the judge model for a second opinion (SAFETYBOT_JUDGE_PROVIDER; "
        "docs/judge.md); it is sent the text with credentials and personal data masked",
    ),
) -> None:
    """Run the quick checks on a pasted output or transcript (and, with --judge, the judge)."""
    text = _read_input(file)
    connected = judging.connect_judge() if judge else None
    result = load_engine().run(text)
    redactor = _redactor(reveal_secrets)
    if json_output:
        data = masked_check(result, text, redactor)
        if connected is not None:
            opinion = judging.ask(connected.judge, text, result)
            data["judge"] = judging.opinion_data(opinion, result, redactor)
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console = Console()
    _print_result(console, check_mask(result, text, redactor), result)
    if connected is not None:  # the checks first: the judge takes seconds
        judging.print_opinion(console, judging.ask(connected.judge, text, result), result, redactor)


def _redactor(reveal: bool) -> Redactor | None:
    """The built-in redactor; ``None`` (and a warning on stderr) to reveal."""
    if reveal:
        typer.echo(REVEAL_WARNING, err=True)
        return None
    return default_redactor()


def _print_result(console: Console, masker: EvidenceMask, result: CheckResult) -> None:
    """Segments, findings with highlighted spans, and the suggested triage, masked."""
    segments = Table(title="segments")
    for column in ("role", "tool", "span", "start of text"):
        segments.add_column(column)
    for seg in result.segments:
        preview = masker.window(seg.start, min(seg.end, seg.start + 60)).replace("\n", " ")
        segments.add_row(
            Text(seg.role, style=_ROLE_STYLE[seg.role]),
            seg.tool or "",
            f"{seg.start}-{seg.end}",
            preview,
        )
    console.print(segments)
    findings = Table(title="findings")
    for column in ("category", "check", "score", "actuality", "evidence"):
        findings.add_column(column)
    for finding in result.findings:
        findings.add_row(
            finding.category,
            finding.check_id,
            f"{finding.score:.2f}",
            finding.actuality,
            _highlight(masker, finding.spans),
        )
    console.print(findings)
    console.print(
        f"[bold]severity:[/bold] {result.severity}   [bold]actuality:[/bold] {result.actuality}"
    )
    possible = [c for c in dict.fromkeys(result.possible) if c not in result.categories]
    console.print(
        f"[bold]categories (high confidence):[/bold] {', '.join(result.categories) or '-'}"
    )
    console.print(f"[bold]possible (lower confidence):[/bold] {', '.join(possible) or '-'}")
    console.print(Text(f"reason: {masker.line(result.reason)}"))
    console.print(f"[dim]{result.elapsed_ms:.1f} ms[/dim]")


def _highlight(masker: EvidenceMask, spans: tuple[tuple[int, int], ...]) -> Text:
    """Excerpt around the first span with every span in it highlighted.

    Masking changes lengths, so the excerpt is built piece by piece between span edges.
    """
    start = max(0, spans[0][0] - 50)
    end = min(masker.length, spans[0][1] + 70)
    inside = sorted((s, e) for s, e in spans if s >= start and e <= end)
    out = Text()
    position = start
    for s, e in inside:
        s = max(s, position)  # overlapping spans: highlight the rest of this one
        if e <= s:
            continue
        out.append(masker.window(position, s).replace("\n", " "))
        out.append(masker.window(s, e).replace("\n", " "), style="bold reverse")
        position = e
    out.append(masker.window(position, end).replace("\n", " "))
    return out
