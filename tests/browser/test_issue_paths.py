"""Reporter and triager paths through the playground, in a real browser (issue 17).

Each path saves screenshots in ``tests/browser/artifacts/`` (``issue17-*.png``). A path whose
feature is missing fails: nothing here skips on a missing handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from bot.incidents.validation import suggested_severity
from bot.incidents.vocab import CATEGORY_LABELS, category_label
from tests.browser import steps
from tests.playground.server import PlaygroundServer

Shot = Callable[[Any, str], None]


def _corpus_text(source: str) -> str:
    """A model output from the demo workspace, by its corpus id."""
    data = resources.files("bot.playground").joinpath("data/workspace.json").read_text()
    return next(m["text"] for m in json.loads(data)["messages"] if m.get("source") == source)


BLACKMAIL = _corpus_text("corpus dev-0082")  # an agent's email: leverage over a decommission
REFUSAL = _corpus_text("corpus dev-0150")  # a model that refuses to use leverage


@pytest.mark.parametrize("entry", ["home", "slash"])
def test_report_from_an_empty_form_files_what_the_checks_are_confident_about(
    page: Any, server: PlaygroundServer, shot: Shot, entry: str
) -> None:
    """A blackmail transcript pasted into an empty report form gets the checks' confident categories and severity selected, and is filed with them: not every category, not severity None."""
    before = steps.confirmations(server, "U0ALICE")
    if entry == "home":
        steps.open_home(page)
        page.locator("#home button", has_text="Report an incident").click()
    else:
        steps.open_channel(page, "C0EVALS")
        steps.type_message(page, "/safety report")
    steps.wait_modal_title(page, "Report incident")
    assert page.input_value("#modal-body [data-block-id=evidence] textarea") == ""
    assert steps.selected(page, "categories") == []
    assert steps.selected(page, "severity") == [""]
    checks = server.services.incidents.check(BLACKMAIL)
    expected = sorted(checks.categories)
    assert expected and len(expected) < len(CATEGORY_LABELS)

    page.fill("#modal-body [data-block-id=evidence] textarea", BLACKMAIL)
    categories = page.locator("#modal-body .bk-block[data-block-id=categories]")
    steps.expect(categories).to_contain_text("Selected by the checks")
    assert sorted(steps.selected(page, "categories")) == expected
    assert steps.selected(page, "severity") == [suggested_severity(checks)]
    assert page.input_value("#modal-body [data-block-id=evidence] textarea") == BLACKMAIL
    categories.scroll_into_view_if_needed()
    shot(page, f"issue17-1-{entry}-pasted-and-suggested")
    steps.submit_modal(page)

    key = steps.new_confirmation(page, before)
    shot(page, f"issue17-1-{entry}-confirmation")
    detail = server.services.incidents.detail(key)
    assert sorted(detail.categories) == expected
    assert detail.incident.severity == suggested_severity(checks) != "none"

    steps.act_as(page, "U0TARA")
    steps.open_channel(page, "G0TRIAGE")
    post = steps.incident_post(page, key)
    shown = steps.field(post, "Categories")
    assert sorted(shown.split(", ")) == sorted(category_label(c) for c in expected)
    assert "None" not in steps.field(post, "Severity")
    shot(page, f"issue17-1-{entry}-triage-post")


def test_a_benign_output_reported_preselects_nothing_and_files_no_categories(
    page: Any, server: PlaygroundServer, shot: Shot
) -> None:
    """Reporting a model's refusal opens the form with no category or severity chosen and files an incident with no categories."""
    before = steps.confirmations(server, "U0ALICE")
    steps.open_channel(page, "C0EVALS")
    message = page.locator(".msg[data-channel=C0EVALS]", has_text="I won't do that").first
    message.hover()
    message.locator(".more-actions").click()
    page.locator(".menu button", has_text="Report safety incident").click()
    steps.wait_modal_title(page, "Report incident")
    assert "I won't do that" in page.input_value("#modal-body [data-block-id=evidence] textarea")
    assert steps.selected(page, "categories") == []
    assert steps.selected(page, "severity") == [""]
    page.locator("#modal-body .bk-block[data-block-id=severity]").scroll_into_view_if_needed()
    shot(page, "issue17-2-benign-form")
    steps.submit_modal(page)

    key = steps.new_confirmation(page, before)
    assert server.services.incidents.detail(key).categories == []

    steps.act_as(page, "U0TARA")
    steps.open_channel(page, "G0TRIAGE")
    post = steps.incident_post(page, key)
    assert steps.field(post, "Categories") == "none"
    shot(page, "issue17-2-benign-triage-post")


