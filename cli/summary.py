"""The short summary of a plan that ``cdplan plan`` and ``cdplan demo`` print."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from planner.plan import Plan

out = Console()


def print_summary(result: Plan, path: Path) -> None:
    """Print status, reasons, route, KPIs, handovers and warnings, then the path."""
    out.print(
        f"[bold]{result.operation.name}[/bold] ({result.operation.marking}): "
        f"[bold]{result.status}[/bold]"
    )
    for r in result.reasons:
        out.print(f"  - {r.message} [{r.code}: {r.subject}]")
    for m in result.movements:
        out.print(
            f"movement {m.id} ({m.consignment}, min_teams {m.min_teams}): "
            f"{' > '.join(m.route.countries)}, {m.route.length_km:.0f} km; "
            f"handovers {m.kpis.handovers}, team-hours {m.kpis.team_hours:.1f}"
        )
    if result.route.countries and not result.movements:
        out.print(
            f"route: {' > '.join(result.route.countries)}, {result.route.length_km:.0f} km, "
            f"{result.route.hours:.1f} h, via "
            f"{', '.join(c.name for c in result.route.crossings) or 'no border'}"
        )
    if result.assignments:
        k = result.kpis
        out.print(
            f"handovers: {k.handovers}, team-hours: {k.team_hours:.1f}, longest follow: "
            f"{k.longest_follow_hours:.1f} h; solver: objective {result.solver.objective}, "
            f"bound {result.solver.bound}, {result.solver.wall_seconds:.2f} s"
        )
        for h in result.handovers:
            out.print(f"  {h.kind:6} {h.place.name}: {h.from_team} -> {h.to_team}, {h.end_local}")
    for w in result.warnings:
        out.print(f"[yellow]warning:[/yellow] {w.message} [{w.code}: {w.subject}]")
    late = [a.country for a in result.authorisations if a.too_late]
    if late and not any(w.code == "too_late" for w in result.warnings):
        out.print(f"[yellow]too late to request authorisation in time:[/yellow] {', '.join(late)}")
    out.print(f"plan: {path}")
