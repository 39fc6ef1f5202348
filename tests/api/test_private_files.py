"""The SQLite file, its write-ahead log and the data folder are the service user's only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from api.app import create_app
from api.settings import load_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_private_and_tightened_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o022)  # the usual umask: files 0644, folders 0755
    try:
        app = create_app(load_settings(data_dir=data), supervise=False)
        app.state.services.db.dispose()
        assert mode(data) == 0o700
        db = data / "cdplan.db"
        assert mode(db) == 0o600
        wal = data / "cdplan.db-wal"
        assert not wal.exists() or mode(wal) == 0o600
        # Left open by someone (or an earlier version): closed again at the next start.
        data.chmod(0o755)
        db.chmod(0o644)
        app = create_app(load_settings(data_dir=data), supervise=False)
        with app.state.services.db.begin() as s:
            s.connection().exec_driver_sql("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
        assert mode(data) == 0o700 and mode(db) == 0o600
        assert mode(data / "cdplan.db-wal") == 0o600
        app.state.services.db.dispose()
    finally:
        os.umask(old)
