"""The whole evidence as a file in the thread of the incident's triage post.

Evidence longer than one page of ``/safety show`` gets a file once the post exists
(``bot.incidents.notices.evidence_file`` enqueues it after the post, in the same ordering
key). The file is the evidence masked exactly as the post and ``show`` mask it, and it goes
to the post's own thread only: a restricted incident's file stays in the triage channel,
like everything else about it. Slack's external upload flow shares it (``files_upload_v2``:
``files.getUploadURLExternal``, the bytes POSTed to the upload URL it returns, then
``files.completeUploadExternal`` with the channel and the thread).

Once only. The file is recorded on the incident (an ``IncidentFile`` of kind ``evidence``)
and a notice whose incident has one sends nothing. Between sharing and recording an attempt
can fail (the answer to ``files.completeUploadExternal`` lost after Slack shared the file, a
worker that died): so a retry first looks in the post's thread for a file with the
incident's own file name, and records the one it finds instead of uploading again. An
upload that failed before it was completed was never shared (Slack discards it), so the
retry uploads afresh.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bot.incidents import notices
from bot.incidents.records import AttachedFile, IncidentDetail
from bot.masking.redaction import mask
from bot.slack import present
from bot.slack.delivery import Delivery
from bot.store.models import Incident

# A retry follows its attempt within minutes and the file is among the thread's first
# replies: one page of the thread is enough.
THREAD_LIMIT = 200


def file_name(key: str) -> str:
    """The name of an incident's evidence file: ``AIS-42-evidence.txt``."""
    return f"{key}-evidence.txt"


def masked_evidence(detail: IncidentDetail, delivery: Delivery) -> str:
    """The whole evidence, credentials and personal data masked as in every post."""
    text = detail.evidence.text
    return mask(text, present.evidence_spans(text, detail.findings, delivery.renderer.redactor))


class EvidenceFiles:
    """Sender of ``evidence_file`` notices."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery

    def register(self) -> None:
        """Teach delivery the kind."""
        self.delivery.register(notices.EVIDENCE_FILE, self.send)

    def send(self, detail: IncidentDetail | None, data: dict[str, Any]) -> None:
        """Share the evidence file in the post's thread, unless it is there already."""
        if detail is None:
            raise LookupError("this notice needs an incident")
        incident = detail.incident
        if detail.evidence_file is not None:
            return  # recorded by an earlier attempt
        if not (incident.post_channel and incident.post_ts):
            return  # never posted (no triage channel, or the post failed for good)
        content = masked_evidence(detail, self.delivery).encode("utf-8")
        shared = self._shared_before(incident) if self._retrying() else None
        if shared is None:
            shared = self._upload(incident, content, characters=len(detail.evidence.text))
        self.delivery.incidents.add_evidence_file(incident.key, _posted(incident, shared, content))

    def _retrying(self) -> bool:
        notice = self.delivery.current()
        return notice is not None and notice.attempts > 1

    def _shared_before(self, incident: Incident) -> dict[str, Any] | None:
        """The incident's evidence file among the first replies of its post, if there."""
        page = self.delivery.client.conversations_replies(
            channel=str(incident.post_channel), ts=str(incident.post_ts), limit=THREAD_LIMIT
        )
        name = file_name(incident.key)
        for message in page.get("messages") or []:
            for item in message.get("files") or []:
                if isinstance(item, dict) and item.get("name") == name:
                    return item
        return None

    def _upload(self, incident: Incident, content: bytes, *, characters: int) -> dict[str, Any]:
        comment = self.delivery.renderer.render_text(
            "messages/evidence_file", key=incident.key, characters=f"{characters:,}"
        )
        response = self.delivery.client.files_upload_v2(
            channel=incident.post_channel,
            thread_ts=incident.post_ts,
            filename=file_name(incident.key),
            title=f"{incident.key} evidence (masked)",
            content=content,
            initial_comment=comment,
        )
        found = response.get("file")
        return found if isinstance(found, dict) else {}


def _posted(incident: Incident, shared: dict[str, Any], content: bytes) -> AttachedFile:
    """The row that records the shared file."""
    return AttachedFile(
        name=file_name(incident.key),
        filetype="text",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        slack_file_id=_text(shared.get("id"), 32),
        permalink=_text(shared.get("permalink"), 500),
    )


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value else None
