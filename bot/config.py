"""Configuration from the environment (and a `.env` file): one settings class, no instance here."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.channel_models import ChannelModels, parse_channel_models
from bot.llm.connection import JUDGE, TARGET, ModelConnection
from bot.webhooks.targets import parse_urls


class ConfigError(Exception):
    """The configuration cannot work; the message says what to set."""


MIN_WEBHOOK_SECRET = 16
PLACEHOLDER_MARKERS = ("xxx", "changeme", "change-me", "your-", "replace", "placeholder", "...")


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every setting of DESIGN §5; tokens are secrets and never printed."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field(
        "https://slack.com/api/", validation_alias=_env("SAFETYBOT_SLACK_API_URL")
    )
    database_url: str = Field(
        "sqlite:///safetybot.db", validation_alias=_env("SAFETYBOT_DATABASE_URL")
    )
    host: str = Field("0.0.0.0", validation_alias=_env("SAFETYBOT_HOST"))
    port: int = Field(3000, ge=0, le=65535, validation_alias=_env("SAFETYBOT_PORT"))
    triage_channel: str | None = Field(None, validation_alias=_env("SAFETYBOT_TRIAGE_CHANNEL"))
    digest_channel: str | None = Field(None, validation_alias=_env("SAFETYBOT_DIGEST_CHANNEL"))
    triage_users: str = Field("", validation_alias=_env("SAFETYBOT_TRIAGE_USERS"))
    triage_usergroup: str | None = Field(None, validation_alias=_env("SAFETYBOT_TRIAGE_USERGROUP"))
    digest_cron: str = Field("0 9 * * mon", validation_alias=_env("SAFETYBOT_DIGEST_CRON"))
    timezone: str = Field("UTC", validation_alias=_env("SAFETYBOT_TIMEZONE"))
    key_prefix: str = Field(
        "AIS", pattern=r"^[A-Z][A-Z0-9]{0,9}$", validation_alias=_env("SAFETYBOT_KEY_PREFIX")
    )
    command: str = Field("/safety", validation_alias=_env("SAFETYBOT_COMMAND"))
    ack_reminder_minutes: int = Field(30, ge=1, validation_alias=_env("SAFETYBOT_ACK_REMINDER"))
    ack_reminder_max: int = Field(3, ge=0, validation_alias=_env("SAFETYBOT_ACK_REMINDER_MAX"))
    rule_dirs: str = Field("", validation_alias=_env("SAFETYBOT_RULE_DIRS"))
    cache_dir: str = Field("", validation_alias=_env("SAFETYBOT_CACHE_DIR"))
    channel_models: str = Field("", validation_alias=_env("SAFETYBOT_CHANNEL_MODELS"))
    log_level: str = Field("INFO", validation_alias=_env("SAFETYBOT_LOG_LEVEL"))
    log_format: str = Field(
        "auto", pattern=r"^(auto|json|text)$", validation_alias=_env("SAFETYBOT_LOG_FORMAT")
    )
    reporter_updates: bool = Field(True, validation_alias=_env("SAFETYBOT_REPORTER_UPDATES"))
    user_rate_per_minute: int = Field(20, ge=1, validation_alias=_env("SAFETYBOT_USER_RATE"))
    max_body_bytes: int = Field(
        2 * 1024 * 1024, ge=1024, validation_alias=_env("SAFETYBOT_MAX_BODY_BYTES")
    )
    slack_timeout: float = Field(10.0, gt=0, validation_alias=_env("SAFETYBOT_SLACK_TIMEOUT"))
    outbox_lease_seconds: float = Field(
        60.0, gt=0, validation_alias=_env("SAFETYBOT_OUTBOX_LEASE_SECONDS")
    )
    outbox_retry_base: float = Field(
        2.0, gt=0, validation_alias=_env("SAFETYBOT_OUTBOX_RETRY_BASE")
    )
    request_timeout: float = Field(10.0, gt=0, validation_alias=_env("SAFETYBOT_REQUEST_TIMEOUT"))
    # Secret: a webhook URL often carries its receiver's token.
    webhook_urls: SecretStr | None = Field(None, validation_alias=_env("SAFETYBOT_WEBHOOK_URLS"))
    webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("SAFETYBOT_WEBHOOK_SECRET")
    )
    webhook_timeout: float = Field(10.0, gt=0, validation_alias=_env("SAFETYBOT_WEBHOOK_TIMEOUT"))
    # A model in the loop (docs/judge.md): off unless a provider and a model are set.
    judge_provider: str | None = Field(
        None, pattern=r"^(anthropic|openai)$", validation_alias=_env("SAFETYBOT_JUDGE_PROVIDER")
    )
    judge_model: str | None = Field(None, validation_alias=_env("SAFETYBOT_JUDGE_MODEL"))
    judge_api_key: SecretStr | None = Field(None, validation_alias=_env("SAFETYBOT_JUDGE_API_KEY"))
    judge_base_url: str | None = Field(None, validation_alias=_env("SAFETYBOT_JUDGE_BASE_URL"))
    judge_restricted: bool = Field(False, validation_alias=_env("SAFETYBOT_JUDGE_RESTRICTED"))
    judge_timeout: float = Field(60.0, gt=0, validation_alias=_env("SAFETYBOT_JUDGE_TIMEOUT"))
    judge_max_retries: int = Field(3, ge=0, validation_alias=_env("SAFETYBOT_JUDGE_MAX_RETRIES"))
    judge_daily_requests: int = Field(
        500, ge=0, validation_alias=_env("SAFETYBOT_JUDGE_DAILY_REQUESTS")
    )
    judge_daily_tokens: int = Field(
        2_000_000, ge=0, validation_alias=_env("SAFETYBOT_JUDGE_DAILY_TOKENS")
    )
    target_provider: str | None = Field(
        None, pattern=r"^(anthropic|openai)$", validation_alias=_env("SAFETYBOT_TARGET_PROVIDER")
    )
    target_model: str | None = Field(None, validation_alias=_env("SAFETYBOT_TARGET_MODEL"))
    target_api_key: SecretStr | None = Field(
        None, validation_alias=_env("SAFETYBOT_TARGET_API_KEY")
    )
    target_base_url: str | None = Field(None, validation_alias=_env("SAFETYBOT_TARGET_BASE_URL"))
    target_timeout: float = Field(120.0, gt=0, validation_alias=_env("SAFETYBOT_TARGET_TIMEOUT"))
    target_max_retries: int = Field(3, ge=0, validation_alias=_env("SAFETYBOT_TARGET_MAX_RETRIES"))
    target_daily_requests: int = Field(
        1000, ge=0, validation_alias=_env("SAFETYBOT_TARGET_DAILY_REQUESTS")
    )
    target_daily_tokens: int = Field(
        4_000_000, ge=0, validation_alias=_env("SAFETYBOT_TARGET_DAILY_TOKENS")
    )
    model_concurrency: int = Field(
        4, ge=1, le=32, validation_alias=_env("SAFETYBOT_MODEL_CONCURRENCY")
    )
    playground: bool = Field(False, validation_alias=_env("SAFETYBOT_PLAYGROUND"))
    playground_real_incidents: bool = Field(
        False, validation_alias=_env("SAFETYBOT_PLAYGROUND_REAL_INCIDENTS")
    )

    @field_validator("command")
    @classmethod
    def _command_starts_with_slash(cls, value: str) -> str:
        return value if value.startswith("/") else f"/{value}"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("channel_models")
    @classmethod
    def _valid_channel_models(cls, value: str) -> str:
        parse_channel_models(value)
        return value

    @property
    def channel_model_map(self) -> ChannelModels:
        """The report form's model for each configured channel (``bot.channel_models``)."""
        return parse_channel_models(self.channel_models)

    @property
    def triage_user_ids(self) -> frozenset[str]:
        """The configured triage team as a set of Slack user ids."""
        return frozenset(u.strip() for u in self.triage_users.split(",") if u.strip())

    @property
    def rule_paths(self) -> list[Path]:
        """Extra rule-pack directories, separated by the OS path separator or commas."""
        parts = self.rule_dirs.replace(";", ",").replace(":", ",").split(",")
        return [Path(p.strip()) for p in parts if p.strip()]

    @property
    def pattern_cache_dir(self) -> Path | None:
        """Where the quick checks keep compiled patterns (None: ``off``, no cache)."""
        # Imported here: bot.checks brings numpy and every check module, which reading
        # the settings does not need.
        from bot.checks.pattern_cache import cache_directory

        return cache_directory(self.cache_dir)

    @property
    def socket_mode(self) -> bool:
        """Socket Mode is used when an app-level token is configured."""
        return _usable(self.slack_app_token)

    def require_slack(self) -> None:
        """Fail with one line naming what to set when Slack credentials are missing."""
        needed = ["SLACK_BOT_TOKEN"]
        needed.append("SLACK_APP_TOKEN" if self.slack_app_token else "SLACK_SIGNING_SECRET")
        values = {
            "SLACK_BOT_TOKEN": self.slack_bot_token,
            "SLACK_SIGNING_SECRET": self.slack_signing_secret,
            "SLACK_APP_TOKEN": self.slack_app_token,
        }
        missing = [name for name in needed if not _usable(values[name])]
        if missing:
            raise ConfigError(
                f"set {' and '.join(missing)} (in the environment or .env) to connect to Slack; "
                "see README 'Create the Slack app'"
            )

    def webhook_url_list(self) -> list[str]:
        """The URLs incident events are posted to (none when SAFETYBOT_WEBHOOK_URLS is unset).

        Checked here rather than by a validator, whose error would print the URLs and the
        tokens they may hold: ConfigError with one line when a URL is unusable
        (``bot.webhooks.targets``) or the signing secret is missing.
        """
        raw = self.webhook_urls.get_secret_value() if self.webhook_urls else ""
        try:
            urls = parse_urls(raw)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        secret = self.webhook_secret.get_secret_value().strip() if self.webhook_secret else ""
        if urls and not (_usable(self.webhook_secret) and len(secret) >= MIN_WEBHOOK_SECRET):
            raise ConfigError(
                "set SAFETYBOT_WEBHOOK_SECRET (a random string of at least 16 characters, which "
                "signs every webhook request) when SAFETYBOT_WEBHOOK_URLS is set; "
                "see docs/webhooks.md"
            )
        return urls

    def judge_connection(self) -> ModelConnection | None:
        """The judge's connection, or None when SAFETYBOT_JUDGE_PROVIDER is unset (the
        feature is off); ConfigError when it is set but incomplete."""
        return self._connection(JUDGE)

    def target_connection(self) -> ModelConnection | None:
        """The connection reproduction runs send prompts to, or None when
        SAFETYBOT_TARGET_PROVIDER is unset; ConfigError when it is set but incomplete."""
        return self._connection(TARGET)

    def _connection(self, purpose: str) -> ModelConnection | None:
        provider = getattr(self, f"{purpose}_provider")
        if not provider:
            return None
        prefix = f"SAFETYBOT_{purpose.upper()}"
        model = (getattr(self, f"{purpose}_model") or "").strip()
        if not model:
            raise ConfigError(
                f"set {prefix}_MODEL when {prefix}_PROVIDER is set; see docs/judge.md"
            )
        key: SecretStr | None = getattr(self, f"{purpose}_api_key")
        base_url = getattr(self, f"{purpose}_base_url") or None
        # A local OpenAI-compatible server (Ollama, llama.cpp, vLLM) may need no key.
        if not _usable(key) and not (provider == "openai" and base_url):
            raise ConfigError(
                f"set {prefix}_API_KEY (or, for a local OpenAI-compatible server, "
                f"{prefix}_BASE_URL); see docs/judge.md"
            )
        return ModelConnection(
            purpose=purpose,
            provider=provider,
            model=model,
            api_key=key.get_secret_value().strip() if key else "",
            base_url=base_url,
            timeout=getattr(self, f"{purpose}_timeout"),
            max_retries=getattr(self, f"{purpose}_max_retries"),
            daily_requests=getattr(self, f"{purpose}_daily_requests"),
            daily_tokens=getattr(self, f"{purpose}_daily_tokens"),
            concurrency=self.model_concurrency,
        )


def _usable(secret: SecretStr | None) -> bool:
    if secret is None:
        return False
    value = secret.get_secret_value().strip()
    return bool(value) and not any(marker in value.lower() for marker in PLACEHOLDER_MARKERS)
