"""The playground as ``safetybot run`` serves it without tokens, in a thread, for tests."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from bot.config import Settings
from bot.playground.launch import Launch, prepare
from bot.playground.session import Playground
from bot.wiring import Services, build, build_http, build_playground
from tests.engines import checks_for


@dataclass
class Answer:
    """An HTTP answer from the playground."""

    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class PlaygroundServer:
    """The bot behind the playground on 127.0.0.1 and a free port."""

    def __init__(self, database_url: str, **settings: Any) -> None:
        base = Settings(_env_file=None, port=0, database_url=database_url, **settings)  # type: ignore[call-arg]
        self.launch: Launch = prepare(base)
        self.services: Services = build(
            self.launch.settings, checks=checks_for(self.launch.settings)
        )
        self.services.db.upgrade()
        self.app = build_playground(self.services, build_http(self.services), self.launch)
        self.server = uvicorn.Server(self.launch.config(self.app))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.launch.sock]}, daemon=True
        )
        self.url = self.launch.root

    @property
    def playground(self) -> Playground:
        return self.app.playground

    def start(self) -> PlaygroundServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the playground did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.services.db.dispose()

    # --- requests ------------------------------------------------------------------------

    def request(
        self,
        path: str,
        body: bytes | None = None,
        *,
        headers: dict[str, str] | None = None,
        method: str | None = None,
    ) -> Answer:
        request = urllib.request.Request(
            self.url + path, data=body, headers=headers or {}, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), dict(error.headers))

    def op(self, name: str, **body: Any) -> Answer:
        """A POST of ``body`` as JSON to ``/playground/NAME``, as the page sends it."""
        data = json.dumps(body).encode()
        return self.request(
            f"/playground/{name}", data, headers={"Content-Type": "application/json"}
        )

    def state(self, user: str = "U0ALICE") -> dict[str, Any]:
        answer = self.request(f"/playground/state?user={user}")
        assert answer.status == 200, answer.body
        return answer.json()  # type: ignore[no-any-return]

    def wait(
        self, check: Callable[[dict[str, Any]], Any], user: str = "U0ALICE", timeout: float = 10
    ) -> Any:
        """Poll the state until ``check`` returns something truthy; return it."""
        deadline = time.monotonic() + timeout
        while True:
            result = check(self.state(user))
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen within {timeout}s: {check}")
            time.sleep(0.05)


def messages(state: dict[str, Any], channel: str) -> list[dict[str, Any]]:
    """The top-level messages of ``channel`` in a state."""
    return state["conversations"][channel]["messages"]  # type: ignore[no-any-return]


def log_has(state: dict[str, Any], text: str) -> bool:
    """Whether a protocol log line mentions ``text``."""
    return any(text in f"{e['summary']} {e['detail']}" for e in state["log"])
