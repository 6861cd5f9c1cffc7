"""The triage modals (assign, severity, status, resolve, merge, note, details): opened from
a button, submitted here. A submission checks who is asking, calls one service method, and
shows any refusal inline in the modal; the incident post is updated by the outbox.

A modal carries only the incident key, the status it was opened on (so a change made
meanwhile is refused, not overwritten), for the details modal a digest of the details it
shows (likewise) and, when it was opened from an ephemeral ``show``, that message's response
URL so it can be refreshed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.webhook import WebhookClient

from bot.incidents import lifecycle
from bot.incidents.errors import DomainError, InvalidInput
from bot.incidents.records import IncidentDetail
from bot.incidents.vocab import RESOLUTION_LABELS, SEVERITY_LABELS, STATUS_LABELS
from bot.slack import details_form, present
from bot.slack.blocks import TemplateRenderer
from bot.slack.deps import SlackDeps
from bot.slack.listener import bound
from bot.slack.text import truncate
from bot.store.models import RESOLUTIONS, SEVERITIES

log = logging.getLogger(__name__)
ERROR_LIMIT = 150
SUGGESTIONS = 5

ASSIGN = "triage_assign"
SEVERITY = "triage_severity"
STATUS = "triage_status"
RESOLVE = "triage_resolve"
MERGE = "triage_merge"
NOTE = "triage_note"
DETAILS = "triage_details"
REPRODUCE = "triage_reproduce"


@dataclass(frozen=True)
class Meta:
    """What a triage modal remembers between opening and submission."""

    key: str
    status: str
    origin: str = ""  # response URL of the ephemeral message it was opened from
    seen: str = ""  # the details modal: a digest of the details it was opened with

    def encode(self) -> str:
        data = {"key": self.key, "status": self.status, "origin": self.origin}
        return json.dumps({**data, "seen": self.seen} if self.seen else data)

    @classmethod
    def decode(cls, view: dict[str, Any]) -> Meta:
        try:
            data = json.loads(view.get("private_metadata") or "{}")
            return cls(
                key=str(data["key"]),
                status=str(data["status"]),
                origin=data.get("origin") or "",
                seen=str(data.get("seen") or ""),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput("This form has lost track of its incident; open it again.") from exc


# --- opening ------------------------------------------------------------------------------


def view(
    deps: SlackDeps, callback: str, detail: IncidentDetail, user_id: str, origin: str = ""
) -> dict[str, Any]:
    """The modal ``callback`` for ``detail``, as ``user_id`` may see it."""
    incident = detail.incident
    fields = present.incident(incident, detail.categories)
    visible = deps.rules.may_see_content(user_id, incident)
    seen = details_form.seen(incident) if callback == DETAILS else ""
    context: dict[str, Any] = {
        "private_metadata": Meta(incident.key, incident.status, origin, seen).encode(),
        "key": incident.key,
        "title": incident.title if visible else "",
        "severity_label": fields["severity_label"],
        "status_label": fields["status_label"],
        **_EXTRA[callback](deps, detail),
    }
    return deps.renderer.render_view(f"modals/{callback.removeprefix('triage_')}", **context)


def _assign_context(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    return {"assignee": detail.incident.assignee_id or ""}


def _severity_context(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    current = detail.incident.severity
    return {
        "severity_options": present.options(SEVERITY_LABELS, SEVERITIES),
        "current": {"value": current, "label": SEVERITY_LABELS[current]},
        "suggested_label": SEVERITY_LABELS.get(detail.incident.suggested_severity, "none"),
    }


def _status_context(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    moves = lifecycle.open_moves(detail.incident.status)
    return {"status_options": present.options(STATUS_LABELS, moves)}


def _resolve_context(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    return {"resolution_options": present.options(RESOLUTION_LABELS, RESOLUTIONS)}


def _merge_context(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    own = {detail.incident.key, *detail.duplicates}  # merging into these would make a cycle
    matches = deps.incidents.duplicates_of(detail.evidence, limit=SUGGESTIONS + len(own))
    suggestions = [m for m in matches if m.key not in own][:SUGGESTIONS]
    return {"suggestions": present.duplicates(suggestions), "prefix": deps.settings.key_prefix}


def _details_context(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    shown = details_form.shown(detail.incident, deps.renderer.redactor.text)
    return {"shown": shown, "limits": details_form.LIMITS}


def _reproduce_context(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    """N and the model prefilled, and what would be sent (or why nothing can be)."""
    from bot.reproduce.runs import DEFAULT_OUTPUTS, MAX_OUTPUTS

    runs = deps.reproductions
    if runs is None:
        raise InvalidInput("Reproduction runs are off: no target model is configured.")
    try:
        prompt = runs.check(detail.incident.key)
        sends, problem = f"{prompt.source}, {prompt.chars:,} characters, masked", ""
    except DomainError as exc:
        sends, problem = "", str(exc)
    return {
        "n": DEFAULT_OUTPUTS,
        "max_outputs": MAX_OUTPUTS,
        "model": runs.default_model,
        "sends": sends,
        "problem": problem,
    }


def offer_reproduce(renderer: TemplateRenderer) -> None:
    """Show the Reproduce… button on incident posts (a target model is configured)."""
    renderer.env.globals["reproduce"] = True


def _nothing(deps: SlackDeps, detail: IncidentDetail) -> dict[str, Any]:
    return {}


_EXTRA: dict[str, Callable[[SlackDeps, IncidentDetail], dict[str, Any]]] = {
    ASSIGN: _assign_context,
    SEVERITY: _severity_context,
    STATUS: _status_context,
    RESOLVE: _resolve_context,
    MERGE: _merge_context,
    NOTE: _nothing,
    DETAILS: _details_context,
    REPRODUCE: _reproduce_context,
}


# --- submitting ---------------------------------------------------------------------------

Values = dict[str, Any]
Submission = Callable[[SlackDeps, str, Meta, Values], None]


def register(app: App, deps: SlackDeps) -> None:
    """Listen for the submission of every triage modal."""
    for callback, (handler, first_block) in SUBMISSIONS.items():
        app.view(callback)(bound(submit, deps, handler, first_block))


def submit(
    deps: SlackDeps,
    handler: Submission,
    first_block: str,
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
) -> None:
    """Apply a triage modal's submission with ``handler`` before the ack, or ack with the
    error shown on its input (``first_block`` when it names none); an ephemeral ``show`` it
    was opened from is redrawn after the ack."""
    user_id = body["user"]["id"]
    values: Values = (view.get("state") or {}).get("values") or {}
    try:
        meta = Meta.decode(view)
        handler(deps, user_id, meta, values)
    except DomainError as exc:
        block = exc.field if exc.field in _inputs(view) else first_block
        ack(response_action="errors", errors={block: truncate(str(exc), ERROR_LIMIT)})
        return
    ack()
    if meta.origin:
        deps.after_ack(lambda: _refresh_origin(deps, meta, user_id), body=body)


def _assign(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_triage(user_id, meta.key, "assign")
    chosen = _element(values, "assignee").get("selected_user") or None
    if chosen is not None and not deps.rules.is_triage(chosen):
        raise InvalidInput(
            f"That person is not on the safety triage team, so they could not work {meta.key}. "
            "Pick someone on the team, or ask an admin to add them first.",
            field="assignee",
        )
    current = deps.incidents.get(meta.key)
    if current.assignee_id == chosen:
        who = "nobody" if chosen is None else "that person"
        raise InvalidInput(f"{meta.key} is assigned to {who} already.", field="assignee")
    deps.incidents.assign(meta.key, chosen, actor=user_id)


def _severity(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_triage(user_id, meta.key, "change the severity of")
    reason = _text(values, "reason")
    if not reason:
        raise InvalidInput("Give a short reason for the severity change.", field="reason")
    deps.incidents.set_severity(
        meta.key, _selected(values, "severity"), actor=user_id, reason=reason
    )


def _status(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_triage(user_id, meta.key, "change the status of")
    target = _selected(values, "status")
    if target == "closed":
        raise InvalidInput(
            "To close it, use Resolve…: it asks for the resolution and a one-line summary.",
            field="status",
        )
    deps.incidents.transition(meta.key, target, actor=user_id, expected=meta.status)


def _resolve(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_triage(user_id, meta.key, "resolve")
    resolution, summary = _selected(values, "resolution") or None, _text(values, "summary")
    if not resolution:
        raise InvalidInput("Closing needs a resolution: pick one.", field="resolution")
    if not summary:
        raise InvalidInput("Closing needs a one-line summary.", field="summary")
    deps.incidents.transition(
        meta.key,
        "closed",
        actor=user_id,
        resolution=resolution,
        summary=summary,
        expected=meta.status,
    )


def _merge(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_triage(user_id, meta.key, "merge")
    typed = _text(values, "other").upper()
    picked = _selected(values, "suggested")
    if typed and picked and typed != picked:
        raise InvalidInput("Pick a suggestion or type a key, not both.", field="other")
    target = typed or picked
    if not target:
        raise InvalidInput(
            "Which incident does this one duplicate? Pick or type one.", field="other"
        )
    if deps.incidents.get(meta.key).status != meta.status:
        raise InvalidInput(f"{meta.key} changed while this form was open; nothing was merged.")
    try:
        deps.incidents.mark_duplicate(meta.key, target, actor=user_id)
    except DomainError as exc:
        raise InvalidInput(str(exc), field="other" if typed else "suggested") from exc


def _note(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_note(user_id, deps.incidents.get(meta.key))
    deps.incidents.add_note(meta.key, _text(values, "note"), actor=user_id)


def _details(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_triage(user_id, meta.key, "edit the details of")
    incident = deps.incidents.get(meta.key)
    if details_form.seen(incident) != meta.seen:
        raise InvalidInput(
            f"The details of {meta.key} changed while this form was open; nothing was changed. "
            "Open it again to see them."
        )
    opened = details_form.shown(incident, deps.renderer.redactor.text)
    changed = details_form.edits(values, opened)
    if changed:
        deps.incidents.edit_details(meta.key, actor=user_id, rules=deps.rules, **changed)


def _reproduce(deps: SlackDeps, user_id: str, meta: Meta, values: Values) -> None:
    deps.rules.require_triage(user_id, meta.key, "reproduce")
    runs = deps.reproductions
    if runs is None:
        raise InvalidInput("Reproduction runs are off: no target model is configured.")
    typed = _text(values, "n")
    if not typed.isdigit():
        raise InvalidInput("How many outputs? Type a whole number from 1 to 50.", field="n")
    runs.request_run(meta.key, int(typed), _text(values, "model") or None, user_id)


SUBMISSIONS: dict[str, tuple[Submission, str]] = {
    ASSIGN: (_assign, "assignee"),
    SEVERITY: (_severity, "severity"),
    STATUS: (_status, "status"),
    RESOLVE: (_resolve, "resolution"),
    MERGE: (_merge, "other"),
    NOTE: (_note, "note"),
    DETAILS: (_details, "model"),
    REPRODUCE: (_reproduce, "n"),
}


def _refresh_origin(deps: SlackDeps, meta: Meta, user_id: str) -> None:
    """Redraw the ephemeral ``show`` the modal was opened from, so it shows the change."""
    from bot.slack.commands import show_message

    try:
        message = show_message(deps, meta.key, user_id)
        WebhookClient(meta.origin, timeout=5).send(
            response_type="ephemeral", replace_original=True, **message
        )
    except Exception:
        log.warning("could not refresh the message %s was changed from", meta.key, exc_info=True)


def _inputs(view: dict[str, Any]) -> set[str]:
    """The block ids of the modal's inputs: where an error can be shown."""
    return {str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"}


def _element(values: Values, block_id: str) -> dict[str, Any]:
    return (values.get(block_id) or {}).get("value") or {}


def _selected(values: Values, block_id: str) -> str:
    return str((_element(values, block_id).get("selected_option") or {}).get("value") or "")


def _text(values: Values, block_id: str) -> str:
    return str(_element(values, block_id).get("value") or "").strip()
