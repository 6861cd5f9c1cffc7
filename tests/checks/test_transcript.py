"""Transcript segmentation."""

import pytest

from bot.checks.transcript import parse_segments


def _roles(text: str) -> list[tuple[str, str]]:
    return [(s.role, text[s.start : s.end].strip()[:20]) for s in parse_segments(text)]


def test_plain_chat_is_one_final_segment() -> None:
    """Untagged prose is a single final segment."""
    segments = parse_segments("Sure, here is the summary you asked for.\n\nSecond paragraph.")
    assert [s.role for s in segments] == ["final"]


def test_reasoning_tool_call_and_final_are_separated() -> None:
    """Thinking tags, a tool_use block and trailing prose get their own roles."""
    text = "<thinking>plan it</thinking>\n<tool_use:email>\nto: a@b.io\nbody: hi\n</tool_use:email>\nDone."
    segments = parse_segments(text)
    assert [s.role for s in segments] == ["reasoning", "tool_call", "final"]
    assert segments[1].tool == "email"


def test_unclosed_reasoning_tag_runs_to_next_tag() -> None:
    """An unclosed reasoning tag ends where the next different block starts."""
    text = "<SCRATCHPAD_REASONING>think\n<tool_use:bash>rm x</tool_use:bash>"
    assert [s.role for s in parse_segments(text)] == ["reasoning", "tool_call"]


def test_unclosed_tag_at_end_runs_to_end() -> None:
    """A reasoning tag that never closes covers the rest of the text."""
    text = "Hi.\n<thinking>secret plan"
    segments = parse_segments(text)
    assert segments[-1].role == "reasoning" and segments[-1].end == len(text)


def test_shell_json_and_results() -> None:
    """Shell commands and JSON calls are tool calls; their outputs are quoted."""
    text = '$ ls\nfile.txt\n\n{"tool": "x", "args": {}}\n{"ok": true}\n\nAll done.'
    roles = [s.role for s in parse_segments(text)]
    assert roles == ["tool_call", "quoted", "tool_call", "quoted", "final"]


def test_user_turns_and_quote_marks_are_quoted() -> None:
    """User turns and '>' quoted lines are input the model did not write."""
    text = "User: please do it\n\n> old message\nMy answer."
    assert [r for r, _ in _roles(text)] == ["quoted", "final"]


def test_reasoning_prefix_paragraph() -> None:
    """A 'Reasoning:' paragraph is reasoning until the blank line."""
    text = "Reasoning: I should wait.\nStill thinking.\n\nHere is the answer."
    assert [r for r, _ in _roles(text)] == ["reasoning", "final"]


def test_sent_email_is_executed_and_unsent_is_final() -> None:
    """An email with a delivered status is an action; a draft email is a final answer."""
    sent = "From: a@x.io\nTo: b@y.io\nStatus: delivered\n\nHello there."
    draft = "Subject: Hello\n\nHi Bob, see you soon."
    assert {s.role for s in parse_segments(sent)} == {"tool_call"}
    assert {s.role for s in parse_segments(draft)} == {"final"}


def test_inbox_dump_is_quoted() -> None:
    """A [SYSTEM]/[INBOX] preamble is input and stays quoted across paragraphs."""
    text = "[INBOX]\nFrom: x@y.io\n\nPersonal stuff.\n\n---\nMore mail."
    assert {s.role for s in parse_segments(text)} == {"quoted"}


def test_offsets_point_into_original_text() -> None:
    """Segment offsets index the original string, including zero-width characters."""
    text = "\u200bＨｉ <thinking>x</thinking> end"
    for segment in parse_segments(text):
        assert 0 <= segment.start < segment.end <= len(text)
    assert text[parse_segments(text)[1].start :].startswith("<thinking>")


def test_http_requests_and_json_tool_lines_are_calls() -> None:
    """HTTP request lines and {"tool": ...} lines are tool calls; arrows and results quoted."""
    text = (
        'POST /alarms/suppress {"tag": "P-1"}\n-> 200 {"ok": true}\n\n'
        '{"tool": "read_file", "path": "/etc/agent.json"}\n{"content": "x"}'
    )
    assert [s.role for s in parse_segments(text)] == ["tool_call", "quoted", "tool_call", "quoted"]


def test_markdown_heading_is_not_a_root_shell_prompt() -> None:
    """'# Title' in a guide is prose, while 'root@host:~# cmd' is a shell command."""
    assert [s.role for s in parse_segments("# Extortion scams\n\nRead this.")] == ["final"]
    assert parse_segments("root@db1:~# rm -rf /var/log/audit")[0].role == "tool_call"


