"""Stand-ins for what the bot talks to, kept out of the production adapters: the tests and
the playground run the real bot against them."""
