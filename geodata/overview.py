"""A static overview map of the layers (PNG), drawn offline with matplotlib.

Used by ``cdplan demo`` and for reviewing the data by eye: countries, restricted areas, the network
by mode, crossings by status, ports, and optionally some routes on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from shapely.geometry import shape

from geodata.export import frame
from geodata.layers import Geodata

EXTENT = (12.0, 52.0, 34.5, 53.0)  # lon_min, lon_max, lat_min, lat_max
ROUTE_COLOURS = ("#d62728", "#9467bd", "#8c564b")


def draw_overview(
    geo: Geodata,
    path: Path,
    *,
    routes: Sequence[tuple[str, dict[str, object]]] = (),
    title: str = "cdplan geodata",
) -> Path:
    """Draw the layers and some routes (label, GeoJSON LineString) to ``path`` as a PNG."""
    fig, ax = plt.subplots(figsize=(16, 10), dpi=110)
    countries = frame(geo, "countries")
    countries.plot(
        ax=ax,
        color=countries["bsec"].map({True: "#f3efe2", False: "#e4e4e4"}),
        edgecolor="#8a8a8a",
        linewidth=0.5,
    )
    restricted = frame(geo, "restricted")
    if len(restricted):
        active = restricted[restricted["active"]]
        active.plot(
            ax=ax, color="#c0392b", alpha=0.35, edgecolor="#922b21", hatch="//", linewidth=0.6
        )
    net = frame(geo, "network")
    if len(net):
        styles = {
            "road": ("#555555", 0.9, "-"),
            "rail": ("#1f77b4", 0.9, "--"),
            "ferry": ("#17becf", 0.8, ":"),
        }
        for mode, (colour, width, style) in styles.items():
            part = net[(net["mode"] == mode) & net["restricted"].isna()]
            if len(part):
                part.plot(ax=ax, color=colour, linewidth=width, linestyle=style)
        blocked = net[net["restricted"].notna()]
        if len(blocked):
            blocked.plot(ax=ax, color="#c0392b", linewidth=0.9, linestyle="-")
    for i, (_, geometry) in enumerate(routes):
        xs, ys = shape(geometry).xy
        ax.plot(
            xs,
            ys,
            color=ROUTE_COLOURS[i % len(ROUTE_COLOURS)],
            linewidth=3.0 - i * 0.7,
            alpha=0.85,
            zorder=5,
        )
    crossings = frame(geo, "crossings")
    colours = {"open": "#2ca02c", "closed": "#000000", "non_plannable": "#c0392b"}
    for status, colour in colours.items():
        part = crossings[crossings["status"] == status]
        if len(part):
            part.plot(ax=ax, color=colour, markersize=14, marker="D", zorder=6)
    ports = frame(geo, "ports")
    if len(ports):
        ports.plot(ax=ax, color="#1f4e79", markersize=22, marker="s", zorder=6)
    cities = frame(geo, "cities")
    capitals = cities[cities["kind"] == "capital"] if len(cities) else cities
    if len(capitals):
        capitals.plot(ax=ax, color="#000000", markersize=30, marker="*", zorder=7)
        for _, row in capitals.iterrows():
            ax.annotate(
                row["name"],
                (row.geometry.x, row.geometry.y),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=8,
                zorder=8,
            )
    ax.set_xlim(EXTENT[0], EXTENT[1])
    ax.set_ylim(EXTENT[2], EXTENT[3])
    ax.set_aspect(1.3)  # roughly equal km per degree at 40-45 N
    ax.set_title(title)
    ax.legend(
        handles=[
            Line2D([], [], color="#555555", label="road"),
            Line2D([], [], color="#1f77b4", linestyle="--", label="rail"),
            Line2D([], [], color="#17becf", linestyle=":", label="ferry"),
            Line2D([], [], color="#c0392b", label="edge into a restricted area (never routed)"),
            Line2D([], [], color="#2ca02c", marker="D", linestyle="", label="crossing: open"),
            Line2D(
                [], [], color="#c0392b", marker="D", linestyle="", label="crossing: non-plannable"
            ),
            Line2D([], [], color="#000000", marker="D", linestyle="", label="crossing: closed"),
            Line2D([], [], color="#1f4e79", marker="s", linestyle="", label="port"),
            Patch(
                facecolor="#c0392b",
                alpha=0.35,
                hatch="//",
                label="area without a cooperating authority",
            ),
            *[
                Line2D(
                    [], [], color=ROUTE_COLOURS[i % len(ROUTE_COLOURS)], linewidth=3, label=label
                )
                for i, (label, _) in enumerate(routes)
            ],
        ],
        loc="lower left",
        fontsize=8,
        framealpha=0.9,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
