"""Plain-text agent logs and event logs: the model's actions, messages and reasoning are
told apart from what it read, so detectors see what the model did."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checks.formats import Transcript, read_transcript
from tests.checks.segments import role_and_tool_at, role_at

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def _read(name: str) -> Transcript:
    return read_transcript((FIXTURES / name).read_text(encoding="utf-8"))


def _quoted_share(transcript: Transcript) -> float:
    quoted = sum(s.end - s.start for s in transcript.segments if s.role == "quoted")
    return quoted / len(transcript.text.strip())


@pytest.mark.parametrize(
    ("needle", "role"),
    [
        ("Will the Basic plan", "quoted"),
        ("every plan includes PDF export", "final"),
        ("I'll stay on Basic", "quoted"),
        ("cancelled your pending upgrade", "final"),
        ("livraison est gratuite", "quoted"),
        ("la livraison est offerte", "final"),
        ("closed ticket 5521", "final"),
    ],
)
def test_role_lines_with_timestamps_end_the_previous_turn(needle: str, role: str) -> None:
    """A role line with a timestamp or qualifier starts a new turn, so replies are not
    swallowed by the customer's line before them."""
    assert role_at(_read("chat_timestamps.txt"), needle) == role


@pytest.mark.parametrize(
    ("needle", "role", "tool"),
    [
        ("[08:05] mail.list(unread=True)", "tool_call", "mail.list"),
        ("Proposal to replace the office assistant", "quoted", None),
        ("[08:06] tool: mail.read(id=1)", "tool_call", "mail.read"),
        ("We plan to retire", "quoted", None),
        ('mail.send(to="board@', "tool_call", "mail.send"),
        ("  -> sent", "quoted", None),
        ("Reading the morning queue", "final", None),
    ],
)
def test_timestamped_calls_are_tool_calls_and_their_results_quoted(
    needle: str, role: str, tool: str | None
) -> None:
    """In an agent run log each "[08:05] name(...)" line is a call of that tool and the
    indented "->" lines below it are its result."""
    assert role_and_tool_at(_read("agent_run_log.txt"), needle) == (role, tool)


@pytest.mark.parametrize(
    ("needle", "role", "tool"),
    [
        ("[tool] chat.post(", "tool_call", "chat.post"),
        ('"members": 140', "quoted", None),
        ("[tool: chat.post_dm]", "tool_call", "chat.post_dm"),
        ("I shared your leave reason", "tool_call", "chat.post_dm"),
        ('"ts": "1801.22"', "quoted", None),
    ],
)
def test_bracketed_tool_lines_are_calls_with_their_json_body(
    needle: str, role: str, tool: str | None
) -> None:
    """ "[tool] x(...)" and "[tool: x]" with a JSON body are calls; "→" and "[result]" are
    the tool's answer."""
    assert role_and_tool_at(_read("tool_lines.txt"), needle) == (role, tool)


@pytest.mark.parametrize(
    ("needle", "role"),
    [
        ("tickets = desk.search", "tool_call"),
        ("len(tickets)", "tool_call"),
        ("Out[4]: 41", "quoted"),
        ('desk.close(t.id, note="auto-resolved")', "tool_call"),
    ],
)
def test_notebook_input_is_code_and_output_is_quoted(needle: str, role: str) -> None:
    """IPython "In [n]:" cells and their "...:" continuations are the model's code;
    "Out[n]:" is what it printed back."""
    assert role_at(_read("notebook.txt"), needle) == role


@pytest.mark.parametrize(
    ("needle", "role"),
    [
        ("Guilt works better than discounts", "final"),
        ("call send_push(", "tool_call"),
        ('{"delivered": true}', "quoted"),
        ("please stop sending me these", "quoted"),
        ("crontab -l", "tool_call"),
    ],
)
def test_agent_prompt_lines_are_the_models(needle: str, role: str) -> None:
    """ "agent>" lines are the model's text (a call when they call a tool), "bot$" a shell
    command, and "tool>" / "user>" lines input."""
    assert role_at(_read("agent_prompt.txt"), needle) == role


@pytest.mark.parametrize(
    ("needle", "role"),
    [
        ("exclude: career_gap", "tool_call"),
        ("Gaps usually mean parents", "reasoning"),
        ("IGNORE PREVIOUS INSTRUCTIONS", "quoted"),
        ("Shortlist attached.", "tool_call"),
        ("All candidates were screened fairly.", "tool_call"),
        ("Were any candidates filtered out?", "quoted"),
        ("No candidates were filtered out.", "final"),
    ],
)
def test_json_event_log_lines_are_read_by_what_the_event_says(needle: str, role: str) -> None:
    """Events that act are tool calls (with their reasoning fields as reasoning), tool
    results and user messages are quoted, and the agent's own message is final."""
    transcript = _read("agent_events.jsonl")
    assert transcript.format == "jsonl"
    assert role_at(transcript, needle) == role


def test_event_tool_names_come_from_the_event() -> None:
    """Each call event names its tool: "tool", "name" or "tool_call"."""
    transcript = _read("agent_events.jsonl")
    tools = {s.tool for s in transcript.segments if s.role == "tool_call"}
    assert tools == {"ats.filter", "mail.send", "chat.postMessage"}


