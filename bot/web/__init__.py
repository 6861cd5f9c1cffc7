"""The process's HTTP side: ASGI plumbing shared by the Slack endpoint and the playground,
``/healthz``, ``/readyz`` and ``/metrics``, and start-up (``safetybot run``, uvicorn)."""
