"""Webhooks out: a signed JSON POST to each configured URL on every incident event, delivered
through the outbox (docs/webhooks.md). No Slack in here."""
