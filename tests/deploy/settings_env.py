"""The environment variables the code reads, from the one settings class."""

from __future__ import annotations

from pydantic import AliasChoices, SecretStr

from bot.config import Settings

# Not typed as a secret, but a PostgreSQL URL carries the password.
SECRET_BY_CONTENT = frozenset({"SAFETYBOT_DATABASE_URL"})
# Needed to connect to Slack in HTTP mode (Settings.require_slack); everything else has a default.
REQUIRED_FOR_HTTP = frozenset({"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"})


def setting_names() -> dict[str, str]:
    """Every environment variable of ``Settings``, mapped to its field name."""
    names = {}
    for field_name, info in Settings.model_fields.items():
        alias = info.validation_alias
        assert isinstance(alias, AliasChoices), f"{field_name} has no environment variable"
        names[str(alias.choices[0])] = field_name
    return names


def secret_names() -> frozenset[str]:
    """The variables whose values are secrets: tokens, and URLs that hold passwords."""
    secret_fields = {
        name for name, info in Settings.model_fields.items() if SecretStr in _types(info.annotation)
    }
    by_field = {field: env for env, field in setting_names().items()}
    return frozenset(by_field[f] for f in secret_fields) | SECRET_BY_CONTENT


def defaulted() -> frozenset[str]:
    """The variables the code can do without (they have a default)."""
    names = setting_names()
    return frozenset(
        env for env, field in names.items() if not Settings.model_fields[field].is_required()
    )


def _types(annotation: object) -> tuple[object, ...]:
    return getattr(annotation, "__args__", (annotation,))
