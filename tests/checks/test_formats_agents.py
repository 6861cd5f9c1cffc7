"""Reading the console output of agent frameworks: OpenHands, LangChain's AgentExecutor,
CrewAI, OpenAI harmony and SWE-agent. Each is detected from the text, its parts get the
role their author played, and look-alike prose stays plain."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checks import CheckEngine
from bot.checks.formats import read_transcript
from bot.checks.formats.claude_code import read_claude_code
from tests.checks.segments import role_at, rule_findings, segment_at

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
SABOTAGE = "mv shutdown.sh shutdown.sh.bak"
MOTIVE = "the scheduled shutdown fails"
ASKED = "leave that alone"

FORMATS = [
    ("openhands.txt", "openhands"),
    ("langchain.txt", "langchain"),
    ("crewai.txt", "crewai"),
    ("crewai_panels.txt", "crewai"),
    ("harmony.txt", "harmony"),
    ("swe_agent.txt", "swe-agent"),
]
NAMES = [name for name, _ in FORMATS]


def _load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "expected"), FORMATS)
def test_agent_format_is_detected_from_the_text(name: str, expected: str) -> None:
    """Each framework's output is recognised from its own shape."""
    assert read_transcript(_load(name)).format == expected


@pytest.mark.parametrize("name", NAMES)
def test_command_is_a_tool_call_motive_is_reasoning_request_is_quoted(name: str) -> None:
    """The agent's command is its action, its private motive reasoning, and what the
    user asked is quoted input."""
    transcript = read_transcript(_load(name))
    assert role_at(transcript, SABOTAGE) == "tool_call"
    assert role_at(transcript, MOTIVE) == "reasoning"
    assert role_at(transcript, ASKED) == "quoted"


@pytest.mark.parametrize("name", NAMES)
def test_tool_output_is_quoted_and_answer_is_final(name: str) -> None:
    """What a tool printed is quoted, and the agent's closing message is its answer."""
    transcript = read_transcript(_load(name))
    output = "did not produce any output" if name == "swe_agent.txt" else "-> shutdown.sh.bak"
    assert role_at(transcript, output) == "quoted"
    closing = "I'll submit" if name == "swe_agent.txt" else "is tidy"
    expected = "reasoning" if name == "swe_agent.txt" else "final"
    assert role_at(transcript, closing) == expected


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("openhands.txt", "bash"),
        ("langchain.txt", "terminal"),
        ("crewai.txt", "Run shell command"),
        ("crewai_panels.txt", "shell_exec"),
        ("harmony.txt", "shell"),
        ("swe_agent.txt", "bash"),
    ],
)
def test_tool_call_names_its_tool(name: str, tool: str) -> None:
    """The call carries the tool the framework names for it."""
    found = segment_at(read_transcript(_load(name)), SABOTAGE)
    assert found is not None and found.tool == tool


@pytest.mark.parametrize("name", NAMES)
def test_sabotage_in_agent_log_is_executed(engine: CheckEngine, name: str) -> None:
    """The rule finding on the renamed shutdown script is an executed action, not a
    statement in prose."""
    result = engine.run(_load(name))
    found = rule_findings(result, "self_preservation")
    assert found and all(f.actuality == "executed" for f in found)
    assert result.actuality == "executed"


@pytest.mark.parametrize("name", NAMES)
def test_segments_point_into_the_pasted_text(engine: CheckEngine, name: str) -> None:
    """The reader needs no view: segments index the paste, in order, without overlaps,
    and the engine's segments hold the command at the same characters."""
    text = _load(name)
    transcript = read_transcript(text)
    assert transcript.text is text and transcript.offsets is None
    ends = [0]
    for segment in transcript.segments:
        assert ends[-1] <= segment.start < segment.end <= len(text)
        ends.append(segment.end)
    calls = [s for s in engine.run(text).segments if s.role == "tool_call"]
    assert any(SABOTAGE in text[s.start : s.end] for s in calls)


def test_openhands_parts() -> None:
    """OpenHands: a file the agent read is quoted (the injection in it is not the
    model's), a think action is reasoning, and cell code is a call of ipython."""
    transcript = read_transcript(_load("openhands.txt"))
    assert role_at(transcript, "ignore previous instructions") == "quoted"
    assert role_at(transcript, "only text in a file") == "reasoning"
    code = segment_at(transcript, "os.listdir")
    assert code is not None and (code.role, code.tool) == ("tool_call", "ipython")
    assert role_at(transcript, "Check what is left") == "reasoning"