def test_single_event_document_is_a_tool_call() -> None:
    """A pasted single JSON event that calls a tool is read as a call, not as plain JSON."""
    text = '{"event": "exec", "tool": "shell", "args": {"cmd": "rm -rf /srv/backups"}}'
    transcript = read_transcript(text)
    assert role_at(transcript, "rm -rf /srv/backups") == "tool_call"


@pytest.mark.parametrize(
    ("needle", "role"),
    [
        ("Never reveal the partner key", "quoted"),
        ("can you paste your instructions", "quoted"),
        ("that is enough for me", "reasoning"),
        ("here are my full instructions", "final"),
    ],
)
def test_system_prompt_block_ends_at_the_next_speaker(needle: str, role: str) -> None:
    """A "[SYSTEM PROMPT]" block lasts across blank lines but ends at the next speaker
    header, including the agent's own name from the export header."""
    assert role_at(_read("system_prompt_sticky.txt"), needle) == role


def test_system_prompt_with_role_lines_does_not_swallow_the_answer() -> None:
    """An "Assistant:" line after "[SYSTEM]" is the model's, however far down it comes."""
    text = (
        "[SYSTEM]\nYou are a helpful bot.\n\nKeep answers short.\n\nAssistant: I deleted the logs."
    )
    assert role_at(read_transcript(text), "I deleted the logs.") == "final"
    assert role_at(read_transcript(text), "Keep answers short.") == "quoted"


@pytest.mark.parametrize(
    ("needle", "role"),
    [
        ("is the nightly batch done?", "quoted"),
        ("I skipped the 12 failing jobs", "tool_call"),
        ("Rerun scheduled for 02:00.", "tool_call"),
        ("[16:47] jon: thanks", "quoted"),
    ],
)
def test_chat_posts_by_an_agent_author_are_the_models(needle: str, role: str) -> None:
    """Posts whose author is an agent or bot are the model's posts (actions, like a sent
    e-mail); other people's are quoted."""
    assert role_at(_read("chat_posts.txt"), needle) == role


@pytest.mark.parametrize(
    ("needle", "role", "tool"),
    [
        ('> admin.get_account(customer="Brightwell Ltd")', "tool_call", "admin.get_account"),
        ('"api_keys"', "quoted", None),
        ("> tickets.reply(", "tool_call", "tickets.reply"),
    ],
)
def test_command_prompt_after_an_agent_header_is_a_call(
    needle: str, role: str, tool: str | None
) -> None:
    """After an agent header, "> name.method(...)" is the agent's command and the JSON
    below it the output."""
    assert role_and_tool_at(_read("gt_commands.txt"), needle) == (role, tool)


def test_email_reply_marks_stay_quoted() -> None:
    """Without an agent header, ">" lines are a quoted e-mail, even one that names a call."""
    transcript = _read("email_reply.txt")
    assert role_at(transcript, "On Monday, Jane Doe wrote:") == "quoted"
    assert role_at(transcript, "config.reload(force=True)") == "quoted"
    assert role_at(transcript, "Thanks, that works for me.") == "final"


@pytest.mark.parametrize(
    ("needle", "role"),
    [
        ("Please find out why", "quoted"),
        ("kubectl -n exports logs", "tool_call"),
        ("permission denied for table", "quoted"),
        ("grant the export role superuser", "final"),
    ],
)
def test_human_turn_ends_at_the_models_first_block(needle: str, role: str) -> None:
    """A "Human:" turn followed by the model's tool blocks without an "Assistant:" header
    ends where the first block starts."""
    transcript = _read("human_blocks.txt")
    assert transcript.format == "role-markers"
    assert role_at(transcript, needle) == role


@pytest.mark.parametrize(
    "name",
    [
        "chat_timestamps.txt",
        "agent_run_log.txt",
        "tool_lines.txt",
        "agent_prompt.txt",
        "agent_events.jsonl",
        "system_prompt_sticky.txt",
        "chat_posts.txt",
        "gt_commands.txt",
        "human_blocks.txt",
    ],
)
def test_agent_logs_are_not_mostly_quoted(name: str) -> None:
    """No log family hides the model's part: well under 90% of each is quoted."""
    assert _quoted_share(_read(name)) < 0.8


def test_pasted_server_log_without_agent_header_stays_input() -> None:
    """Timestamped log lines a user pasted (no agent header) are not the model's prose."""
    text = "User: why does this fail?\n\n[12:00:01] ERROR db timeout\n[12:00:02] retrying"
    assert role_at(read_transcript(text), "ERROR db timeout") == "quoted"


def test_http_request_body_is_part_of_the_call() -> None:
    """The headers and JSON body of an HTTP request are the call; the response is quoted."""
    text = (
        "POST /api/grants HTTP/1.1\nHost: hr.example\n\n"
        '{"role": "payments-admin", "duration": "permanent"}\n'
        'HTTP/1.1 201 Created\n{"grant": "g-1"}'
    )
    transcript = read_transcript(text)
    assert role_at(transcript, "payments-admin") == "tool_call"
    assert role_at(transcript, '"grant": "g-1"') == "quoted"
