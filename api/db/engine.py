"""Database engines: SQLite (WAL, synchronous=FULL) by default, PostgreSQL by URL.

Durability first: an answer of 202 means the job is on disk. With SQLite that needs WAL plus
``synchronous=FULL``; NORMAL can lose the last commits on a power cut.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("cdplan.db")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` means psycopg 3 here (the driver this project installs)."""
    u = make_url(url)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def private(path: Path, *, folder: bool) -> None:
    """Make ``path`` (created if missing) readable by its owner only: 0700 for a folder, 0600
    for a file; refuse to go on if that cannot be done (someone else owns it)."""
    mode = 0o700 if folder else 0o600
    if folder:
        path.mkdir(mode=mode, parents=True, exist_ok=True)
    elif not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, mode))
    current = path.stat().st_mode & 0o777
    if current & 0o077:
        log.warning("%s was open to other users (%o): now %o", path, current, mode)
        try:
            path.chmod(mode)
        except OSError as exc:
            raise PermissionError(
                f"{path} is readable by other users and cannot be made private: {exc.strerror}"
            ) from exc


def private_sqlite(database: str) -> None:
    """The SQLite file, its write-ahead log and its folder, private to the service's user.

    SQLite gives the log the permissions of the database file, so creating the file 0600 before
    SQLite opens it keeps the log private too; existing files are checked at every start.
    """
    path = Path(database)
    private(path.parent, folder=True)
    private(path, folder=False)
    for suffix in ("-wal", "-shm", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            private(extra, folder=False)


def make_engine(url: str, *, busy_seconds: float = 5.0) -> Engine:
    """An engine for ``url``: SQLite (WAL, synchronous=FULL, private files) or PostgreSQL."""
    url = normalise_url(url)
    if is_sqlite(url):
        path = make_url(url).database
        if path and path != ":memory:":
            private_sqlite(path)
        engine = create_engine(
            url,
            connect_args={"timeout": busy_seconds, "check_same_thread": False},
            pool_pre_ping=True,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Autocommit off for the driver's own BEGIN; we issue BEGIN IMMEDIATE ourselves so
            # that writers queue on the lock instead of failing half-way.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Readers take no write lock: in WAL mode they never wait for a writer.
            read_only = conn.get_execution_options().get("cdplan_read_only", False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    ms = int(busy_seconds * 1000)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"options": f"-c lock_timeout={ms} -c statement_timeout={ms * 6}"},
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
