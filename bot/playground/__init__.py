"""The local playground: a fake Slack workspace in the browser that drives the real bot.

When no Slack tokens are set, ``safetybot run`` serves the bot with this package in front
of it. The bot runs unchanged: the playground is its Slack Web API
(``SAFETYBOT_SLACK_API_URL``, answered by :class:`bot.testing.fake_slack.FakeSlackAPI`) and the
sender of the signed requests Slack would send (slash commands, shortcuts, button clicks,
modal submissions, App Home). A small static web page shows what the bot posts.
"""
