"""Connections to model APIs (a judge, a target for reproduction runs); off unless configured."""
