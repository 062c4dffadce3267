"""The database at a server process's start: the schema upgraded and the reference data seeded
once across processes, and the live recordings a stop cut left marked.

Shared by the API processes (``create_app``'s start-up) and the live-video owner process
(:mod:`sync.server.live_owner`), which may start first.
"""

from __future__ import annotations

from sqlalchemy import text

from core.bank import seed_reference_data
from core.db.session import transaction, upgrade_database
from core.services import recordings

MIGRATION_LOCK = 20_202_020  # pg_advisory_lock key: one process migrates at a time


def migrate_once(engine, sessions) -> None:
    """Upgrade and seed; with several server processes starting together (``--workers``)
    PostgreSQL's advisory lock serialises them, the later ones finding nothing to do."""
    if engine.dialect.name != "postgresql":
        upgrade_database(engine)
        with transaction(sessions) as s:
            seed_reference_data(s)
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        try:
            upgrade_database(engine)
            with transaction(sessions) as s:
                seed_reference_data(s)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
            lock.commit()


def mark_interrupted_recordings(sessions) -> None:
    """Live recordings cut by a stop that could not finish them (the file holds what arrived):
    marked once when the process that owns the live streams starts, so nobody waits for them.
    Only that process may do it: another process starting (a restarted API worker) would mark
    the streams that are being recorded now."""
    with transaction(sessions) as s:
        recordings.mark_interrupted(s)