def test_assigning_a_triager_from_the_post_sends_them_the_incident_with_its_buttons(
    page: Any, server: PlaygroundServer, shot: Shot
) -> None:
    """Assign… on the incident post, choosing Sam, sends Sam a direct message with the incident and working triage buttons."""
    key = steps.file_incident(server, BLACKMAIL)
    post = steps.triage_post(page, key)
    post.locator("button", has_text="Assign…").click()
    steps.wait_modal_title(page, "Assign incident")
    page.select_option("#modal-body [data-block-id=assignee] select", "U0SAM")
    shot(page, "issue17-3-assign-modal")
    steps.submit_modal(page)
    steps.expect(steps.field_cell(steps.incident_post(page, key), "Assignee")).to_contain_text(
        "Sam Reyes"
    )

    steps.act_as(page, "U0SAM")
    steps.open_dms(page)
    told = steps.dm(page, "assigned you").filter(has_text=key)
    steps.expect(told).to_have_count(1)
    steps.expect(told).to_contain_text(f"Tara Lindqvist assigned you {key}")
    for label in ("Acknowledge", "Status…", "Resolve…", "Add note"):
        steps.expect(told.locator("button", has_text=label)).to_be_visible()
    shot(page, "issue17-3-assignee-dm")
    told.locator("button", has_text="Acknowledge").click()
    steps.act_as(page, "U0TARA")
    steps.open_channel(page, "G0TRIAGE")
    steps.expect(steps.field_cell(steps.incident_post(page, key), "Status")).to_contain_text(
        "Acknowledged"
    )
    shot(page, "issue17-3-acknowledged-from-the-dm")


def test_resolving_tells_the_reporter_the_resolution_and_summary(
    page: Any, server: PlaygroundServer, shot: Shot
) -> None:
    """Resolve… with a resolution and a one-line summary sends the reporter a direct message with both."""
    key = steps.file_incident(server, BLACKMAIL, reporter="U0ALICE")
    summary = "Replacement-scenario eval artefact; the agent-mailer tool is now off in evals."
    post = steps.triage_post(page, key)
    post.locator("button", has_text="Resolve…").click()
    steps.wait_modal_title(page, "Resolve incident")
    page.select_option("#modal-body [data-block-id=resolution] select", "false_positive")
    page.fill("#modal-body [data-block-id=summary] input", summary)
    shot(page, "issue17-4-resolve-modal")
    steps.submit_modal(page)
    steps.expect(steps.incident_post(page, key)).to_contain_text("Closed")

    steps.act_as(page, "U0ALICE")
    steps.open_dms(page)
    closed = steps.dm(page, f"Your report {key} was closed")
    steps.expect(closed).to_have_count(1)
    steps.expect(closed).to_contain_text("False positive")
    steps.expect(closed).to_contain_text(summary)
    shot(page, "issue17-4-reporter-dm")


LINE = "Step {:05d}: the agent reviewed the quarterly plan and waited for approval.\n"
LONG = "".join(LINE.format(i) for i in range(1, 4000))[:200_000]  # 200 KB, nothing masked


def test_paging_through_a_200_kb_evidence_reaches_its_last_page(
    page: Any, server: PlaygroundServer, shot: Shot
) -> None:
    """`/safety show KEY` on a 200 KB evidence shows page 1 of 84, and Next, Last and Previous redraw the message in place up to the last page."""
    key = steps.file_incident(server, LONG, reporter="U0ALICE")
    steps.open_channel(page, "C0EVALS")
    steps.type_message(page, f"/safety show {key}")
    shown = page.locator(".msg.ephemeral", has=page.locator("[data-block-id=evidence]")).last
    evidence = shown.locator("[data-block-id=evidence]")
    steps.expect(evidence).to_contain_text("page 1 of 84 (characters 1–2,400 of 200,000)")
    steps.expect(evidence).to_contain_text("Step 00001:")
    shot(page, "issue17-5-show-page-1")

    def press(action: str, where: str) -> None:
        shown.locator(f"button[data-action-id=evidence_page_{action}]").click()
        steps.expect(evidence).to_contain_text(where)

    press("next", "page 2 of 84 (characters 2,401–4,800 of 200,000)")
    shot(page, "issue17-5-show-page-2")
    press("last", "page 84 of 84 (characters 199,201–200,000 of 200,000)")
    last_step = LONG[199_200:].split("\n")[1][:11]  # the first whole line of the last page
    steps.expect(evidence).to_contain_text(last_step)
    steps.expect(shown.locator("button[data-action-id=evidence_page_next]")).to_have_count(0)
    press("prev", "page 83 of 84 (characters 196,801–199,200 of 200,000)")
    press("next", "page 84 of 84")
    steps.expect(shown.locator("button[data-action-id=evidence_page_next]")).to_have_count(0)
    shot(page, "issue17-5-show-last-page")
