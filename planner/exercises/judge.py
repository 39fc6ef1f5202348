"""Judging a trainee's plan against the rules and against the proven optimum.

The steps:

1. rebuild the brief's routes and segments from the scenario (planner.exercises.brief);
2. refuse a plan that names a team or segment the scenario does not have, all at once;
3. turn the trainee's assignments into blocks (a team on a run of consecutive segments) and the
   blocks into a plan document, with the engine's own assembly: handovers, requests, local times;
4. check it with the solver-free checker, as every engine plan is checked;
5. solve the same scenario to a proven optimum, and cost both plans with the same objective;
6. score (planner.exercises.score) and say why.

A scenario whose only fault is foreign observation without a legal basis is judged on the
scenario without it: a trainee who hands over at the border there did the right thing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import Field

from geodata.layers import Geodata
from planner import assemble, engine
from planner.check.checker import check
from planner.check.violation import RULE_NAMES, Violation
from planner.exercises import score as scoring
from planner.exercises.brief import brief_problem
from planner.exercises.costs import objective_of, terms_of
from planner.exercises.trainee import TraineePlan, parse_trainee, unknown_ids
from planner.io import ScenarioError
from planner.model.blocks import Block, given_block
from planner.model.problem import Problem
from planner.model.solve import Solution, SolverReport
from planner.plan import Authorisation, ObjectiveTerms, Out, Plan, PlanStatus
from planner.reasons import Reason
from planner.resolve.law import observation_reasons, without_unlawful_observation
from planner.scenario import Scenario


class JudgedViolation(Out):
    """One rule the trainee's plan breaks."""

    rule: str = Field(description="The rule's name (docs/rules.md)")
    number: int = Field(description="The rule's number in docs/rules.md")
    subject: str = Field(description="What it is about: a segment, team, state or place")
    message: str = Field(description="What is wrong, in plain words")


class Judgement(Out):
    """The verdict on a trainee's plan, as ``cdplan judge --json`` prints it."""

    score: int = Field(description="0 to 100 (the formula is in docs/trainers.md)")
    feasible: bool = Field(description="Whether the trainee's plan keeps every rule")
    violations: list[JudgedViolation] = Field(description="Every rule broken")
    objective: float | None = Field(description="The trainee's plan's cost (same objective)")
    optimum: float | None = Field(description="The proven optimum's cost")
    gap: float | None = Field(description="(objective - optimum) / optimum")
    engine_status: str = Field(description="optimal, feasible, infeasible, invalid or timeout")
    declared: str = Field(description="What the trainee said: planned or infeasible")
    notes: list[str] = Field(description="Why the score is what it is, in plain words")
    engine_reasons: list[Reason] = Field(description="Why no plan exists, by the engine")
    terms: dict[str, ObjectiveTerms] = Field(
        description="Cost by objective term: trainee and optimum"
    )


@dataclass(frozen=True)
class Judged:
    """The judgement, with both plans for the debrief."""

    judgement: Judgement
    trainee: Plan | None
    optimum: Plan
    scenario: Scenario  # the scenario both were judged on


def as_trainee(plan: Plan) -> TraineePlan:
    """A plan in the trainee's format (the engine's own answer, written as a trainee would)."""
    modes = {s.id: s.mode for s in plan.segments}
    return parse_trainee(
        {
            "status": "planned" if plan.status.has_plan else "infeasible",
            "reasons": [f"{r.message} [{r.code}: {r.subject}]" for r in plan.reasons],
            "assignments": [
                {
                    "team": a.team,
                    "segment": a.segment,
                    "remote": a.remote and modes[a.segment] != "ferry",
                }
                for a in plan.assignments
            ],
            "authorisations": [
                {
                    "country": a.country,
                    "request_by": a.request_by.isoformat(),
                    "kind": a.kind,
                    **({"observer": a.observer} if a.observer else {}),
                }
                for a in plan.authorisations
            ],
        }
    )


