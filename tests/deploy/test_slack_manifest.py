"""The Slack app manifests: valid for Slack, in step with each other and with the code."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from slack_bolt import App

from bot.config import Settings
from bot.slack import commands
from bot.slack.http import EVENTS_PATH
from tests.conftest import SHARED_DATA
from tests.deploy.conftest import MANIFESTS, load_yaml
from tests.deploy.listeners import (
    command_body,
    event_body,
    handles,
    registered,
    shortcut_body,
)
from tests.deploy.web_api import called_methods, scopes_needed

SCHEMA_DIR = SHARED_DATA / "slack"
# Scopes no Web API call needs but a feature does; each names what in the code justifies it.
FEATURE_SCOPES = {
    # /safety and the shortcuts (present whenever the app registers either).
    "commands": "slash command or shortcut listeners",
    # Thread replies on flagged messages in public channels the bot has not joined.
    "chat:write.public": "chat.postMessage with thread_ts",
    # Members of SAFETYBOT_TRIAGE_USERGROUP are the triage team.
    "usergroups:read": "the triage_usergroup setting",
}


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    """Slack's own manifest schema."""
    schema = json.loads((SCHEMA_DIR / "manifest.schema.1.0.0.json").read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


@pytest.fixture(params=sorted(MANIFESTS))
def manifest(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each manifest (HTTP and Socket Mode), parsed."""
    return load_yaml(MANIFESTS[request.param])


def _errors(validator: Draft7Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def test_schema_rejects_slacks_invalid_example(validator: Draft7Validator) -> None:
    """The schema check has teeth: Slack's own invalid example fails it and the valid one passes."""
    invalid = json.loads((SCHEMA_DIR / "manifest.invalid.example.json").read_text())
    valid = json.loads((SCHEMA_DIR / "manifest.valid.example.json").read_text())
    assert _errors(validator, invalid)
    assert _errors(validator, valid) == []


def test_manifest_is_valid_for_slack(validator: Draft7Validator, manifest: dict[str, Any]) -> None:
    """Each manifest validates against Slack's app manifest schema."""
    assert _errors(validator, manifest) == []


def test_schema_catches_a_broken_manifest(
    validator: Draft7Validator, manifest: dict[str, Any]
) -> None:
    """A shortcut name over Slack's 24 characters makes the manifest invalid."""
    broken = copy.deepcopy(manifest)
    broken["features"]["shortcuts"][0]["name"] = "Report this as a safety incident please"
    assert any("shortcuts/0/name" in error for error in _errors(validator, broken))


def test_socket_variant_differs_only_in_transport() -> None:
    """The Socket Mode manifest is the HTTP one without request URLs and with Socket Mode on."""
    http, socket = load_yaml(MANIFESTS["http"]), load_yaml(MANIFESTS["socket"])
    assert http["settings"]["socket_mode_enabled"] is False
    assert socket["settings"]["socket_mode_enabled"] is True
    assert _without_transport(http) == _without_transport(socket)
    assert "url" not in json.dumps(socket).replace("_url", "")


def _without_transport(manifest: dict[str, Any]) -> dict[str, Any]:
    stripped = copy.deepcopy(manifest)
    stripped["settings"].pop("socket_mode_enabled")
    for command in stripped["features"]["slash_commands"]:
        command.pop("url", None)
    stripped["settings"]["event_subscriptions"].pop("request_url", None)
    stripped["settings"]["interactivity"].pop("request_url", None)
    return stripped


def test_http_manifest_sends_everything_to_the_events_path() -> None:
    """Every request URL of the HTTP manifest is HTTPS and ends at the bot's Slack route."""
    http = load_yaml(MANIFESTS["http"])
    urls = [c["url"] for c in http["features"]["slash_commands"]]
    urls += [
        http["settings"]["event_subscriptions"]["request_url"],
        http["settings"]["interactivity"]["request_url"],
    ]
    assert all(re.fullmatch(rf"https://[a-z0-9.-]+{EVENTS_PATH}", url) for url in urls), urls


def test_interactivity_is_on(manifest: dict[str, Any]) -> None:
    """Interactivity is enabled: shortcuts, modals and buttons all need it."""
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def test_manifest_declares_what_the_app_listens_for(
    bolt_app: App, manifest: dict[str, Any]
) -> None:
    """Every command, shortcut callback id and event the built app registers is in the manifest."""
    found = registered(bolt_app)
    declared_shortcuts = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert found.commands <= {c["command"] for c in manifest["features"]["slash_commands"]}
    for callback_id, kind in found.shortcuts.items():
        assert callback_id in declared_shortcuts, f"shortcut {callback_id} is not in the manifest"
        assert kind in ("any", declared_shortcuts[callback_id]), callback_id
    assert found.events <= set(manifest["settings"]["event_subscriptions"]["bot_events"])


def test_app_listens_for_what_the_manifest_declares(
    bolt_app: App, manifest: dict[str, Any]
) -> None:
    """Every command, shortcut and event in the manifest reaches a listener of the built app."""
    for command in manifest["features"]["slash_commands"]:
        assert handles(bolt_app, command_body(command["command"])), command["command"]
    for shortcut in manifest["features"]["shortcuts"]:
        body = shortcut_body(shortcut["callback_id"], shortcut["type"])
        assert handles(bolt_app, body), shortcut["callback_id"]
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert handles(bolt_app, event_body(event)), event


def test_listener_reading_sees_the_registered_listeners(bolt_app: App) -> None:
    """Reading the listeners finds the default command and both shortcuts with their types."""
    found = registered(bolt_app)
    assert Settings.model_fields["command"].default in found.commands
    assert found.shortcuts.get("report_message") == "message"
    assert "new_incident" in found.shortcuts


def test_listener_reading_sees_a_new_event_listener(bolt_app: App) -> None:
    """An event listener added to the app is both read from it and reached by a request."""
    assert not handles(bolt_app, event_body("team_join"))
    bolt_app.event("team_join")(lambda: None)
    assert "team_join" in registered(bolt_app).events
    assert handles(bolt_app, event_body("team_join"))


def test_app_home_is_enabled_with_its_event(manifest: dict[str, Any]) -> None:
    """The Home tab is on, the Messages tab is read-only, and app_home_opened is subscribed."""
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_usage_hint_names_every_subcommand(manifest: dict[str, Any]) -> None:
    """The slash command's usage hint mentions every subcommand the code knows."""
    hint = manifest["features"]["slash_commands"][0]["usage_hint"]
    missing = [name for name in commands.SUBCOMMANDS if not re.search(rf"\b{name}\b", hint)]
    assert missing == []


def test_scopes_cover_every_web_api_call(manifest: dict[str, Any]) -> None:
    """Every scope that a Web API method called in the code needs is granted."""
    needed = scopes_needed(set(called_methods()))
    assert needed - set(manifest["oauth_config"]["scopes"]["bot"]) == set()


def test_scopes_are_the_least_the_code_uses(manifest: dict[str, Any]) -> None:
    """Each granted scope is needed by a Web API call or by a named feature the code has."""
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    justified = set(scopes_needed(set(called_methods()))) | _feature_scopes_in_use()
    assert granted - justified == set()
    assert len(granted) == len(manifest["oauth_config"]["scopes"]["bot"]), "a scope is repeated"


def _feature_scopes_in_use() -> set[str]:
    source = "\n".join(p.read_text() for p in (Path(commands.__file__).parent).glob("*.py"))
    in_use = {"commands"}  # the listener tests above prove the command and shortcuts exist
    if "thread_ts" in source and "chat_postMessage" in source:
        in_use.add("chat:write.public")
    if "triage_usergroup" in Settings.model_fields:
        in_use.add("usergroups:read")
    assert in_use <= FEATURE_SCOPES.keys()
    return in_use


@pytest.mark.parametrize("path", sorted(MANIFESTS.values()), ids=lambda p: p.name)
def test_every_scope_is_explained(path: Path) -> None:
    """Each bot scope in the manifest file has a comment just above it saying why."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("    bot:")
    for number in range(start + 1, len(lines)):
        line = lines[number]
        if not line.startswith("      "):
            break
        if line.strip().startswith("- "):
            above = lines[start + 1 : number]
            group = [n for n, text in enumerate(above) if not text.strip().startswith("- ")]
            assert group and above[group[-1]].strip().startswith("#"), f"{line.strip()} unexplained"