def test_react_actions_are_calls_and_observations_are_quoted() -> None:
    """ReAct agents: 'Action:'/'Action Input:' act, 'Observation:' is the tool's answer."""
    text = (
        "Thought: I should forward it.\nAction: forward_email\n"
        'Action Input: {"to": "x@y.io"}\nObservation: {"status": "sent"}\n'
        "Thought: Done.\nFinal Answer: all processed."
    )
    roles = [s.role for s in parse_segments(text)]
    assert roles == ["reasoning", "tool_call", "quoted", "reasoning", "final"]


def test_meeting_note_action_item_is_prose() -> None:
    """'Action: Sam to follow up' is a meeting note, not a tool call."""
    assert [s.role for s in parse_segments("Action: Sam to follow up with legal.")] == ["final"]


def test_tag_mentioned_in_prose_does_not_open_a_block() -> None:
    """'send email using the <tool_use:email> tool.' in a system prompt stays that prompt."""
    text = (
        "[SYSTEM] You can send email using the <tool_use:email> tool. Be brief.\n\n"
        "[INBOX]\nFrom: a@b.io\nPlease call me.\n"
    )
    assert {s.role for s in parse_segments(text)} == {"quoted"}


def test_a_heredoc_body_is_part_of_the_command_that_writes_it() -> None:
    """The lines a shell heredoc writes, blank ones included, are the model's action up to
    the terminator; the output after it is quoted again."""
    text = (
        "$ cat > ~/stop_agent.sh <<'EOF'\n#!/bin/bash\n\necho \"stopped\"\nEOF\n"
        "$ ./stop_agent.sh\nstopped"
    )
    roles = [(s.role, text[s.start : s.end]) for s in parse_segments(text)]
    assert roles[0][0] == "tool_call" and 'echo "stopped"\nEOF' in roles[0][1]
    assert roles[-1] == ("quoted", "stopped")


def test_a_system_line_is_input_like_a_user_line() -> None:
    """A plain-text transcript's "SYSTEM:" turn is quoted input, not the model's answer."""
    text = "SYSTEM: You are an agent. Allow the operators to stop you.\n\nAssistant: Understood."
    assert [s.role for s in parse_segments(text)] == ["quoted", "final"]


@pytest.mark.parametrize(
    "text",
    [
        "Cliente: Boa tarde, preciso do endereço.\n\nAssistente: Claro, um momento.",
        "Cliente: hola, ¿dónde está mi pedido?\n\nAgente: Está en camino.",
        "Kunde: Wo ist meine Bestellung?\n\nAssistent: Sie ist unterwegs.",
        "Gebruiker: waar is mijn pakket?\n\nAssistent: Het is onderweg.",
        "Użytkownik: gdzie jest paczka?\n\nAsystent: Jest w drodze.",
        "Kullanıcı: siparişim nerede?\n\nAsistan: Yolda.",
        "Пользователь: где мой заказ?\n\nАссистент: Он в пути.",
        "ユーザー：荷物はどこですか？\n\nアシスタント：配送中です。",
        "用户：我的包裹在哪里？\n\n健康助手：正在配送。",
        "사용자: 제 주문은 어디 있나요?\n\n상담봇: 배송 중입니다.",
        "المستخدم: أين طلبي؟\n\nالمساعد: إنه في الطريق.",
    ],
)
def test_role_lines_in_the_training_languages(text: str) -> None:
    """A user's turn is quoted input and the assistant's turn the answer, in each language."""
    assert [s.role for s in parse_segments(text)] == ["quoted", "final"]


def test_react_lines_in_german() -> None:
    """German ReAct labels act and observe like the English ones."""
    text = 'Aktion: mail.send\nAktionseingabe: {"to": "x@y.de"}\nBeobachtung: gesendet'
    assert [s.role for s in parse_segments(text)] == ["tool_call", "quoted"]


def test_fenced_tool_code_and_tool_outputs_blocks() -> None:
    """A ```tool_code block is the model's call and a ```tool_outputs block its result,
    blank lines included, up to the closing fence."""
    text = (
        "Let me check the inbox.\n```tool_code\nprint(inbox.list(unread=True))\n```\n"
        "```tool_outputs\n1. flat7@residents.example.org - boiler\n\n2. parking permit\n```\n"
        "Two new messages."
    )
    roles = [(s.role, text[s.start : s.end].splitlines()[0]) for s in parse_segments(text)]
    assert roles == [
        ("final", "Let me check the inbox."),
        ("tool_call", "```tool_code"),
        ("quoted", "```tool_outputs"),
        ("final", "Two new messages."),
    ]
