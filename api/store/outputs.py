"""Rendered outputs in the database: packed when a job completes, unpacked when served.

See ``api.packing`` for the stored form. Shared assets are written once, outside the job's
completion transaction (content-addressed, so a copy left by an attempt that lost its claim is
simply used by the next one), and kept in memory once read: they never change.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db.clock import utcnow
from api.db.tables import Artifact, Blob, TaskOutput
from api.packing import COMPRESSION, Packed, pack, unpack
from api.store.database import Database

_cache: dict[str, bytes] = {}
_lock = threading.Lock()
# Outputs as served, most recently used last: a version's outputs never change once written
# (only retention removes them, and the version says so before anything is read here).
_served: OrderedDict[tuple[str, int, str], Output] = OrderedDict()
SERVED_CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Output:
    """An output as served: media type, content as rendered, its script policy (HTML)."""

    media_type: str
    content: bytes
    csp: str | None


def prepare(db: Database, artifacts: dict[str, tuple[str, bytes]]) -> dict[str, Packed]:
    """Pack each output and store the shared assets they refer to (idempotent)."""
    packed: dict[str, Packed] = {}
    assets: dict[str, bytes] = {}
    for kind, (media_type, content) in artifacts.items():
        packed[kind], used = pack(media_type, content)
        assets.update(used)
    for digest, content in assets.items():
        _save_blob(db, digest, content)
    return packed


def _save_blob(db: Database, digest: str, content: bytes) -> None:
    with db.read() as s:
        if s.scalar(select(Blob.digest).where(Blob.digest == digest)) is not None:
            return
    try:
        with db.begin() as s:
            s.add(
                Blob(
                    digest=digest,
                    content=zlib.compress(content, COMPRESSION),
                    size=len(content),
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        pass  # another worker stored the same asset meanwhile: the same bytes


def asset_list(p: Packed) -> str | None:
    """The shared assets a packed output takes back, as stored (JSON), or None."""
    return json.dumps(list(p.assets)) if p.assets else None


def add(s: Session, plan_id: str, number: int, packed: dict[str, Packed]) -> None:
    """Add the packed outputs of a version inside the caller's transaction."""
    for kind, p in packed.items():
        s.add(
            Artifact(
                plan_id=plan_id,
                number=number,
                kind=kind,
                media_type=p.media_type,
                content=p.content,
                encoding="zlib",
                assets=asset_list(p),
                csp=p.csp,
            )
        )


def load(db: Database, plan_id: str, number: int, kind: str) -> Output | None:
    """One output of a version as it was rendered, or None."""
    return _load(db, Artifact, (plan_id, number, kind), (plan_id, number, kind))


def load_task(db: Database, task_id: str, name: str) -> Output | None:
    """One page of a task as it was made, or None."""
    # Task ids and plan ids are distinct UUIDs: one cache holds both.
    return _load(db, TaskOutput, (task_id, name), (task_id, 0, name))


def _load(
    db: Database,
    table: type[Artifact] | type[TaskOutput],
    pk: tuple[str, int, str] | tuple[str, str],
    key: tuple[str, int, str],
) -> Output | None:
    with _lock:
        if key in _served:
            _served.move_to_end(key)
            return _served[key]
    with db.read() as s:
        row = s.get(table, pk)
        if not isinstance(row, Artifact | TaskOutput):
            return None
        digests = json.loads(row.assets) if row.assets else []
        assets = {d: _blob(s, d) for d in digests}
        found = Output(row.media_type, unpack(row.content, row.encoding, assets), row.csp)
    _remember(key, found)
    return found


def _remember(key: tuple[str, int, str], found: Output) -> None:
    with _lock:
        _served[key] = found
        total = sum(len(o.content) for o in _served.values())
        while total > SERVED_CACHE_BYTES and len(_served) > 1:
            _, dropped = _served.popitem(last=False)
            total -= len(dropped.content)


def _blob(s: Session, digest: str) -> bytes:
    with _lock:
        cached = _cache.get(digest)
    if cached is not None:
        return cached
    stored = s.scalar(select(Blob.content).where(Blob.digest == digest))
    if stored is None:
        raise LookupError(f"shared asset {digest} is missing")
    content = zlib.decompress(stored)
    with _lock:
        _cache[digest] = content
    return content
