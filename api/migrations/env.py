"""Alembic environment: the URL comes from the config built in api.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from api.db.tables import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
engine = create_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
