"""One handle on the database: engine, sessions, and the errors a caller can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from api.db.engine import make_engine, session_factory
from api.db.migrate import upgrade


class StoreError(Exception):
    """A request the store refuses; ``code`` is the rule, ``field`` what it is about."""

    status = 409

    def __init__(
        self, code: str, message: str, field: str = "", errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.errors = errors or []  # each problem as {loc, msg, fix}, when there are several


class NotFoundError(StoreError):
    status = 404


class ConflictError(StoreError):
    status = 409


class UnprocessableError(StoreError):
    status = 422


class InsufficientStorageError(StoreError):
    """A storage quota is used up (507): nothing more is kept until something is removed."""

    status = 507


class BusyError(StoreError):
    """Too much queued work: try again later (503 with Retry-After)."""

    status = 503


class Database:
    def __init__(self, url: str, *, busy_seconds: float = 5.0, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url, busy_seconds=busy_seconds)  # creates a SQLite folder
        if migrate:
            upgrade(url)
        self._sessions = session_factory(self.engine)
        self._readers = session_factory(self.engine.execution_options(cdplan_read_only=True))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A transaction: committed on leaving, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads (on SQLite it takes no write lock)."""
        with self._readers.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
