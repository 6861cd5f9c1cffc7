"""A judge model's second opinion on an incident's evidence (docs/judge.md)."""
