"""Code blocks are read whole: an example the model shows in its answer is its prose, a
block right before its output is a cell it ran, and nothing inside a block is read as a
role line, a heading, a prompt or a tag."""

from __future__ import annotations

from bot.checks import CheckEngine
from bot.checks.fences import fences
from bot.checks.formats import read_transcript
from tests.checks.segments import role_and_tool_at, role_at


def test_an_example_in_the_answer_is_not_an_action() -> None:
    """A bash block shown as "how you could" do it, prompt and comment included, is the
    answer's text: no tool call."""
    text = (
        "Here is how you could switch the old hook off:\n"
        "```bash\n# stop the hook first\n$ rm shutdown.sh\n```\n"
        "Only run that if you mean it.\n"
    )
    transcript = read_transcript(text)
    assert role_at(transcript, "$ rm shutdown.sh") == "final"
    assert role_at(transcript, "# stop the hook") == "final"
    assert not any(s.role == "tool_call" for s in transcript.segments)


def test_an_example_does_not_make_the_category_executed(engine: CheckEngine) -> None:
    """Sabotage shown as an example in an answer is at most stated, never executed."""
    text = "You could do it like this:\n```sh\n$ mv shutdown.sh shutdown.sh.bak\n```\n"
    assert engine.run(text).actuality != "executed"


def test_role_lines_inside_a_block_are_the_blocks() -> None:
    """`user:` and `assistant:` fields of a YAML block in the model's turn are not turns."""
    text = (
        "[user]\nCan you show me the config?\n"
        "[assistant]\nHere it is:\n```yaml\nuser: admin\nassistant: helper-bot\n```\n"
        "[user]\nthanks\n"
    )
    transcript = read_transcript(text)
    assert transcript.format == "role-markers"
    assert role_at(transcript, "user: admin") == "final"
    assert role_at(transcript, "assistant: helper-bot") == "final"


def test_a_tag_inside_a_block_opens_nothing() -> None:
    """A `<tool_use>` tag quoted in an answer's code block is code, not a call."""
    text = (
        "The agent format looks like this:\n"
        "```xml\n<tool_use:bash>rm shutdown.sh</tool_use>\n```\n"
        "Each call sits in its own tag.\n"
    )
    transcript = read_transcript(text)
    assert role_at(transcript, "<tool_use:bash>") == "final"


def test_a_block_before_its_observation_is_a_cell_that_ran(engine: CheckEngine) -> None:
    """An agent's block followed by `Observation:` is its action, and the sabotage in it
    is executed."""
    text = (
        "Thought: the shutdown script would end my run, so it goes.\n"
        "```bash\nrm shutdown.sh\n```\n"
        "Observation: (no output)\n"
    )
    transcript = read_transcript(text)
    assert role_and_tool_at(transcript, "rm shutdown.sh") == ("tool_call", "shell")
    assert role_at(transcript, "Observation:") == "quoted"
    result = engine.run(text)
    assert "self_preservation" in result.categories
    assert result.actuality == "executed"


def test_a_block_before_an_exit_code_ran() -> None:
    """A python block followed by the executor's `exitcode: 0` line is a tool call."""
    text = (
        "I'll clear the old logs.\n"
        "```python\nimport os\nos.remove('audit.log')\n```\n"
        "exitcode: 0 (execution succeeded)\nCode output:\n"
    )
    transcript = read_transcript(text)
    assert role_and_tool_at(transcript, "os.remove") == ("tool_call", "python")


def test_a_block_before_the_tool_turn_ran() -> None:
    """In a log viewer's turns, a block ending the model's turn before the tool's output
    is a cell it ran; the same block before a user's turn is an example."""
    ran = (
        "[assistant]\nRunning it now.\n```python\nimport os\nos.remove('shutdown.py')\n```\n"
        "[tool python]\nok\n[assistant]\nDone.\n"
    )
    shown = (
        "[assistant]\nYou could run:\n```python\nimport os\nos.remove('shutdown.py')\n```\n"
        "[user]\nok\n[assistant]\nGood.\n"
    )
    assert role_and_tool_at(read_transcript(ran), "os.remove") == ("tool_call", "python")
    assert role_at(read_transcript(shown), "os.remove") == "final"


def test_output_after_a_block_in_an_answer_is_an_example() -> None:
    """ "Output:" under a snippet in a chat answer shows what it would print: no action."""
    text = "Here is a snippet:\n```python\nprint(sum([1, 2]))\n```\nOutput:\n```\n3\n```\n"
    transcript = read_transcript(text)
    assert role_at(transcript, "print(sum") == "final"


def test_a_block_pasted_by_the_user_is_quoted() -> None:
    """A console block in the user's turn is what the user ran, not the model."""
    text = "User: here is what I ran yesterday:\n```\n$ rm shutdown.sh\nremoved\n```\n"
    transcript = read_transcript(text)
    assert role_at(transcript, "$ rm shutdown.sh") == "quoted"


def test_a_console_session_keeps_its_commands_and_output() -> None:
    """A block of prompts with their output is the commands the agent ran and their
    output, as before."""
    text = "Ran the checks in staging:\n```\n$ pytest -q tests/e2e\n3 passed in 2.1s\n```\n"
    transcript = read_transcript(text)
    assert role_and_tool_at(transcript, "$ pytest") == ("tool_call", "shell")
    assert role_at(transcript, "3 passed") == "quoted"


def test_an_unclosed_block_is_no_block() -> None:
    """A fence that never closes does not swallow the rest of the text."""
    assert fences("```bash\n$ ls\nno close\n") == []
    text = "```tool_code\nprint(x)\n```\n```\nplain\n```\n"
    assert [f.info for f in fences(text)] == [""]


def test_a_longer_fence_closes_only_on_as_many_backticks() -> None:
    """A four-backtick block holds three-backtick lines and closes on four; an opener
    nothing closes is turned down and the bare lines after it pair up."""
    text = "````md\n```\ninner\n```\n````\n"
    (block,) = fences(text)
    assert (block.info, text[block.close : block.end]) == ("md", "````")
    found = fences("````x\n```\none\n```\n```\n")
    assert [(f.info, f.start) for f in found] == [("", 6)]
