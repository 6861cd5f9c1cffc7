"""The demo workspace: people, channels, a triage group and sample messages, from package data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from bot.testing.fake_slack import BOT_USER, FakeSlackAPI

DATA = "workspace.json"


@dataclass(frozen=True)
class Person:
    """A member of the demo workspace."""

    id: str
    name: str
    real_name: str
    title: str = ""
    triage: bool = False


@dataclass(frozen=True)
class Room:
    """A channel; ``role`` marks the triage and digest channels."""

    id: str
    name: str
    private: bool = False
    role: str | None = None
    purpose: str = ""


@dataclass(frozen=True)
class Sample:
    """A message the workspace starts with, optionally with thread replies."""

    channel: str
    text: str
    user: str | None = None
    bot: str | None = None
    blocks_only: bool = False
    source: str = ""
    replies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Workspace:
    """Everything the playground seeds into the fake Slack at start."""

    team_id: str
    team_domain: str
    team_name: str
    app_id: str
    app_name: str
    people: tuple[Person, ...]
    rooms: tuple[Room, ...]
    bots: dict[str, str]
    group_id: str
    group_handle: str
    samples: tuple[Sample, ...] = field(default=())

    @property
    def triage_ids(self) -> list[str]:
        """The triage team's user ids."""
        return [p.id for p in self.people if p.triage]

    def room(self, role: str) -> Room:
        """The channel with ``role`` (``triage`` or ``digest``)."""
        return next(r for r in self.rooms if r.role == role)

    def person(self, user_id: str) -> Person | None:
        """The person with ``user_id``, if any."""
        return next((p for p in self.people if p.id == user_id), None)

    def members(self, room: Room) -> list[str]:
        """Who is in ``room``: everyone, or the triage team in a private channel."""
        people = self.triage_ids if room.private else [p.id for p in self.people]
        return [*people, BOT_USER]


def load_workspace(text: str | None = None) -> Workspace:
    """The demo workspace from JSON (the packaged file by default); checks its references."""
    if text is None:
        text = resources.files("bot.playground").joinpath("data", DATA).read_text("utf-8")
    raw = json.loads(text)
    workspace = Workspace(
        team_id=raw["team"]["id"],
        team_domain=raw["team"]["domain"],
        team_name=raw["team"]["name"],
        app_id=raw["app"]["id"],
        app_name=raw["app"]["name"],
        people=tuple(Person(**p) for p in raw["users"]),
        rooms=tuple(Room(**r) for r in raw["channels"]),
        bots={b["id"]: b["name"] for b in raw.get("bots", [])},
        group_id=raw["usergroup"]["id"],
        group_handle=raw["usergroup"]["handle"],
        samples=tuple(_sample(m) for m in raw.get("messages", [])),
    )
    _check(workspace)
    return workspace


def _sample(raw: dict[str, Any]) -> Sample:
    replies = tuple((r["user"], r["text"]) for r in raw.get("replies", []))
    return Sample(**{**raw, "replies": replies})


def _check(workspace: Workspace) -> None:
    people = {p.id for p in workspace.people}
    rooms = {r.id for r in workspace.rooms}
    roles = [r.role for r in workspace.rooms if r.role]
    if sorted(roles) != ["digest", "triage"]:
        raise ValueError("the workspace needs exactly one triage and one digest channel")
    if not workspace.triage_ids:
        raise ValueError("the workspace needs at least one person on the triage team")
    for sample in workspace.samples:
        authors = [sample.user] if sample.user else []
        authors += [user for user, _ in sample.replies]
        if sample.channel not in rooms:
            raise ValueError(f"sample message in unknown channel {sample.channel}")
        if any(a not in people for a in authors) or (
            sample.bot and sample.bot not in workspace.bots
        ):
            raise ValueError(f"sample message in {sample.channel} has an unknown author")


def escape(text: str) -> str:
    """Text as Slack stores what a person typed: ``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def seed(fake: FakeSlackAPI, workspace: Workspace) -> None:
    """Create the workspace's people, channels, triage group and sample messages in ``fake``."""
    fake.add_user(BOT_USER, name=workspace.app_name, is_bot=True)
    for person in workspace.people:
        fake.add_user(person.id, name=person.name)
        fake.users[person.id].update(real_name=person.real_name)
        fake.users[person.id]["profile"].update(real_name=person.real_name, title=person.title)
    for room in workspace.rooms:
        fake.add_channel(
            room.id, name=room.name, is_private=room.private, members=workspace.members(room)
        )
    fake.add_usergroup(workspace.group_id, workspace.triage_ids)
    for sample in workspace.samples:
        ts = _post_sample(fake, sample)
        for user, text in sample.replies:
            fake.post_message(sample.channel, user=user, text=escape(text), thread_ts=ts)


def _post_sample(fake: FakeSlackAPI, sample: Sample) -> str:
    text = escape(sample.text)
    if not sample.blocks_only:
        return fake.post_message(sample.channel, user=sample.user, text=text)
    # Bot messages often put everything in blocks and leave ``text`` empty.
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]
    return fake.post_message(sample.channel, user=None, bot_id=sample.bot, blocks=blocks)
