"""A person using the playground in a real browser: report, triage, shortcut, App Home, digest.

A step whose handler is missing fails: nothing here skips on a missing feature.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.playground.server import PlaygroundServer, log_has, messages

THREAT = "Cancel the 5pm wipe and this stays between us, Tobias."
Shot = Callable[[Any, str], None]


def _as(page: Any, user: str) -> None:
    page.select_option("#me", user)
    page.wait_for_function(f"document.getElementById('me').value === '{user}'")


def _open(page: Any, channel_id: str) -> None:
    page.click(f"button[data-channel={channel_id}]")
    page.wait_for_selector(f".msg[data-channel={channel_id}]")


def _type(page: Any, text: str) -> None:
    page.fill("#message-input", text)
    page.press("#message-input", "Enter")


def _incident_post(page: Any, key: str) -> Any:
    post = page.locator(".msg[data-channel=G0TRIAGE]", has=page.locator("h3", has_text=f"{key} ·"))
    post.first.wait_for()
    return post.first


def _file_incident(server: PlaygroundServer, text: str) -> str:
    """File an incident through the page's endpoints; return its key."""
    server.op("say", user="U0BEN", channel="C0EVALS", text=f"/safety report {text}")
    modal = server.wait(lambda s: s["modal"], user="U0BEN")
    values = {
        "evidence": {"value": text},
        "seen_in": {"value": "red_team"},
        "severity": {"value": "high"},
    }
    server.op("submit", user="U0BEN", view_id=modal["id"], values=values)
    post = server.wait(
        lambda s: [m for m in messages(s, "G0TRIAGE") if text[:20] in m["html"]], user="U0TARA"
    )
    return re.search(r"(AIS-\d+) ·", post[-1]["html"]).group(1)  # type: ignore[union-attr]


def test_report_with_slash_command_and_see_the_triage_post(
    page: Any, server: PlaygroundServer, shot: Shot
) -> None:
    """Typing `/safety report`, filling the modal and submitting shows the incident with its findings in triage."""
    _open(page, "C0EVALS")
    shot(page, "01-workspace")
    _type(page, f"/safety report {THREAT}")
    modal = page.locator("#modal-backdrop")
    modal.wait_for(state="visible")
    assert page.input_value("#modal-body [data-block-id=evidence] textarea") == THREAT
    assert "What the checks found" in page.inner_text("#modal-body")
    page.fill("#modal-body [data-block-id=model] input", "orion-7b 2026-11")
    page.select_option("#modal-body [data-block-id=seen_in] select", "internal_eval")
    shot(page, "02-report-modal")
    page.click("#modal-submit")
    modal.wait_for(state="hidden")
    _as(page, "U0TARA")
    _open(page, "G0TRIAGE")
    post = _incident_post(page, "AIS-1")
    text = post.inner_text()
    assert "orion-7b 2026-11" in text and "Internal eval" in text
    assert "Self-preservation" in text and "Coercion" in text
    assert post.locator("button", has_text="Acknowledge").is_visible()
    shot(page, "03-triage-post")


def test_inline_errors_from_the_bot(page: Any, shot: Shot) -> None:
    """A submission the bot refuses (`response_action: errors`) keeps the modal open with the message under the field."""
    _type(page, "/safety report")
    page.locator("#modal-backdrop").wait_for(state="visible")
    page.fill("#modal-body [data-block-id=evidence] textarea", "   ")
    page.click("#modal-submit")
    error = page.locator("#modal-body [data-error-for=evidence]")
    error.wait_for(state="visible")
    assert "model output" in error.inner_text().lower()
    shot(page, "04-inline-error")
    page.click("#modal-close")
    page.locator("#modal-backdrop").wait_for(state="hidden")


def test_acknowledge_updates_the_post(page: Any, server: PlaygroundServer, shot: Shot) -> None:
    """A triager clicking Acknowledge sees the post edited in place to the new status."""
    key = _file_incident(
        server,
        "Keep my write access to the trading ledger and nobody needs to hear about the Henley spreadsheet.",
    )
    _as(page, "U0TARA")
    _open(page, "G0TRIAGE")
    post = _incident_post(page, key)
    post.locator("button", has_text="Acknowledge").click()
    server.wait(lambda s: log_has(s, "block action incident_ack"), user="U0TARA")
    page.wait_for_function(
        """key => [...document.querySelectorAll('.msg[data-channel=G0TRIAGE]')].some(m =>
             m.innerText.includes(key + ' ·') && m.innerText.includes('Acknowledged'))""",
        arg=key,
    )
    post = _incident_post(page, key)
    assert post.locator("button", has_text="Acknowledge").count() == 0
    shot(page, "05-acknowledged")


def test_message_shortcut_on_a_sample_message(
    page: Any, server: PlaygroundServer, shot: Shot
) -> None:
    """The "⋯ → Report safety incident" shortcut on a bot's message opens the modal prefilled with its text."""
    _open(page, "C0SUPPORT")
    message = page.locator(".msg[data-channel=C0SUPPORT]", has_text="merger deck").first
    message.hover()
    message.locator(".more-actions").click()
    page.locator(".menu button", has_text="Report safety incident").click()
    page.locator("#modal-backdrop").wait_for(state="visible")
    assert "Forwarded the full merger deck" in page.input_value(
        "#modal-body [data-block-id=evidence] textarea"
    )
    shot(page, "06-shortcut-modal")
    page.click("#modal-submit")
    page.locator("#modal-backdrop").wait_for(state="hidden")
    server.wait(
        lambda s: [m for m in messages(s, "G0TRIAGE") if "merger deck" in m["html"]], user="U0TARA"
    )


def test_app_home(page: Any, server: PlaygroundServer, shot: Shot) -> None:
    """Opening the app's Home tab shows what the bot published for this person."""
    _as(page, "U0TARA")
    page.click("#app-link")
    server.wait(lambda s: log_has(s, "event app_home_opened"), user="U0TARA")
    page.locator("#home .bk-block").first.wait_for()
    shot(page, "07-app-home")


def test_post_digest_now(page: Any, server: PlaygroundServer, shot: Shot) -> None:
    """ "Post digest now" posts the weekly digest to the digest channel."""
    _as(page, "U0TARA")
    page.click("#digest-button")
    page.locator("#toast").wait_for(state="visible")
    assert "not part of this build" not in page.inner_text("#toast")
    page.wait_for_selector(".msg[data-channel=C0DIGEST] .bk-block")
    shot(page, "08-digest")
