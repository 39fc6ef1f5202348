"""The trainer's notes of a generated exercise: the answer key, in Markdown."""

from __future__ import annotations

from planner.exercises.exercise import Exercise
from planner.exercises.faults import FaultKind

# What each fault teaches: the learning goal a trainer reads out in the debrief.
GOALS = {
    FaultKind.unauthorised_state: "check that every state on the route has authorised the delivery",
    FaultKind.delivery_refused: "check the content mode each state accepts (live, partial, "
    "substituted) and plan a substitution before a state that refuses a live delivery",
    FaultKind.team_off_duty: "read each team's availability before counting on it",
    FaultKind.base_abroad: "check where each team is based against its agency's state",
    FaultKind.no_legal_basis: "know which treaty allows foreign observation between two states, "
    "and hand over at the border where none does",
    FaultKind.too_late: "count the authorities' lead times back from the departure",
    FaultKind.missing_maritime: "staff every ferry leg with an escort on board or remote tracking",
}


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in body]
    return "\n".join(lines)


def trainer_notes(ex: Exercise) -> str:
    """The notes (see the module doc): route, faults and where they show, injects, the answer."""
    op = ex.scenario["operation"]
    answer = ex.answer
    route = ex.fixed_plan.route
    crossings = ", ".join(c.name for c in route.crossings) or "no border"
    parts = [
        f"# Trainer notes: {op['name']}",
        "",
        f"EXERCISE. Seed {ex.seed}, difficulty {ex.difficulty.value}. Regenerate with "
        f"`cdplan exercise new --seed {ex.seed} --difficulty {ex.difficulty.value} "
        f"--faults {len(ex.faults)}`.",
        "",
        f"Route of the corrected exercise: {' > '.join(route.countries)}, "
        f"{route.length_km:.0f} km, via {crossings}.",
        "",
        "## Learning goals",
        "",
        *[f"- {GOALS[f.kind]}" for f in ex.faults],
        "- re-plan after each inject and explain what changed",
        "",
        "## Planted faults (the answer key)",
        "",
        _table(
            [["#", "fault", "where", "code (subject)", "how the engine reports it"]]
            + [
                [str(i), f.kind.value, f.where, f"`{f.code}` ({f.subject})", how or "NOT REPORTED"]
                for i, (f, how) in enumerate(zip(ex.faults, ex.reported, strict=True), 1)
            ]
        ),
        "",
        f"With its faults the scenario is **{answer.status.value}**"
        + (
            f" (objective {answer.solver.objective})."
            if answer.status.has_plan
            else ": a trainee who finds the faults declares `status: infeasible` with a reason "
            "naming one of them, or fixes them and plans `answer/fixed.yaml`."
        ),
        "",
        "## Injects",
        "",
    ]
    if not ex.injects:
        parts.append("None.")
    for i, (event, changes) in enumerate(zip(ex.injects, ex.inject_changes, strict=True), 1):
        fields = ", ".join(f"{k}: {v}" for k, v in event.items() if k not in ("kind", "at"))
        parts += [f"{i}. **{event['kind']}** at {event['at']} ({fields})"]
        parts += [f"   - {c}" for c in changes[:6]]
    parts += [
        "",
        "## Files",
        "",
        "- `scenario.yaml`: what the trainee gets, with the faults;",
        "- `brief/brief.html`, `brief/brief.json`: the trainee's brief;",
        "- `injects.yaml`: the injects, for `cdplan exercise run`;",
        "- `answer/plan.json`: the engine's answer to `scenario.yaml` (timings left out);",
        "- `answer/trainee.yaml`: the same in the trainee's format, scored 100 by `cdplan judge`;",
        "- `answer/fixed.yaml`: the scenario without its faults.",
        "",
        "Judge a trainee's plan with `cdplan judge scenario.yaml TRAINEE.yaml -o debrief/`.",
    ]
    if ex.notes:
        parts += ["", "## Notes", "", *[f"- {n}" for n in ex.notes]]
    return "\n".join(parts) + "\n"
