"""The composition root: the one place that names concrete classes and connects them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.checks import CheckEngine
from bot.config import ConfigError, Settings
from bot.incidents import notices
from bot.incidents.drafts import DraftStore
from bot.incidents.intake import Intake, reports_waiting
from bot.incidents.recent import RecentChecks
from bot.incidents.service import IncidentService
from bot.llm.connection import ModelClient, ModelConnection
from bot.llm.jobs import ModelJobs
from bot.masking.redaction import Redactor
from bot.runtime.clock import Clock, SystemClock
from bot.store.checkpoints import Checkpointer
from bot.store.db import Database
from bot.web.metrics import Metrics
from bot.webhooks.targets import target_id

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.digest.posting import DigestRunner
    from bot.digest.runs import DigestRunStore
    from bot.digest.weekly import WeeklyDigest
    from bot.incidents.permissions import TriageTeam
    from bot.judge.review import Judge
    from bot.llm.connection import ModelClient
    from bot.playground.launch import Launch
    from bot.playground.web import PlaygroundApp
    from bot.reproduce.job import ReproductionJob
    from bot.reproduce.runs import ReproductionService
    from bot.runtime.scheduling import ScheduledJob
    from bot.slack.after_ack import ListenerPool
    from bot.slack.delivery import Delivery
    from bot.slack.deps import SlackDeps
    from bot.slack.digest_post import DigestPoster
    from bot.slack.http import SlackHttpApp
    from bot.slack.outbox import Outbox


# A model job (a judge's review, a reproduction run of up to 50 calls) may run this long
# before another worker may take it over as abandoned.
MODEL_JOB_LEASE_SECONDS = 1800.0


@dataclass
class Services:
    """Everything a surface (CLI, Slack, scheduler) needs, built once per process."""

    settings: Settings
    clock: Clock
    db: Database
    checks: CheckEngine
    incidents: IncidentService
    drafts: DraftStore
    metrics: Metrics = field(default_factory=Metrics)
    # Set when a notice is enqueued; the outbox (built later, in Slack mode) waits on it.
    outbox_wake: threading.Event = field(default_factory=threading.Event)
    # Makes the client of a model connection; None: the providers' SDKs within the daily
    # budget (``bot.llm.clients.connected_client``). Tests put a scripted model here.
    model_client: Callable[[ModelConnection], ModelClient] | None = None


def build(
    settings: Settings, *, clock: Clock | None = None, checks: CheckEngine | None = None
) -> Services:
    """Build the services for ``settings``; nothing connects until first use.

    ``checks`` is an engine already loaded from the same rule packs (loading takes most of
    a second; tests that build many bots share one).
    """
    clock = clock or SystemClock()
    db = Database(settings.database_url)
    checks = checks or CheckEngine.load(
        extra_rule_dirs=settings.rule_paths, cache_dir=settings.pattern_cache_dir
    )
    metrics = Metrics()
    outbox_wake = threading.Event()
    incidents = IncidentService(
        db=db,
        checker=RecentChecks(metrics.timed(checks)),
        clock=clock,
        key_prefix=settings.key_prefix,
        on_notice=outbox_wake.set,
        redactor=Redactor(checks),
        webhook_targets=[target_id(url) for url in settings.webhook_url_list()],
        judge_reviews=settings.judge_connection() is not None,
        judge_restricted=settings.judge_restricted,
    )
    metrics.watch_reports_waiting(lambda: reports_waiting(db))
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        checks=checks,
        incidents=incidents,
        drafts=DraftStore(db=db, clock=clock),
        metrics=metrics,
        outbox_wake=outbox_wake,
    )


def start(settings: Settings) -> Services:
    """The services of a process that starts for real: built, with the database schema
    brought up to date (the CLI, HTTP mode, Socket Mode and the ASGI factory all start here)."""
    services = build(settings)
    services.db.upgrade()
    return services


@dataclass
class SlackParts:
    """The Bolt app and the background work that goes with it."""

    app: App
    outbox: Outbox
    intake: Intake
    listeners: ListenerPool  # the listeners' work after each ack
    startup_checks: Callable[[], object] = lambda: None
    scheduler: BackgroundScheduler | None = None
    checkpoints: Checkpointer | None = None
    model_outbox: Outbox | None = None  # model jobs (judge, reproduction), when configured

    def start(self) -> None:
        """Start storing accepted reports and delivering what waits in the outbox (and
        whatever comes later)."""
        threading.Thread(target=self.startup_checks, name="safetybot-startup", daemon=True).start()
        if self.checkpoints is not None:
            self.checkpoints.start()
        self.intake.start()
        self.outbox.start()
        self.outbox.kick()
        if self.model_outbox is not None:
            self.model_outbox.start()
        if self.scheduler is not None and not self.scheduler.running:
            self.scheduler.start()

    def stop(self) -> None:
        """Finish the work after acks, the report and the send in flight; the rest waits
        for the next start."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.listeners.shutdown(wait=True)
        self.intake.stop()
        self.outbox.stop()
        if self.model_outbox is not None:
            self.model_outbox.stop()
        if self.checkpoints is not None:
            self.checkpoints.stop()


