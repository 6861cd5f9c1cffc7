"""Storage: the tables, the engine and its sessions, migrations, and the SQL that differs
between SQLite and PostgreSQL (nothing outside this package asks which database it is)."""
