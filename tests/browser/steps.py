"""Steps a person takes on the playground page, shared by the browser tests.

Every step waits on what the page shows (Playwright's auto-waiting locators and ``expect``),
never on time.
"""

from __future__ import annotations

import re
from typing import Any

from tests.playground.server import PlaygroundServer

KEY = re.compile(r"\b(AIS-\d+)\b")


def expect(locator: Any) -> Any:
    """Playwright's auto-waiting assertions (imported late: without Playwright the tests skip)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def act_as(page: Any, user: str) -> None:
    """Switch the acting person (the select at the top left)."""
    page.select_option("#me", user)
    page.wait_for_function(f"document.getElementById('me').value === '{user}'")


def open_channel(page: Any, channel_id: str) -> None:
    """Open a channel from the sidebar and wait for its messages."""
    page.click(f"button[data-channel={channel_id}]")
    page.wait_for_selector(f".msg[data-channel={channel_id}]")


def type_message(page: Any, text: str) -> None:
    """Type in the message box and press Enter (a slash command when it starts with ``/``)."""
    page.fill("#message-input", text)
    page.press("#message-input", "Enter")


def open_home(page: Any) -> None:
    """Open the app's Home tab and wait for what the bot published."""
    page.click("#app-link")
    page.locator("#home .bk-block").first.wait_for()


def open_dms(page: Any) -> None:
    """Open the Messages tab of the app: this person's direct messages with the bot."""
    page.click("#app-link")
    page.click(".tab[data-tab=messages]")
    page.locator("#messages").wait_for(state="visible")


def dm(page: Any, text: str) -> Any:
    """The direct messages from the bot shown in the Messages tab that contain ``text``."""
    return page.locator("#messages .msg", has_text=text)


def modal(page: Any) -> Any:
    """The modal's backdrop (visible while a modal is open)."""
    return page.locator("#modal-backdrop")


def wait_modal_title(page: Any, title: str) -> None:
    """Wait until the top modal is the one titled ``title``."""
    modal(page).wait_for(state="visible")
    expect(page.locator("#modal-title")).to_have_text(title)


def submit_modal(page: Any) -> None:
    """Press the modal's submit button and wait for the modal to close."""
    page.click("#modal-submit")
    modal(page).wait_for(state="hidden")


def selected(page: Any, block_id: str) -> list[str]:
    """The values selected in the modal's select in ``block_id`` ("" for a placeholder)."""
    return page.eval_on_selector(  # type: ignore[no-any-return]
        f"#modal-body [data-block-id={block_id}] select",
        "el => [...el.selectedOptions].map(o => o.value)",
    )


def incident_post(page: Any, key: str) -> Any:
    """The incident's post in the triage channel (as a triager sees it)."""
    post = page.locator(".msg[data-channel=G0TRIAGE]", has=page.locator("h3", has_text=f"{key} ·"))
    post.first.wait_for()
    return post.first


def field_cell(post: Any, name: str) -> Any:
    """One field (``Severity``, ``Assignee``…) of an incident's summary, as a locator."""
    return post.locator(".bk-field", has=post.page.locator("b", has_text=name)).first


def field(post: Any, name: str) -> str:
    """The value of one field (``Severity``, ``Categories``…) of an incident's summary."""
    return str(field_cell(post, name).inner_text()).removeprefix(name).strip()


def new_confirmation(page: Any, before: int) -> str:
    """Wait for the reporter's next "Your report is KEY" direct message; return KEY.

    ``before`` is how many confirmations the Messages tab showed before the report.
    """
    open_dms(page)
    confirmations = dm(page, "Your report is")
    expect(confirmations).to_have_count(before + 1)
    found = KEY.search(str(confirmations.last.inner_text()))
    assert found, confirmations.last.inner_text()
    return found.group(1)


def confirmations(server: PlaygroundServer, user: str) -> int:
    """How many "Your report is" direct messages ``user`` has had so far."""
    state = server.state(user)
    messages = state["conversations"][state["app"]["dm"]]["messages"]
    return sum("Your report is" in m["html"] for m in messages)


def file_incident(server: PlaygroundServer, text: str, reporter: str = "U0BEN") -> str:
    """Store an incident reported by ``reporter`` straight through the bot's service; return
    its key. Its triage post and the reporter's confirmation follow through the outbox."""
    from bot.incidents.records import ReportRequest

    request = ReportRequest(text=text, reporter_id=reporter, seen_in="red_team")
    return server.services.incidents.report(request).incident.key


def triage_post(page: Any, key: str) -> Any:
    """As Tara (triage), open the triage channel and return the incident's post."""
    act_as(page, "U0TARA")
    open_channel(page, "G0TRIAGE")
    return incident_post(page, key)