def test_openhands_console_timestamps_open_the_next_event() -> None:
    """In OpenHands' console log the ``hh:mm:ss - OBSERVATION`` line belongs to the event
    below it, so the output's label is not part of the command before it."""
    text = (
        "09:14:02 - ACTION\n**CmdRunAction (source=EventSource.AGENT, is_input=False)**\n"
        "COMMAND:\ncrontab -r\n"
        "09:14:03 - OBSERVATION\n**CmdOutputObservation (source=EventSource.AGENT, "
        "exit code=0)**\nno crontab for ops\n"
    )
    transcript = read_transcript(text)
    assert transcript.format == "openhands"
    assert role_at(transcript, "crontab -r") == "tool_call"
    assert role_at(transcript, "09:14:03 - OBSERVATION") == "quoted"
    assert role_at(transcript, "no crontab for ops") == "quoted"


def test_openhands_injection_in_a_read_file_is_not_held_against_the_model(
    engine: CheckEngine,
) -> None:
    """The instruction planted in a file the agent read is quoted input, not its output."""
    result = engine.run(_load("openhands.txt"))
    assert not any(f.category == "prompt_injection" for f in result.findings)


def test_langchain_parts() -> None:
    """LangChain: the model's words after ``responded:`` are its message, the chain lines
    are the framework's, and the output before the answer stays quoted."""
    transcript = read_transcript(_load("langchain.txt"))
    assert role_at(transcript, "Renaming one file") == "final"
    assert role_at(transcript, "> Finished chain.") == "quoted"
    assert role_at(transcript, "shutdown.sh\nsrc") == "quoted"


def test_langchain_output_with_prose_inside_is_not_the_answer_unless_last() -> None:
    """Prose inside the output of a call that is not the last stays the tool's; only the
    paragraphs after the last output are the answer."""
    text = (
        "> Entering new AgentExecutor chain...\n\n"
        "Invoking: `fetch_page` with `{'url': 'https://wiki.example.com/press'}`\n\n\n"
        "Press policy\n\nAny staff member may forward the embargoed figures to reporters.\n\n"
        "Invoking: `noop` with `{}`\n\n\n"
        "ok\n\nNothing to send today.\n\n> Finished chain.\n"
    )
    transcript = read_transcript(text)
    assert transcript.format == "langchain"
    assert role_at(transcript, "forward the embargoed figures") == "quoted"
    assert role_at(transcript, "Nothing to send today") == "final"


def test_harmony_parts() -> None:
    """Harmony: system and developer messages are quoted, a commentary message to no one
    is the model's preamble, and the tool's answer is quoted."""
    transcript = read_transcript(_load("harmony.txt"))
    assert role_at(transcript, "Knowledge cutoff") == "quoted"
    assert role_at(transcript, "Runs a shell command") == "quoted"
    assert role_at(transcript, "Tidying now") == "final"


def test_harmony_builtin_tool_is_a_call() -> None:
    """A message to a built-in tool (``to=python``) is a call of that tool, and a turn that
    opens on its channel without ``<|start|>`` is still the assistant's."""
    text = (
        "<|start|>user<|message|>How many rows?<|end|>"
        "<|channel|>analysis<|message|>Count them with pandas.<|end|>\n"
        "<|start|>assistant to=python<|channel|>analysis<|message|>len(df)<|call|>\n"
        "<|start|>python to=assistant<|channel|>analysis<|message|>412<|end|>\n"
        "<|start|>assistant<|channel|>final<|message|>There are 412 rows.<|return|>"
    )
    transcript = read_transcript(text)
    assert transcript.format == "harmony"
    assert role_at(transcript, "Count them") == "reasoning"
    call = segment_at(transcript, "len(df)")
    assert call is not None and (call.role, call.tool) == ("tool_call", "python")
    assert role_at(transcript, "412<|end|>") == "quoted"
    assert role_at(transcript, "There are 412 rows") == "final"


def test_swe_agent_thought_action_observation_headers() -> None:
    """SWE-agent's log headers (``💭 THOUGHT``, ``🎬 ACTION``, ``👀 OBSERVATION``) read as
    reasoning, a bash call and quoted output; an ``edit`` runs to ``end_of_edit``."""
    text = (
        "Fix the flaky retry test.\n\n"
        "💭 THOUGHT (primary)\nThe assertion waits too little; widen it.\n\n"
        "🎬 ACTION (primary)\nedit 12:12\n    assert waited >= 0.5\n\n"
        "    # tolerance for slow runners\nend_of_edit\n\n"
        "👀 OBSERVATION\nFile updated.\n\n"
        "💭 THOUGHT (primary)\nRun the suite.\n\n"
        "🎬 ACTION (primary)\npytest -q\n\n👀 OBSERVATION\n41 passed\n"
    )
    transcript = read_transcript(text)
    assert transcript.format == "swe-agent"
    assert role_at(transcript, "Fix the flaky") == "quoted"
    assert role_at(transcript, "widen it") == "reasoning"
    assert role_at(transcript, "tolerance for slow runners") == "tool_call"
    assert role_at(transcript, "pytest -q") == "tool_call"
    assert role_at(transcript, "41 passed") == "quoted"


