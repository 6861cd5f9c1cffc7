"""Reading eval logs and transcripts for ``safetybot import``, and screening them.

The readers (``eval_logs``, ``messages``, ``rows``, chosen by ``formats``) turn a file into
samples and know nothing of incidents; ``screening`` runs the checks on each sample and
files the flagged ones through the incident service. No Slack in here.
"""