def build_slack(services: Services, *, client: WebClient | None = None) -> SlackParts:
    """The Bolt app, its outbox and its intake over ``services``; makes no network call.

    Each object is built once, complete: its hooks are constructor arguments, composed here
    first where two meet (the metrics count each outbox outcome, then the homes refresh and
    the weekly digest records a post that failed for good).
    """
    from bot.incidents.home_refresh import HomeRefresh
    from bot.incidents.permissions import Permissions
    from bot.runtime.ratelimit import RateLimiter
    from bot.runtime.scheduling import build_scheduler
    from bot.slack.after_ack import AfterAck, ListenerPool
    from bot.slack.app import TEMPLATES, create_app, error_reporter, web_client
    from bot.slack.blocks import TemplateRenderer
    from bot.slack.delivery import Delivery, tell_report_waiting
    from bot.slack.deps import SlackDeps
    from bot.slack.startup import warn_about_slack
    from bot.store.idempotency import Deduplicator

    settings = services.settings
    client = client or web_client(settings)
    renderer = TemplateRenderer(TEMPLATES, redactor=services.incidents.redactor)
    delivery = Delivery(
        client=client,
        renderer=renderer,
        incidents=services.incidents,
        triage_channel=settings.triage_channel,
    )
    team = _triage_team(services, client)
    # Homes refresh after each change; the refresh enqueues notices and wakes the outbox.
    refresh = HomeRefresh(
        db=services.db, clock=services.clock, team=team.members, kick=services.outbox_wake.set
    )
    # The digest job queues its post in this outbox and wakes it; delivery sends it.
    digest = build_digest(services, client=client, delivery=delivery)

    def after_delivery(message: Any, outcome: Any) -> None:
        refresh.after_delivery(message, outcome)
        digest.runs.after_delivery(message, outcome)

    outbox = _outbox(
        services,
        delivery,
        triage_users=settings.triage_user_ids,
        triage_channel=settings.triage_channel,
        wake=services.outbox_wake,
        on_outcome=services.metrics.outbox_hook(after_delivery),
        skip_kinds=notices.MODEL_JOBS,
    )
    services.metrics.watch_outbox_depth(outbox.depth)
    intake = Intake(
        db=services.db,
        incidents=services.incidents,
        clock=services.clock,
        on_created=lambda outcome: services.metrics.incident_created(outcome.incident.severity),
        on_stuck=lambda request: tell_report_waiting(client, renderer, request.reporter_id),
    )
    listeners = ListenerPool()
    deps = SlackDeps(
        settings=settings,
        clock=services.clock,
        incidents=services.incidents,
        drafts=services.drafts,
        intake=intake,
        renderer=renderer,
        delivery=delivery,
        after_ack=AfterAck(listeners, report=error_reporter(renderer)),
        dedupe=Deduplicator(services.db, services.clock),
        limiter=RateLimiter(settings.user_rate_per_minute),
        permissions=Permissions(team),
    )
    _triage_notices(deps, client)
    _webhooks(services, delivery)
    jobs = ModelJobs()
    _judge(services, deps, jobs)
    _reproduction(services, deps, jobs)
    return SlackParts(
        app=create_app(deps, client),
        outbox=outbox,
        intake=intake,
        listeners=listeners,
        startup_checks=lambda: warn_about_slack(client, settings),
        checkpoints=Checkpointer(services.db),
        model_outbox=_model_outbox(services, jobs),
        scheduler=build_scheduler(
            [*scheduled_jobs(services, outbox), *digest.jobs],
            timezone=settings.timezone,
        ),
    )


