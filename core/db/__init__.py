"""One SQLAlchemy 2.0 schema for both stores: SQLite (desktop) and PostgreSQL + pgvector (server)."""