def _blocks(problem: Problem, trainee: TraineePlan) -> tuple[int, list[Block], list[Violation]]:
    """The trainee's route and blocks; a plan over two routes is judged on its main one."""
    routes = Counter(int(a.segment.split("-")[0][1:]) - 1 for a in trainee.assignments)
    route = routes.most_common(1)[0][0] if routes else 0
    out: list[Violation] = []
    if len(routes) > 1:
        names = ", ".join(f"R{r + 1}" for r in sorted(routes))
        out.append(
            Violation(
                0,
                "route",
                f"assignments on {names}: a plan follows one route; only R{route + 1} is judged",
            )
        )
    option = problem.routes[route]
    runs: dict[tuple[str, bool], set[int]] = defaultdict(set)
    for a in trainee.assignments:
        if int(a.segment.split("-")[0][1:]) - 1 == route:
            runs[(a.team, a.remote)].add(int(a.segment.split("-S")[1]) - 1)
    blocks = []
    for (team_id, remote), indices in sorted(runs.items()):
        team = problem.team(team_id)
        ordered = sorted(i for i in indices if i < len(option.segments))
        start = ordered[0] if ordered else 0
        for prev, cur in zip(ordered, [*ordered[1:], None], strict=True):
            if cur is None or cur != prev + 1:
                blocks.append(given_block(problem, option, team, start, prev, remote=remote))
                start = cur if cur is not None else start
    return route, blocks, out


def _duties(problem: Problem, blocks: list[Block]) -> dict[str, int | None]:
    """Each block's duty number per team (0-based): a new duty after the minimum rest."""
    out: dict[str, int | None] = {}
    by_team: dict[str, list[Block]] = defaultdict(list)
    for b in blocks:
        if b.remote or problem.routes[b.route].segments[b.first].mode == "ferry":
            out[b.id] = None
        else:
            by_team[b.team].append(b)
    for team_id, own in by_team.items():
        rest = problem.team(team_id).min_rest
        duty, last_end = -1, None
        for b in sorted(own, key=lambda b: b.duty_start):
            if last_end is None or b.duty_start - last_end >= rest:
                duty += 1
            out[b.id] = duty
            last_end = b.duty_end
        # keep the order stable for equal starts
    return out


def _authorisations(plan: Plan, trainee: TraineePlan) -> list[Authorisation]:
    """The requests as the trainee gave them: the engine's wording, the trainee's times."""
    assert trainee.authorisations is not None
    planned_at = plan.operation.planned_at
    by_key = {(a.country, a.kind, a.observer): a for a in plan.authorisations}
    out = []
    for given in trainee.authorisations:
        observer = given.observer if given.kind == "observation" else None
        base = by_key.get((given.country, given.kind, observer))
        when = given.request_by.astimezone(UTC)
        if base is None:
            continue  # a request to a state the plan does not need: harmless
        out.append(base.model_copy(update={"request_by": when, "too_late": when < planned_at}))
    return out


def trainee_plan(
    scenario: Scenario, geo: Geodata, trainee: TraineePlan, *, now: datetime | None = None
) -> tuple[Plan, list[Violation], list[Block], Problem]:
    """The trainee's plan as a plan document, with what breaks a rule (steps 1 to 4)."""
    resolved = brief_problem(scenario, geo, now=now)
    problem = resolved.problem
    segments = [s.id for o in problem.routes for s in o.segments]
    bad = unknown_ids(trainee, [t.id for t in problem.teams], segments)
    if bad:
        raise ScenarioError(bad)
    route, blocks, extra = _blocks(problem, trainee)
    objective = objective_of(problem, blocks)
    solution = Solution(
        status=PlanStatus.feasible,
        report=SolverReport(
            objective=objective,
            bound=None,
            wall_seconds=0.0,
            build_seconds=0.0,
            seed=0,
            workers=0,
            version="trainee",
            blocks=len(blocks),
        ),
        route=route,
        blocks=blocks,
        duty_of=_duties(problem, blocks),
    )
    info = assemble.operation_info(scenario, resolved.planned_at)
    plan = engine.assemble_plan(scenario, geo, resolved, problem, solution, info)
    if trainee.authorisations is not None:
        plan.authorisations = _authorisations(plan, trainee)
    return plan, extra + check(scenario, plan, geo), blocks, problem


def _violations(found: list[Violation]) -> list[JudgedViolation]:
    return [
        JudgedViolation(
            rule=RULE_NAMES.get(v.rule, str(v.rule)),
            number=v.rule,
            subject=v.subject,
            message=v.message,
        )
        for v in found
    ]


def _optimum_terms(
    problem: Problem, geo: Geodata, scenario: Scenario, optimum: Plan
) -> ObjectiveTerms:
    """The optimum's terms, counted on the brief's problem like the trainee's."""
    route_blocks = _blocks(problem, as_trainee(optimum))[1]
    return terms_of(problem, route_blocks)