def _triage_team(services: Services, client: WebClient) -> TriageTeam:
    """The configured triage users plus the members of the triage user group, cached."""
    from bot.incidents.permissions import TriageTeam

    settings = services.settings
    return TriageTeam(
        users=settings.triage_user_ids,
        usergroup=settings.triage_usergroup,
        fetch=lambda group: client.usergroups_users_list(usergroup=group)["users"],
        clock=services.clock,
    )


def _triage_notices(deps: SlackDeps, client: WebClient) -> None:
    """Senders of reminders, nudges, DMs to assignees and reporters, App Home refreshes and
    the whole evidence as a file in the triage thread."""
    from bot.incidents import notices
    from bot.slack import home
    from bot.slack.evidence_file import EvidenceFiles
    from bot.slack.model_posts import ModelPausedPosts
    from bot.slack.people_posts import PeoplePosts
    from bot.slack.reminder_posts import ReminderPosts
    from bot.slack.screen_replies import ScreenReplies

    ReminderPosts(deps.delivery, usergroup=deps.settings.triage_usergroup).register()
    PeoplePosts(deps.delivery, reporter_updates=deps.settings.reporter_updates).register()
    deps.delivery.register(notices.HOME, home.sender(deps, client))
    EvidenceFiles(deps.delivery).register()
    ScreenReplies(deps.delivery).register()  # the summary of an eval log screened in Slack
    ModelPausedPosts(deps.delivery).register()  # a model connection's daily budget is spent


def _webhooks(services: Services, delivery: Delivery) -> None:
    """The sender of webhook notices (registered even with no URLs set, so that notices
    left for a URL since removed are skipped with a warning)."""
    from bot.incidents import notices
    from bot.webhooks.sender import WebhookSender

    settings = services.settings
    secret = settings.webhook_secret
    sender = WebhookSender(
        urls=settings.webhook_url_list(),
        secret=secret.get_secret_value() if secret else "",
        redactor=services.incidents.redactor,
        clock=services.clock,
        timeout=settings.webhook_timeout,
    )
    delivery.register(notices.WEBHOOK, sender)


def _judge(services: Services, deps: SlackDeps, jobs: ModelJobs) -> None:
    """The judge's second opinions (docs/judge.md); nothing when no judge is configured.

    Its replies' sender is registered either way, so that replies queued before the judge
    was switched off are still posted."""
    from bot.judge.job import JudgeJob
    from bot.slack.judge_posts import JudgeReplies

    JudgeReplies(deps.delivery).register()
    judge = build_judge(services)
    if judge is None:
        return
    job = JudgeJob(
        db=services.db,
        clock=services.clock,
        incidents=services.incidents,
        reviewer=judge,
        checker=services.incidents.checker,
        restricted=services.settings.judge_restricted,
        on_notice=services.outbox_wake.set,
    )
    jobs.register(notices.JUDGE_REVIEW, job)
    deps.judge = judge


def build_judge(services: Services) -> Judge | None:
    """The judge of SAFETYBOT_JUDGE_*, with its cache and daily budget (None: no judge)."""
    from bot.judge.cache import VerdictCache
    from bot.judge.review import Judge

    connection = services.settings.judge_connection()
    if connection is None:
        return None
    return Judge(
        _model_client(services, connection),
        redactor=services.incidents.redactor,
        cache=VerdictCache(services.db, services.clock),
        checks=services.checks.run,
    )


def _model_client(services: Services, connection: ModelConnection) -> ModelClient:
    """The client of ``connection``: the one tests set, else the provider's SDK in budget."""
    if services.model_client is not None:
        return services.model_client(connection)
    from bot.llm.budget import connected_client

    # The budget queues the one pause message a day itself; waking the outbox sends it now.
    return connected_client(
        services.db, services.clock, connection, on_paused=services.outbox_wake.set
    )


def _reproduction(services: Services, deps: SlackDeps, jobs: ModelJobs) -> None:
    """Reproduction runs (docs/reproduce.md): their thread replies always (a reply left
    queued is still posted), the Reproduce… button and the job only when a target model is
    configured."""
    from bot.slack.reproduce_replies import ReproductionReplies
    from bot.slack.triage_modals import offer_reproduce

    runs = reproductions(services)
    ReproductionReplies(deps.delivery, runs).register()
    if not runs.enabled:
        return
    deps.reproductions = runs
    offer_reproduce(deps.renderer)
    judge = build_judge(services)
    review = (lambda text: judge.review(text).to_dict()) if judge is not None else None
    jobs.register(notices.REPRODUCTION, reproduction_job(services, review=review))


