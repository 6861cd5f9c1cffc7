"""Starting the playground: when it is wanted, its settings, its socket, and the banner."""

from __future__ import annotations

import atexit
import secrets
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr

from bot.config import ConfigError, Settings
from bot.playground.exposure import HostCheck, guarded, is_loopback, url_host
from bot.playground.real_incidents import refuse_real_incidents
from bot.playground.web import MAX_BODY
from bot.playground.workspace import Workspace, load_workspace
from bot.web.asgi_io import ASGIApp, server_config

LOOPBACK = "127.0.0.1"
CREDENTIALS = ("slack_bot_token", "slack_signing_secret", "slack_app_token")


def wanted(settings: Settings) -> bool:
    """The playground runs when no Slack credential is set at all (not even a placeholder)."""
    return not any(
        (value := getattr(settings, name)) is not None and value.get_secret_value().strip()
        for name in CREDENTIALS
    )


@dataclass
class Launch:
    """A bound socket and the settings that point the bot at the playground behind it."""

    settings: Settings
    sock: socket.socket
    root: str
    database_note: str
    workspace: Workspace
    host: str

    @property
    def url(self) -> str:
        """The page's address."""
        return f"{self.root}/"

    @property
    def port(self) -> int:
        """The port actually bound."""
        return int(self.sock.getsockname()[1])

    @property
    def listening(self) -> str:
        """The address and port actually bound, as ``host:port``."""
        host, port = self.sock.getsockname()[:2]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    @property
    def beyond_loopback(self) -> bool:
        """Whether other machines can connect (allowed by ``SAFETYBOT_PLAYGROUND=1``)."""
        return not is_loopback(self.host)

    def banner(self) -> str:
        """What ``safetybot run`` prints when the playground starts."""
        exposed = ""
        if self.beyond_loopback:
            exposed = (
                f", listening on {self.listening} "
                "(SAFETYBOT_PLAYGROUND=1: whoever reaches this port uses it without a login)"
            )
        return (
            f"safetybot playground on {self.url}{exposed}  (no Slack tokens set: a local "
            f"stand-in for Slack; {self.database_note}; set SLACK_BOT_TOKEN and "
            "SLACK_SIGNING_SECRET to use real Slack)"
        )

    def asgi(self, app: ASGIApp) -> ASGIApp:
        """``app`` answering only requests addressed to the playground itself."""
        return guarded(app, HostCheck(self.port, beyond_loopback=self.beyond_loopback))

    def config(self, app: ASGIApp) -> uvicorn.Config:
        """How uvicorn serves ``app``: behind the Host check, slow clients cut off."""
        limit = max(self.settings.max_body_bytes, MAX_BODY)
        timeout = self.settings.request_timeout
        return server_config(self.asgi(app), timeout=timeout, max_body=limit, lifespan="on")

    def serve(self, app: Any) -> None:
        """Serve ``app`` on the bound socket until stopped."""
        print(self.banner(), flush=True)
        uvicorn.Server(self.config(app)).run(sockets=[self.sock])


def prepare(settings: Settings) -> Launch:
    """Bind the playground's socket and derive the bot's settings from its address.

    The page has no login, so it listens on 127.0.0.1 unless ``SAFETYBOT_HOST`` is set, and
    on an address other machines can reach only with ``SAFETYBOT_PLAYGROUND=1``; it opens a
    database with incidents from a real workspace only with
    ``SAFETYBOT_PLAYGROUND_REAL_INCIDENTS=1``. The bot gets a random token and signing
    secret, the fake Web API as its Slack, the demo workspace's channels and triage team,
    and (unless ``SAFETYBOT_DATABASE_URL`` is set) a fresh SQLite file removed on exit.
    """
    workspace = load_workspace()
    host = bind_address(settings)
    kept = "database_url" in settings.model_fields_set
    if kept and not settings.playground_real_incidents:
        refuse_real_incidents(settings.database_url, workspace)
    sock = bind(host, settings.port)
    port = sock.getsockname()[1]
    root = f"http://{url_host(host)}:{port}"
    update: dict[str, Any] = {
        "slack_bot_token": SecretStr(f"xoxb-playground-{secrets.token_hex(12)}"),
        "slack_signing_secret": SecretStr(secrets.token_hex(16)),
        "slack_api_url": f"{root}/api/",
        "host": host,
        "port": port,
        "triage_channel": workspace.room("triage").id,
        "digest_channel": workspace.room("digest").id,
        "triage_users": ",".join(workspace.triage_ids),
        "triage_usergroup": workspace.group_id,
    }
    note = "incidents are kept in SAFETYBOT_DATABASE_URL"
    if not kept:
        update["database_url"] = f"sqlite:///{_scratch_dir() / 'playground.db'}"
        note = "incidents are kept in a scratch SQLite file until it stops"
    return Launch(
        settings=settings.model_copy(update=update),
        sock=sock,
        root=root,
        database_note=note,
        workspace=workspace,
        host=host,
    )


def bind_address(settings: Settings) -> str:
    """127.0.0.1 unless ``SAFETYBOT_HOST`` is set; beyond loopback only when allowed."""
    host = settings.host if "host" in settings.model_fields_set else LOOPBACK
    if not is_loopback(host) and not settings.playground:
        raise ConfigError(
            f"no Slack tokens are set, so safetybot would serve the playground, which has no "
            f"login, on {host or '0.0.0.0'}:{settings.port}; set SLACK_BOT_TOKEN and "
            "SLACK_SIGNING_SECRET to connect to Slack, SAFETYBOT_HOST=127.0.0.1 for a local "
            "playground, or SAFETYBOT_PLAYGROUND=1 to serve it there anyway"
        )
    return host


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; a port in use is one clear line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); set SAFETYBOT_PORT to a free port"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _scratch_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="safetybot-playground-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
