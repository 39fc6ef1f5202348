"""What a done version costs in the database, and that outputs come back as they were made."""

from __future__ import annotations

from sqlalchemy import func, select

from api import packing
from api.db.tables import Artifact, Blob, Version
from api.store import outputs, versions
from tests.api.conftest import AGENCIES, Solved, World, seed_plan

OWN, _ = AGENCIES
TARGET = 600_000


def version_bytes(world: World, plan_id: str) -> int:
    """Bytes of the version row's texts and of its output rows (shared assets are not its own)."""
    with world.db.read() as s:
        v = s.get(Version, (plan_id, 1))
        assert v is not None
        texts = sum(len(t or "") for t in (v.scenario_json, v.plan_json, v.event_json))
        outputs_ = s.scalar(
            select(func.sum(func.length(Artifact.content))).where(Artifact.plan_id == plan_id)
        )
        return texts + int(outputs_ or 0)


def test_a_done_version_costs_less_than_600_kb_and_assets_are_kept_once(
    world: World, aurora: Solved
) -> None:
    rendered = sum(len(content) for _, content in aurora.artifacts.values())
    assert rendered > 5_000_000  # plotly.js in every timeline, Leaflet in every map
    first = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    cost = version_bytes(world, first)
    assert cost < TARGET, cost
    with world.db.read() as s:
        v = s.get(Version, (first, 1))
        assert v is not None and v.stored_bytes == cost
        blobs = s.scalar(select(func.count()).select_from(Blob))
        blob_bytes = s.scalar(select(func.sum(func.length(Blob.content))))
    assert blobs and blobs >= 2  # plotly.js, and at least Leaflet
    for _ in range(3):
        seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    with world.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Blob)) == blobs
        assert s.scalar(select(func.sum(func.length(Blob.content)))) == blob_bytes
    print(f"rendered {rendered} bytes; stored {cost} per version + {blob_bytes} shared once")


def test_outputs_are_served_as_they_were_rendered(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    for name, (media, content) in aurora.artifacts.items():
        found = outputs.load(world.db, pid, 1, name)
        assert found is not None and found.media_type == media
        if media.startswith("text/html"):
            # As rendered, with its script policy written in first.
            assert found.csp == packing.script_policy(content)
            assert found.content == packing.with_policy(content, found.csp)
        else:
            assert found.content == content and found.csp is None
        assert versions.artifact(world.db, pid, 1, name) == (media, found.content)


def test_a_marker_in_a_page_takes_back_only_what_its_row_lists() -> None:
    """Packing takes out only library scripts; a marker the page did not get from packing (it
    would have to come from the plan's text) is left alone when the page is served."""
    library = sorted(packing.library_digests())[0]
    page = b"<html><head></head><body><script>var x = 1;</script></body></html>"
    packed, assets = packing.pack("text/html", page)
    assert assets == {} and packed.assets == ()
    forged = page.replace(b"var x = 1;", b"<!--cdplan-asset:" + library.encode() + b"-->")
    assert packing.unpack(forged, "identity", {}) == forged
