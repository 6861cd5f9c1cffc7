"""The Slack Web API methods the bot's code calls, and the bot-token scopes each one needs.

The calls are found in the source (``client.chat_postMessage(``, ``"chat_postMessage"``,
``"chat.postMessage"``) so a new call cannot slip past the manifest: a method missing from
``SCOPES`` fails the manifest test until someone looks its scopes up and adds them here.
"""

from __future__ import annotations

import re
from pathlib import Path

from slack_sdk import WebClient

ROOT = Path(__file__).resolve().parents[2]
# The fake Web API answers calls instead of making them, and the playground is a fake Slack
# workspace driving the bot locally: neither calls Slack.
NOT_CALLERS = (ROOT / "bot" / "testing", ROOT / "bot" / "playground")

# Bot-token scopes per method, from Slack's method reference. Methods that need no scope map
# to an empty set. When a method accepts any of several scopes (by channel type), all the ones
# the bot needs for the channels it works with are listed.
SCOPES: dict[str, frozenset[str]] = {
    "auth_test": frozenset(),
    "views_open": frozenset(),
    "views_push": frozenset(),
    "views_update": frozenset(),
    "views_publish": frozenset(),
    "chat_getPermalink": frozenset(),
    "chat_postMessage": frozenset({"chat:write"}),
    "chat_postEphemeral": frozenset({"chat:write"}),
    "chat_update": frozenset({"chat:write"}),
    "chat_delete": frozenset({"chat:write"}),
    "chat_scheduleMessage": frozenset({"chat:write"}),
    "usergroups_users_list": frozenset({"usergroups:read"}),
    "usergroups_list": frozenset({"usergroups:read"}),
    "users_info": frozenset({"users:read"}),
    "users_list": frozenset({"users:read"}),
    "users_lookupByEmail": frozenset({"users:read", "users:read.email"}),
    "bots_info": frozenset({"users:read"}),
    "team_info": frozenset({"team:read"}),
    "conversations_info": frozenset({"channels:read", "groups:read"}),
    "conversations_members": frozenset({"channels:read", "groups:read"}),
    "conversations_open": frozenset({"im:write"}),
    "conversations_join": frozenset({"channels:join"}),
    # read in public and private channels and in the bot's DMs
    "conversations_history": frozenset({"channels:history", "groups:history", "im:history"}),
    "conversations_replies": frozenset({"channels:history", "groups:history", "im:history"}),
    "reactions_add": frozenset({"reactions:write"}),
    "files_info": frozenset({"files:read"}),
    "files_upload_v2": frozenset({"files:write"}),
    "files_getUploadURLExternal": frozenset({"files:write"}),
    "files_completeUploadExternal": frozenset({"files:write"}),
}


def web_api_methods() -> frozenset[str]:
    """Every public ``WebClient`` method, by its Python name."""
    return frozenset(
        name
        for name in dir(WebClient)
        if "_" in name and not name.startswith("_") and callable(getattr(WebClient, name))
    ) - {"api_call"}  # the generic entry point; the method it calls is found by its name


def called_methods(root: Path = ROOT / "bot") -> dict[str, set[Path]]:
    """The Web API methods the code under ``root`` calls, with the files that call them."""
    methods = web_api_methods()
    calls: dict[str, set[Path]] = {}
    for path in sorted(root.rglob("*.py")):
        if any(path == skip or skip in path.parents for skip in NOT_CALLERS):
            continue
        for name in _mentions(path.read_text(encoding="utf-8")):
            if name in methods:
                calls.setdefault(name, set()).add(path)
    return calls


_CALL = re.compile(r"\.([a-z]+(?:_[A-Za-z0-9]+)+)\s*\(")
_QUOTED = re.compile(r"""["']([a-z]+(?:[_.][A-Za-z0-9]+)+)["']""")


def _mentions(source: str) -> set[str]:
    names = set(_CALL.findall(source))
    names.update(q.replace(".", "_") for q in _QUOTED.findall(source))
    return names


def scopes_needed(methods: set[str] | frozenset[str]) -> frozenset[str]:
    """The union of the scopes ``methods`` need; unknown methods raise ``KeyError``."""
    unknown = sorted(set(methods) - SCOPES.keys())
    if unknown:
        raise KeyError(
            f"no scopes known for {', '.join(unknown)}: look them up in Slack's method "
            "reference, add them to tests/deploy/web_api.py and to deploy/slack-manifest*.yaml"
        )
    return frozenset().union(*(SCOPES[m] for m in methods))
