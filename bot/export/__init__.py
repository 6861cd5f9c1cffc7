"""Incidents written out for other tools: CSV, JSON Lines and AVID reports."""
