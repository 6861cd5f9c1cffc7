"""The page's picture of the workspace for one person, with Block Kit already as HTML."""

from __future__ import annotations

import time
from typing import Any

from bot.playground.blockkit import Context, render_attachments, render_blocks
from bot.playground.mrkdwn import Names, plain_to_html, to_html
from bot.playground.world import SLACKBOT, Ephemeral, World
from bot.testing.fake_slack import BOT_ID, BOT_USER

Json = dict[str, Any]


def context(world: World) -> Context:
    """Names and pickers for rendering, from the workspace."""
    ws = world.workspace
    users = {p.id: p.real_name for p in ws.people}
    users[BOT_USER] = ws.app_name
    rooms = {r.id: r.name for r in ws.rooms}
    names = Names(users=users, channels=rooms, groups={ws.group_id: ws.group_handle})
    return Context(
        names=names,
        users=[(p.id, p.real_name) for p in ws.people],
        channels=[(r.id, f"#{r.name}") for r in ws.rooms],
    )


def snapshot(world: World, user: str, app: Json | None = None) -> Json:
    """Everything the page draws for ``user``: channels, messages, modal, home, log.

    ``app`` adds what the app installs (its command and shortcuts) for the menus.
    """
    with world.lock:
        world.sync()
        ctx = context(world)
        ws = world.workspace
        dm = world.fake.dm_channel(user)
        channels = [_room(world, r.id, user) for r in ws.rooms]
        visible = [c for c in channels if c["member"] or not c["private"]]
        return {
            **(app or {}),
            "version": world.version,
            "team": {"name": ws.team_name},
            "me": user,
            "people": [
                {"id": p.id, "name": p.real_name, "title": p.title, "triage": p.triage}
                for p in ws.people
            ],
            "channels": visible,
            "app": {"name": ws.app_name, "dm": dm},
            "conversations": {
                c: _conversation(world, c, user, ctx) for c in [*(v["id"] for v in visible), dm]
            },
            "modal": _modal(world, user, ctx),
            "home": _home(world, user, ctx),
            "log": [
                {
                    "at": e.at,
                    "direction": e.direction,
                    "summary": e.summary,
                    "ok": e.ok,
                    "detail": e.detail,
                }
                for e in list(world.log)[-80:]
            ],
        }


def _room(world: World, channel_id: str, user: str) -> Json:
    info = world.fake.channels[channel_id]
    room = next(r for r in world.workspace.rooms if r.id == channel_id)
    return {
        "id": channel_id,
        "name": info["name"],
        "private": bool(info["is_private"]),
        "member": user in info["members"],
        "role": room.role,
        "purpose": room.purpose,
    }


def _conversation(world: World, channel: str, user: str, ctx: Context) -> Json:
    """Top-level messages and threads of ``channel`` as ``user`` sees them."""
    stored = [m for (c, _), m in world.fake.messages.items() if c == channel]
    notes = [e for e in world.ephemerals if e.channel == channel and e.user == user]
    items = [_message(world, m, ctx) for m in stored] + [_ephemeral(world, e, ctx) for e in notes]
    items.sort(key=lambda m: float(m["ts"]))
    top = [m for m in items if not m["thread_ts"] or m["thread_ts"] == m["ts"]]
    threads: dict[str, list[Json]] = {}
    for m in items:
        if m["thread_ts"] and m["thread_ts"] != m["ts"]:
            threads.setdefault(m["thread_ts"], []).append(m)
    for m in top:
        m["reply_count"] = len([r for r in threads.get(m["ts"], []) if not r["ephemeral"]])
    return {"messages": top, "threads": threads}


def _message(world: World, message: Json, ctx: Context) -> Json:
    return {
        "ts": message["ts"],
        "thread_ts": message.get("thread_ts"),
        "author": _author(world, message.get("user"), message.get("bot_id")),
        "html": _body(message, ctx),
        "edited": bool(message.get("edited")),
        "ephemeral": False,
        "at": _seen(world, message["ts"]),
    }


def _ephemeral(world: World, note: Ephemeral, ctx: Context) -> Json:
    author = (
        _author(world, SLACKBOT, None)
        if note.author == SLACKBOT
        else _author(world, BOT_USER, BOT_ID)
    )
    return {
        "ts": note.ts,
        "id": note.id,
        "thread_ts": note.thread_ts,
        "author": author,
        "html": _body({"text": note.text, "blocks": note.blocks}, ctx),
        "edited": False,
        "ephemeral": True,
        "at": _seen(world, note.ts),
    }


def _body(message: Json, ctx: Context) -> str:
    """Blocks when there are any (Slack then shows ``text`` only in notifications), else text."""
    out = render_blocks(message["blocks"], ctx) if message.get("blocks") else ""
    if not out and message.get("text"):
        out = f'<div class="bk-text">{to_html(str(message["text"]), ctx.names)}</div>'
    if message.get("attachments"):
        out += render_attachments(message["attachments"], ctx)
    return out


def _author(world: World, user: str | None, bot_id: str | None) -> Json:
    ws = world.workspace
    if user == SLACKBOT:
        return {"id": SLACKBOT, "name": "Slackbot", "bot": True}
    if bot_id == BOT_ID or user == BOT_USER:
        return {"id": BOT_USER, "name": ws.app_name, "bot": True}
    if bot_id:
        return {"id": bot_id, "name": ws.bots.get(bot_id, bot_id), "bot": True}
    person = ws.person(user or "")
    return {"id": user, "name": person.real_name if person else user, "bot": False}


def _seen(world: World, ts: str) -> float:
    """When the page first saw a message (the fake's ``ts`` values are not wall-clock)."""
    return world.seen_at.setdefault(ts, time.time())


def _modal(world: World, user: str, ctx: Context) -> Json | None:
    stack = world.stack(user)
    while stack and stack[-1].view_id not in world.fake.views:
        stack.pop()
    if not stack:
        return None
    top = stack[-1]
    view = world.fake.views[top.view_id]
    return {
        "id": top.view_id,
        "hash": view.get("hash", ""),
        "depth": len(stack),
        "title": _plain(view.get("title")),
        "submit": _plain(view.get("submit")) if view.get("submit") else "",
        "close": _plain(view.get("close")) if view.get("close") else "Cancel",
        "html": render_blocks(view.get("blocks") or [], ctx),
        "errors": top.errors,
    }


def _home(world: World, user: str, ctx: Context) -> Json | None:
    view_id = world.fake.homes.get(user)
    view = world.fake.views.get(view_id or "")
    if view is None:
        return None
    return {
        "id": view_id,
        "hash": view.get("hash", ""),
        "html": render_blocks(view.get("blocks") or [], ctx),
    }


def _plain(node: Any) -> str:
    return plain_to_html(str(node.get("text", ""))) if isinstance(node, dict) else ""
