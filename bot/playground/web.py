"""The playground's ASGI app: the page, its JSON endpoints, the fake Web API, and the bot.

One server answers everything, so the bot needs no other process:

- ``/`` and ``/static/…``: the page (static files shipped in the package);
- ``/playground/…``: what the page asks for (the state, and what a person did);
- ``/api/METHOD``, ``/response_url/NAME`` and ``/upload/FILE``: the fake Slack Web API the
  bot calls (``/upload/`` takes a file's bytes, see ``bot.testing.fake_slack_uploads``);
- anything else (``/slack/events``, ``/healthz``, lifespan): the bot's own HTTP app.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from bot.playground.session import Playground, PlaygroundError
from bot.playground.snapshot import snapshot
from bot.playground.world import World
from bot.web.asgi_io import Receive, Send, read_body, reply

ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]
MAX_BODY = 2 * 1024 * 1024
LONG_POLL = 20.0
POLL_STEP = 0.05
STATIC = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class PlaygroundApp:
    """Routes requests to the page, the playground, the fake Web API or the bot."""

    def __init__(self, bot: ASGIApp, playground: Playground) -> None:
        self.bot = bot
        self.playground = playground
        self.operations: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "say": self._say,
            "shortcut": self._shortcut,
            "action": self._action,
            "submit": self._submit,
            "close": self._close,
            "home": self._home,
            "digest": self._digest,
        }

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.bot(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if path.startswith(("/api/", "/response_url/", "/upload/")):
            await self._fake_api(scope, receive, send)
        elif method in ("GET", "HEAD") and path in ("/", "/index.html"):
            await _static(send, "index.html")
        elif method in ("GET", "HEAD") and path.startswith("/static/"):
            await _static(send, path.removeprefix("/static/"))
        elif path == "/playground/state" and method == "GET":
            await self._state(scope, receive, send)
        elif path.startswith("/playground/") and method == "POST":
            await self._operation(path.removeprefix("/playground/"), scope, receive, send)
        else:
            await self.bot(scope, receive, send)

    # ------------------------------------------------------------ the fake Web API

    async def _fake_api(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        body = await read_body(receive, MAX_BODY)
        if body is None:
            await _json(send, 413, {"ok": False, "error": "request_too_large"})
            return
        headers = _headers(scope)
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope["path"] + (f"?{query}" if query else "")
        reply = self.playground.fake.handle_request(path, body, headers)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        await _json(send, reply.status, reply.body, reply.headers)

    # ------------------------------------------------------------ the page's endpoints

    async def _state(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """The page's state; with ``after``, a long poll answered once anything changes.

        A long poll whose page went away (closed, reloaded) ends at once rather than after
        ``LONG_POLL``, so the server never waits on it to stop.
        """
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        user = (query.get("user") or [""])[0]
        after = _int((query.get("after") or ["-1"])[0])
        if self.playground.workspace.person(user) is None:
            await _json(send, 400, {"ok": False, "error": f"unknown person {user!r}"})
            return
        world = self.playground.world
        if after >= 0 and not await _changed_while_connected(world, after, receive):
            return
        state = await asyncio.to_thread(snapshot, world, user, self.playground.app_info())
        await _json(send, 200, state)

    async def _operation(
        self, name: str, scope: dict[str, Any], receive: Receive, send: Send
    ) -> None:
        operation = self.operations.get(name)
        if operation is None:
            await _json(send, 404, {"ok": False, "error": f"no operation {name!r}"})
            return
        headers = _headers(scope)
        refusal = _refuse_cross_site(headers)
        if refusal:
            await _json(send, refusal[0], {"ok": False, "error": refusal[1]})
            return
        body = await read_body(receive, MAX_BODY)
        if body is None:
            await _json(send, 413, {"ok": False, "error": "request too large (2 MB at most)"})
            return
        try:
            data = json.loads(body.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, UnicodeDecodeError):
            await _json(send, 400, {"ok": False, "error": "the body must be a JSON object"})
            return
        try:
            result = await asyncio.to_thread(operation, data)
        except PlaygroundError as exc:
            await _json(send, exc.status, {"ok": False, "error": str(exc)})
            return
        except (KeyError, TypeError, AttributeError) as exc:
            await _json(send, 400, {"ok": False, "error": f"malformed request: {exc}"})
            return
        await _json(send, 200, result)

    def _say(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.playground.say(
            _text(data, "user"), _text(data, "channel"), _text(data, "text"), data.get("thread_ts")
        )

    def _shortcut(self, data: dict[str, Any]) -> dict[str, Any]:
        user, callback_id = _text(data, "user"), _text(data, "callback_id")
        if data.get("ts"):
            return self.playground.message_shortcut(
                user, _text(data, "channel"), _text(data, "ts"), callback_id
            )
        return self.playground.global_shortcut(user, callback_id, _text(data, "channel"))

    def _action(self, data: dict[str, Any]) -> dict[str, Any]:
        where = data.get("where")
        if not isinstance(where, dict):
            raise PlaygroundError("an action needs `where`")
        return self.playground.act(
            _text(data, "user"),
            where,
            _text(data, "block_id"),
            _text(data, "action_id"),
            _chosen(data.get("value")),
            _values(data.get("values")),
        )

    def _submit(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.playground.submit(
            _text(data, "user"), _text(data, "view_id"), _values(data.get("values"))
        )

    def _close(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.playground.close(
            _text(data, "user"), _text(data, "view_id"), _values(data.get("values"))
        )

    def _home(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.playground.open_home(_text(data, "user"))

    def _digest(self, data: dict[str, Any]) -> dict[str, Any]:
        return self.playground.post_digest(_text(data, "user"))


# ---------------------------------------------------------------- input


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise PlaygroundError(f"`{key}` must be a string")
    return value


def _chosen(value: Any) -> str | list[str] | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise PlaygroundError("`value` must be a string or a list of strings")


def _values(raw: Any) -> dict[str, dict[str, str | list[str] | None]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise PlaygroundError("`values` must map block ids to {action id: value}")
    return {str(b): {str(a): _chosen(v) for a, v in actions.items()} for b, actions in raw.items()}


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return -1


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _refuse_cross_site(headers: dict[str, str]) -> tuple[int, str] | None:
    """Only the page itself may act: JSON (so browsers preflight) and no foreign ``Origin``."""
    if not headers.get("content-type", "").startswith("application/json"):
        return 415, "send JSON (Content-Type: application/json)"
    origin = headers.get("origin")
    if origin and origin.split("://", 1)[-1] != headers.get("host", ""):
        return 403, "requests from other sites are refused"
    return None


# ---------------------------------------------------------------- output


async def _static(send: Send, name: str) -> None:
    if name not in STATIC:
        await _respond(send, 404, b"not found", "text/plain; charset=utf-8")
        return
    data = resources.files("bot.playground").joinpath("static", name).read_bytes()
    await _respond(send, 200, data, STATIC[name])


async def _json(send: Send, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await _respond(send, status, data, "application/json; charset=utf-8", headers)


async def _respond(
    send: Send, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
) -> None:
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    await reply(send, status, body, {**SECURITY_HEADERS, **lowered, "content-type": content_type})


async def _changed_while_connected(world: World, after: int, receive: Receive) -> bool:
    """Wait until ``world`` is past version ``after`` (or ``LONG_POLL`` passes); False when
    the client disconnected first."""
    gone = asyncio.ensure_future(_disconnect(receive))
    try:
        deadline = time.monotonic() + LONG_POLL
        while world.version == after and time.monotonic() < deadline:
            if gone.done():
                return False
            await asyncio.sleep(POLL_STEP)
        return not gone.done()
    finally:
        gone.cancel()


async def _disconnect(receive: Receive) -> None:
    """Return when the client goes away (a GET's empty body is read and ignored)."""
    while (await receive()).get("type") != "http.disconnect":
        pass
