"""Reproduction runs: an incident's prompt sent again to a target model (docs/judge.md)."""
