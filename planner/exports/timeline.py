"""The timeline: a Gantt of team assignments per agency and country, handovers and ETA windows.

It is written with the plotly.js bundled in the plotly wheel (no CDN).
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from planner.exports.map import agency_colours
from planner.plan import Plan


def _t(text: str) -> str:
    """Text for plotly's labels, which read a few HTML tags: shown as written, never as markup.

    Plotly turns the character references back into the characters.
    """
    return escape(text, quote=False)


def render_timeline(plan: Plan) -> str:
    """The timeline as one self-contained HTML page."""
    return str(
        timeline_figure(plan).to_html(
            include_plotlyjs=True,
            full_html=True,
            div_id="cdplan-timeline",
            config={"displaylogo": False},
        )
    )


def timeline_figure(plan: Plan, colours: dict[str, str] | None = None) -> go.Figure:
    """The timeline as a plotly figure (pages that hold several share one plotly.js).

    ``colours``: agency -> colour, for several timelines in one page; the plan's own otherwise.
    """
    colours = colours or agency_colours(plan)
    teams = {t.id: t for t in plan.teams}
    rows: list[str] = []
    fig = go.Figure()
    # ETA windows of the consignment: one bar per segment (earliest entry to latest exit).
    for seg in plan.segments:
        label = f"{seg.movement} (ETA window)" if seg.movement else "consignment (ETA window)"
        fig.add_trace(
            go.Bar(
                base=[seg.start],
                x=[(seg.end - seg.start).total_seconds() * 1000],
                y=[label],
                orientation="h",
                marker_color="#dddddd",
                marker_line_color="#999",
                marker_line_width=1,
                showlegend=False,
                hovertext=f"{seg.id} {seg.mode}: {_t(seg.from_.name)} to {_t(seg.to.name)}<br>"
                f"window {seg.start_local} to {seg.end_local}<br>expected "
                f"{seg.nominal_start:%d %b %H:%M} to {seg.nominal_end:%d %b %H:%M} UTC",
                hoverinfo="text",
            )
        )
        rows.append(label)
    shown: set[str] = set()
    # Rows in route order: a team's row sits where it first watches the consignment.
    order = {s.id: i for i, s in enumerate(plan.segments)}
    first: dict[str, int] = {}
    for a in plan.assignments:
        first[a.team] = min(first.get(a.team, len(order)), order.get(a.segment, len(order)))
    movement_order = {m.id: i for i, m in enumerate(plan.movements)}
    for a in sorted(
        plan.assignments,
        key=lambda a: (
            movement_order.get(a.movement or "", 0),
            first[a.team],
            a.team,
            a.expected_start,
        ),
    ):
        country = teams[a.team].country if a.team in teams else ""
        # With several movements the rows are grouped by movement.
        label = f"{a.movement + ' · ' if a.movement else ''}{country} · {a.agency} · {a.team}"
        fig.add_trace(
            go.Bar(
                base=[a.expected_start],
                y=[label],
                orientation="h",
                x=[(a.expected_end - a.expected_start).total_seconds() * 1000],
                marker_color=colours.get(a.agency, "#555"),
                name=a.agency,
                legendgroup=a.agency,
                showlegend=a.agency not in shown,
                hovertext=f"{a.team} ({a.agency}) on {a.segment}<br>expected "
                f"{a.expected_start:%d %b %H:%M} to {a.expected_end:%d %b %H:%M} UTC<br>"
                f"ready {a.start:%d %b %H:%M}, needed until {a.end:%d %b %H:%M} UTC"
                + (f"<br>duty {a.duty}" if a.duty else "")
                + (" · remote" if a.remote else ""),
                hoverinfo="text",
            )
        )
        shown.add(a.agency)
        rows.append(label)
    for h in plan.handovers:
        fig.add_trace(
            go.Scatter(
                x=[h.end],
                y=[
                    # A transfer's handover sits on the row of the movement it hands to.
                    f"{(h.movement or '').split('>')[-1] + ' · ' if h.movement else ''}"
                    f"{teams[h.to_team].country if h.to_team in teams else ''} · "
                    f"{h.to_agency} · {h.to_team}"
                ],
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": "#000"},
                name="handover",
                legendgroup="handover",
                showlegend=h is plan.handovers[0],
                hovertext=f"{h.kind} handover at {_t(h.place.name)}: "
                f"{h.from_team} to {h.to_team}<br>{h.start_local} to {h.end_local}",
                hoverinfo="text",
            )
        )
    op = plan.operation
    fig.update_layout(
        title=f"{op.marking} · {_t(op.name)} ({op.id}) · {plan.status} · times UTC",
        barmode="overlay",
        xaxis={"type": "date", "title": "UTC"},
        yaxis={"categoryorder": "array", "categoryarray": list(dict.fromkeys(rows))[::-1]},
        height=max(400, 28 * len(set(rows)) + 160),
        margin={"l": 260},
    )
    return fig
