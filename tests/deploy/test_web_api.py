"""Finding the Web API calls in the code, and the scopes they need."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.web_api import SCOPES, called_methods, scopes_needed, web_api_methods


def test_calls_are_found_in_every_spelling(tmp_path: Path) -> None:
    """Attribute calls, quoted Python names and quoted dotted names are all found."""
    (tmp_path / "a.py").write_text(
        "client.conversations_open(users=u)\n"
        "send('chat_update', channel=c)\n"
        'client.api_call("reactions.add")\n'
        "views_publish = 1  # a plain name is not a call\n"
    )
    assert set(called_methods(tmp_path)) == {"conversations_open", "chat_update", "reactions_add"}


def test_new_calls_demand_their_scopes(tmp_path: Path) -> None:
    """A DM opened with conversations.open needs im:write on top of chat:write."""
    (tmp_path / "a.py").write_text("client.conversations_open(users=u)\nclient.chat_postMessage()")
    assert scopes_needed(set(called_methods(tmp_path))) == {"im:write", "chat:write"}


def test_an_unknown_method_must_be_looked_up() -> None:
    """A method with no scopes on record fails with a message saying where to add them."""
    with pytest.raises(KeyError, match=r"tests/deploy/web_api\.py"):
        scopes_needed({"admin_users_invite"})


def test_scope_table_names_real_methods() -> None:
    """Every method in the scope table is a real WebClient method (no typos)."""
    assert set(SCOPES) - web_api_methods() == set()


def test_the_bot_makes_web_api_calls() -> None:
    """The scan sees the calls the bot is known to make (so an empty scan cannot pass)."""
    assert {"views_open", "chat_postMessage"} <= set(called_methods())
