"""The map's layer of how often each handover holds, from a robustness study (optional)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium

from planner.plan import Plan

# A handover that holds in this share of sampled worlds is shown green, then amber, else red.
HOLD_GOOD = 0.95
HOLD_FAIR = 0.8


def hold_colour(share: float) -> str:
    """Green where a handover holds in nearly every sample, amber, then red."""
    if share >= HOLD_GOOD:
        return "#1e8449"
    return "#d68910" if share >= HOLD_FAIR else "#c0392b"


def holds_layer(plan: Plan, holds: Sequence[float]) -> folium.FeatureGroup:
    """A ring around each handover, coloured by the share of sampled worlds in which it holds.

    ``holds`` is in the order of ``plan.handovers``; every text shown is escaped.
    """
    name = (
        f"Handovers: how often they hold (green {HOLD_GOOD:.0%} or more, amber "
        f"{HOLD_FAIR:.0%} or more, red below)"
    )
    layer = folium.FeatureGroup(name=html.escape(name))
    for h, share in zip(plan.handovers, holds, strict=False):
        text = (
            f"{h.kind} handover at {h.place.name}, {h.from_team} to {h.to_team}: holds in "
            f"{share:.0%} of sampled worlds"
        )
        folium.CircleMarker(
            (h.place.lat, h.place.lon),
            radius=11,
            color=hold_colour(share),
            weight=4,
            fill=False,
            tooltip=html.escape(text),
        ).add_to(layer)
    return layer
