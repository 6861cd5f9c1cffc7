"""The weekly digest: weeks in the configured time zone, the figures of a week computed in
SQL, the template context made from them, and posting it exactly once per channel and week
whatever the replicas do."""