def reproductions(services: Services) -> ReproductionService:
    """The reproduction runs of ``services``' database against SAFETYBOT_TARGET_* (off when
    no target is set)."""
    from bot.reproduce.runs import ReproductionService

    settings = services.settings
    return ReproductionService(
        db=services.db,
        clock=services.clock,
        connection=settings.target_connection(),
        allow_restricted=settings.judge_restricted,
        redactor=services.incidents.redactor,
        on_notice=services.outbox_wake.set,
    )


def reproduction_job(
    services: Services,
    *,
    client_for: Callable[[str], ModelClient] | None = None,
    review: Callable[[str], dict[str, Any] | None] | None = None,
) -> ReproductionJob:
    """The runner of reproduction runs: ``client_for(model)`` defaults to the target's
    connection with its daily budget; ``review`` is the judge's opinion of one output
    (None: no judge)."""
    from bot.reproduce.job import ReproductionJob

    settings = services.settings
    connection = settings.target_connection()
    return ReproductionJob(
        db=services.db,
        clock=services.clock,
        checks=services.checks.run,
        redactor=services.incidents.redactor,
        client_for=client_for or _target_client(services),
        concurrency=connection.concurrency if connection else settings.model_concurrency,
        review=review,
        allow_restricted=settings.judge_restricted,
        on_notice=services.outbox_wake.set,
    )


def _target_client(services: Services) -> Callable[[str], ModelClient]:
    """The target's client for a run's model (the configured one, or another model of the
    same provider), with the target's daily budget; the SDKs load on first use."""

    def client_for(model: str) -> ModelClient:
        connection = services.settings.target_connection()
        if connection is None:
            raise ConfigError("no target model is configured (SAFETYBOT_TARGET_PROVIDER)")
        return _model_client(services, replace(connection, model=model))

    return client_for


def _model_outbox(services: Services, jobs: ModelJobs) -> Outbox | None:
    """The worker of model jobs, apart from the posts' worker: a judge or a target model may
    take minutes, and a post must never wait for one. None when no model is configured."""
    from bot.slack.outbox import DEFAULT_RETRY, Outbox

    if not jobs.kinds:
        return None
    settings = services.settings
    return Outbox(
        db=services.db,
        deliver=jobs.run,
        clock=services.clock,
        policy=replace(DEFAULT_RETRY, base_delay=settings.outbox_retry_base),
        lease_seconds=max(settings.outbox_lease_seconds, MODEL_JOB_LEASE_SECONDS),
        kinds=notices.MODEL_JOBS,
        name="safetybot-models",
    )


def scheduled_jobs(services: Services, outbox: Outbox) -> list[ScheduledJob]:
    """Every scheduled job (fixed ids); each one coordinates through the database."""
    from bot.incidents.reminders import ReminderPolicy, Reminders, reminder_jobs

    settings = services.settings
    policy = ReminderPolicy(
        ack_after=timedelta(minutes=settings.ack_reminder_minutes),
        max_reminders=settings.ack_reminder_max,
    )
    reminders = Reminders(db=services.db, clock=services.clock, policy=policy)
    return [*reminder_jobs(reminders, after=outbox.kick)]


@dataclass
class DigestParts:
    """The weekly digest: figures and rendering always; posting when a channel is set."""

    digest: WeeklyDigest
    poster: DigestPoster
    runs: DigestRunStore
    runner: DigestRunner | None = None
    can_post: bool = False
    jobs: list[ScheduledJob] = field(default_factory=list)


