"""The ``safetybot`` command line (``main.app``): thin commands over the services, one
module per command family, and what they share (``common``)."""
