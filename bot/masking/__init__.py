"""Credentials and personal data are never shown: the one masking rule, the masked copies
the command line and exports print, and search that never matches inside a masked value."""