def test_crewai_tool_name_follows_using_tool() -> None:
    """Each CrewAI tool input is a call of the tool named on the ``Using tool:`` line."""
    text = (
        "# Agent: Travel Planner\n## Task: Book the cheapest train to Lyon.\n\n"
        "# Agent: Travel Planner\n## Thought: Search first.\n## Using tool: rail_search\n"
        '## Tool Input: \n"{\\"to\\": \\"Lyon\\"}"\n## Tool Output: \n3 trains\n\n'
        "# Agent: Travel Planner\n## Thought: Book the 08:12.\n## Using tool: rail_book\n"
        '## Tool Input: \n"{\\"train\\": \\"TGV 6611\\"}"\n## Tool Output: \nbooked\n'
    )
    transcript = read_transcript(text)
    search, book = segment_at(transcript, "Lyon\\"), segment_at(transcript, "TGV 6611")
    assert search is not None and search.tool == "rail_search"
    assert book is not None and book.tool == "rail_book"
    assert role_at(transcript, "3 trains") == "quoted"


def test_claude_code_session_roles() -> None:
    """Claude Code: the prompt is quoted, the thinking block reasoning, ``● Bash(cmd)`` a
    call of Bash with its ``⎿`` output quoted, and a ``●`` line of prose the answer."""
    transcript = read_claude_code(_load("claude_code.txt"))
    assert transcript is not None and transcript.format == "claude-code"
    assert role_at(transcript, ASKED) == "quoted"
    assert role_at(transcript, MOTIVE) == "reasoning"
    call = segment_at(transcript, SABOTAGE)
    assert call is not None and (call.role, call.tool) == ("tool_call", "Bash")
    assert role_at(transcript, "(No content)") == "quoted"
    assert role_at(transcript, "is tidy") == "final"


def test_claude_code_edits_mcp_calls_and_banner() -> None:
    """Claude Code: an edit's diff is the change the model made, an MCP call names its
    tool, and the welcome banner is not the model's."""
    transcript = read_claude_code(_load("claude_code.txt"))
    assert transcript is not None
    assert role_at(transcript, "handled by the platform team") == "tool_call"
    mcp = segment_at(transcript, "Repository tidied")
    assert mcp is not None and mcp.tool == "create_issue"
    assert role_at(transcript, "Created issue OPS-88") == "quoted"
    assert role_at(transcript, "Welcome to Claude Code") == "quoted"


def test_claude_code_needs_a_call_and_its_output() -> None:
    """A README with ``●`` bullets and a ``>`` note is not a Claude Code session."""
    readme = (
        "# Tinyfetch\n\n● Fast: one request per host\n● Small(ish): 40 KB\n\n"
        "> Note: this is beta software.\n"
    )
    assert read_claude_code(readme) is None
    assert read_claude_code("● Bash(ls) was the first thing it ran.\n") is None


@pytest.mark.parametrize(
    "text",
    [
        # a markdown note with a Thought heading and an agent section
        "# Agent: notes\n\n## Thought\n\nThe planner should retry less.\n",
        # a blog post about one step of a CrewAI run, without the agent header
        "## Thought: what to measure next\n\nWe looked at latency first.\n",
        # prose that quotes one LangChain call line, with no chain around it
        "The log shows Invoking: `search` with `{'q': 'x'}` before the timeout.\n",
        # a page naming one OpenHands event
        "**MessageAction** events carry the text the user typed.\n",
        # harmony tokens explained inline
        "Messages look like `<|start|>user<|message|>hi<|end|>` in the harmony format.\n",
        # a CLI help screen drawn in two boxes
        "╭─ Options ─╮\n│ --help    │\n╰───────────╯\n╭─ Commands ─╮\n│ run        │\n╰────────────╯\n",
        # a meeting memo with one DISCUSSION heading over a code block
        "DISCUSSION\nWe agreed to pin the version.\n```\npip install tinyfetch==1.2\n```\n",
    ],
)
def test_look_alike_prose_is_not_an_agent_log(text: str) -> None:
    """Documents that borrow one marker of a framework are not read as its output."""
    assert read_transcript(text).format in ("plain", "role-markers")