def judge(
    scenario: Scenario, trainee: TraineePlan, geo: Geodata, *, now: datetime | None = None
) -> Judged:
    """Judge a trainee's plan (see the module doc).

    Args:
        scenario: the exercise's scenario.
        trainee: the trainee's plan.
        geo: the geodata.
        now: the planning time when the scenario gives no ``operation.planned_at``.

    Returns:
        The judgement and both plans.

    Raises:
        ScenarioError: the plan names a team or segment the scenario does not have.
        PlanningError: the scenario cannot be cut into segments (a bad place).
    """
    notes: list[str] = []
    reference = scenario
    if observation_reasons(scenario):
        reference = without_unlawful_observation(scenario)
        notes.append(
            "the scenario opens foreign observation where no treaty allows it "
            "(no_legal_basis): judged without it, as a planner would hand over at the border"
        )
    optimum = engine.plan(reference, geo, now=now)
    has_plan = optimum.status.has_plan
    decided = optimum.status in (PlanStatus.optimal, PlanStatus.infeasible, PlanStatus.invalid)
    engine_reasons = list(optimum.reasons)
    if optimum.status is PlanStatus.invalid or not has_plan:
        engine_reasons += [r for r in observation_reasons(scenario) if r not in engine_reasons]
    terms: dict[str, ObjectiveTerms] = {}
    problem = brief_problem(reference, geo, now=now).problem
    if has_plan:
        terms["optimum"] = _optimum_terms(problem, geo, reference, optimum)
    if trainee.status.value == "infeasible":
        unlawful = observation_reasons(scenario)
        named = scoring.names_cause(trainee.reasons, engine_reasons + unlawful)
        points = scoring.infeasible_score(has_plan, decided, named)
        if unlawful and scoring.names_cause(trainee.reasons, unlawful):
            # The scenario as given is refused by the engine too: naming why is right.
            points = 100
            notes.append(
                "right: the scenario as given cannot be planned, as it grants foreign "
                "observation without a legal basis (no_legal_basis)"
            )
        elif has_plan:
            notes.append(
                f"a plan exists: the engine proves one with cost {optimum.solver.objective}; "
                "declaring the operation infeasible scores 0"
            )
        elif named:
            notes.append("right: no plan exists, and a reason given names the cause")
        elif decided:
            notes.append(
                "right that no plan exists, but no reason given names the cause: "
                + "; ".join(r.message for r in engine_reasons[:3])
            )
        judgement = Judgement(
            score=points,
            feasible=False,
            violations=[],
            objective=None,
            optimum=optimum.solver.objective if has_plan else None,
            gap=None,
            engine_status=optimum.status.value,
            declared="infeasible",
            notes=notes,
            engine_reasons=engine_reasons,
            terms=terms,
        )
        return Judged(judgement=judgement, trainee=None, optimum=optimum, scenario=reference)
    plan, found, blocks, problem = trainee_plan(reference, geo, trainee, now=now)
    terms["trainee"] = terms_of(problem, blocks)
    objective = plan.solver.objective
    best = optimum.solver.objective if optimum.status is PlanStatus.optimal else None
    relative = scoring.gap(objective, best) if objective is not None and best is not None else None
    if not found and relative is not None and relative < 0:
        notes.append(
            "cheaper than the engine's proven optimum: the checker is more lenient than the "
            "model on this plan; please report it"
        )
    if found:
        notes.append(f"{len(found)} rule(s) broken: a plan that breaks rules scores at most 50")
    if not has_plan:
        notes.append(
            f"the engine finds no plan ({optimum.status.value}): "
            + "; ".join(r.message for r in engine_reasons[:3])
        )
    elif optimum.status is PlanStatus.feasible:
        notes.append("the engine found a plan but did not prove it optimal within its time limit")
    judgement = Judgement(
        score=scoring.plan_score(len(found), relative),
        feasible=not found,
        violations=_violations(found),
        objective=objective,
        optimum=optimum.solver.objective if has_plan else None,
        gap=round(relative, 4) if relative is not None else None,
        engine_status=optimum.status.value,
        declared="planned",
        notes=notes,
        engine_reasons=engine_reasons,
        terms=terms,
    )
    return Judged(judgement=judgement, trainee=plan, optimum=optimum, scenario=reference)
