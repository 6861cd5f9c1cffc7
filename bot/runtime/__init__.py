"""What every long-running part of the process shares: the clock, the background worker
loop, scheduled jobs, per-user rate limits and the log format."""