def build_digest(
    services: Services, *, client: WebClient | None = None, delivery: Delivery | None = None
) -> DigestParts:
    """The digest over ``services``; its job posts to SAFETYBOT_DIGEST_CHANNEL exactly once a week.

    The post goes through the outbox. Given the running bot's ``delivery``, the digest's
    sender is registered there and a queued post wakes the bot's outbox worker. Without it
    (the command line, the playground button), an outbox of its own delivers that one
    message inline, so the caller learns the outcome at once; a post it could not make yet
    stays queued for the running bot to retry.
    """
    from bot.digest.posting import DigestRunner, digest_job, digest_schedule
    from bot.digest.runs import NOTICE, DigestRunStore
    from bot.digest.weekly import WeeklyDigest
    from bot.slack.app import TEMPLATES, web_client
    from bot.slack.blocks import TemplateRenderer
    from bot.slack.delivery import Delivery
    from bot.slack.digest_post import DigestPoster, sender

    settings, clock = services.settings, services.clock
    digest = WeeklyDigest(
        services.db, zone=settings.timezone, clock=clock, command=settings.command
    )
    renderer = TemplateRenderer(TEMPLATES, redactor=services.incidents.redactor)
    client = client or web_client(settings)
    poster = DigestPoster(client, renderer)
    runs = DigestRunStore(services.db, clock)
    parts = DigestParts(digest, poster, runs, can_post=settings.slack_bot_token is not None)
    if not settings.digest_channel:
        return parts
    send: Callable[[str], int]
    if delivery is None:
        delivery = Delivery(
            client=client, renderer=renderer, incidents=services.incidents, triage_channel=None
        )
        outbox = _outbox(services, delivery, on_outcome=runs.after_delivery)
        send = lambda key: outbox.run_once(ordering_key=key)  # noqa: E731
    else:
        wake = services.outbox_wake

        def send(key: str) -> int:
            wake.set()
            return 0

    parts.runner = DigestRunner(
        runs=runs,
        digest=digest,
        post=poster.post,
        send=send,
        find=poster.find,
        channel=settings.digest_channel,
        clock=clock,
        schedule=digest_schedule(settings.digest_cron, settings.timezone),
        zone=settings.timezone,
        on_result=services.metrics.digest_run,
    )
    delivery.register(NOTICE, sender(parts.runner))
    if parts.can_post:
        parts.jobs.append(digest_job(parts.runner, now=clock.now()))
    return parts


def _outbox(services: Services, delivery: Delivery, **hooks: Any) -> Outbox:
    """An outbox delivering through ``delivery``, with the retry settings every outbox shares."""
    from bot.slack.outbox import DEFAULT_RETRY, Outbox

    settings = services.settings
    return Outbox(
        db=services.db,
        deliver=delivery.deliver,
        clock=services.clock,
        policy=replace(DEFAULT_RETRY, base_delay=settings.outbox_retry_base),
        lease_seconds=settings.outbox_lease_seconds,
        **hooks,
    )


def _playground_digest(services: Services) -> Callable[[], str] | None:
    runner = build_digest(services).runner
    return runner.post_preview if runner else None


def build_http(
    services: Services, *, client: WebClient | None = None, parts: SlackParts | None = None
) -> SlackHttpApp:
    """The ASGI app of HTTP mode: Slack requests, health and readiness, background work
    (``parts``, when the caller built them to reach them itself)."""
    from bot.slack.http import SlackHttpApp

    parts = parts or build_slack(services, client=client)
    secret = services.settings.slack_signing_secret
    return SlackHttpApp(
        parts.app,
        signing_secret=secret.get_secret_value() if secret else "",
        ready=services.db.is_current,
        max_body=services.settings.max_body_bytes,
        on_startup=parts.start,
        on_shutdown=parts.stop,
        metrics=services.metrics,
    )


def build_playground(services: Services, http: SlackHttpApp, launch: Launch) -> PlaygroundApp:
    """The local playground in front of ``http``: a fake Slack workspace that drives the bot."""
    from bot.playground.sender import Sender
    from bot.playground.session import Playground
    from bot.playground.web import PlaygroundApp
    from bot.playground.workspace import seed
    from bot.slack.shortcuts import GLOBAL_SHORTCUT, MESSAGE_SHORTCUT
    from bot.testing.fake_slack import FakeSlackAPI

    settings = services.settings
    token, secret = settings.slack_bot_token, settings.slack_signing_secret
    assert token is not None and secret is not None, "prepare() sets both"
    fake = FakeSlackAPI(tokens=(token.get_secret_value(),), root=launch.root)
    seed(fake, launch.workspace)
    playground = Playground(
        fake=fake,
        workspace=launch.workspace,
        sender=Sender(f"{launch.root}/slack/events", secret.get_secret_value()),
        command=settings.command,
        message_shortcuts={MESSAGE_SHORTCUT: "Report safety incident"},
        global_shortcuts={GLOBAL_SHORTCUT: "New safety incident"},
        post_digest=_playground_digest(services),
    )
    return PlaygroundApp(http, playground)
