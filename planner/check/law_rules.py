"""The law's rules, re-checked on a plan without the solver.

- rule 2 (a foreign team's stretch): a treaty in force binds the host state and the observing
  team's state (no legal basis, no foreign observation);
- rule 8 (content mode per stretch): every state accepts every content mode the consignment has
  on its stretch, substitution points included;
- rule 14 (technical coverage): a remote watch only where the scenario allows it, for at most
  its hours, never at a border or port handover;
- rule 15 (requests): every state on the route has a delivery authorisation with a basis, and
  every foreign-observation stretch an observation request to its host state.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from planner.check.violation import Violation
from planner.law.bases import observation_basis
from planner.plan import Assignment, Plan
from planner.scenario import Scenario

SLACK_MINUTES = 1.0
REMOTE_STATIC = frozenset({"stop", "break", "rest", "wait"})


def observation_bases(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 2: a foreign team's stretch has a legal basis between the two states."""
    countries = {t.id: t.country for t in plan.teams}
    seg = {s.id: s for s in plan.segments}
    on = scenario.operation.departure.date()
    customs = {a.country for a in scenario.agencies if a.kind in ("customs", "revenue")}
    out = []
    pairs = {
        (seg[a.segment].country, countries.get(a.team, ""), a.team)
        for a in plan.assignments
        if a.foreign and a.segment in seg
    }
    for host, guest, team in sorted(pairs):
        if observation_basis(host, guest, on, customs=guest in customs) is None:
            out.append(
                Violation(2, team, f"observes in {host} with no treaty in force for {guest}")
            )
    return out


def content_modes(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 8: each state accepts the content modes on its stretch."""
    changes = iter(scenario.operation.consignment.changes)
    mode = scenario.operation.consignment.delivery
    seen: dict[str, set[str]] = defaultdict(set)
    for s in plan.segments:
        if s.kind == "substitution":
            change = next(changes, None)
            mode = change.delivery if change is not None else mode
        for c in s.countries:
            seen[c].add(mode.value)
    out = []
    for c, modes in seen.items():
        entry = scenario.legal_for(c)
        accepted = {d.value for d in entry.deliveries} if entry else set()
        refused = sorted(modes - accepted)
        if refused and entry is not None:
            out.append(Violation(8, c, f"sees a {', '.join(refused)} delivery it does not accept"))
    return out


def _runs(items: list[Assignment], order: dict[str, int]) -> list[list[Assignment]]:
    runs: list[list[Assignment]] = []
    for a in sorted(items, key=lambda a: order.get(a.segment, -1)):
        if runs and order.get(a.segment, -1) == order.get(runs[-1][-1].segment, -2) + 1:
            runs[-1].append(a)
        else:
            runs.append([a])
    return runs


def technical_coverage(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 14: remote watches only where allowed, within their hours, never at a border."""
    tc = scenario.rules.technical_coverage
    seg = {s.id: s for s in plan.segments}
    order = {s.id: i for i, s in enumerate(plan.segments)}
    remote: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan.assignments:
        if a.remote and a.segment in seg and seg[a.segment].mode != "ferry":
            remote[a.team].append(a)
    out = []
    for team, items in remote.items():
        for a in items:
            s = seg[a.segment]
            ok = tc is not None and (
                (s.mode in REMOTE_STATIC and tc.stop) or (s.mode == "road" and tc.road)
            )
            if not ok:
                out.append(Violation(14, team, f"watches {s.id} ({s.mode}) remotely: not allowed"))
        runs = _runs(items, order)
        for previous, following in itertools.pairwise(runs):
            gap = (following[0].expected_start - previous[-1].expected_end).total_seconds() / 60
            rest = next((t.min_rest_hours for t in scenario.teams if t.id == team), 0.0)
            if gap < rest * 60 - SLACK_MINUTES:
                out.append(
                    Violation(14, team, f"two remote watches {gap / 60:.1f} h apart; rest first")
                )
        for run in runs:
            minutes = sum(seg[a.segment].minutes_max for a in run)
            if tc is not None and minutes > tc.max_hours * 60 + SLACK_MINUTES:
                out.append(
                    Violation(
                        14,
                        team,
                        f"a remote watch of {minutes / 60:.1f} h from {run[0].segment}; at most "
                        f"{tc.max_hours:g} h",
                    )
                )
    # At a change of country or a port, a team is present on both sides: no remote watch ends
    # or begins there.
    remote_at = {(a.team, a.segment) for items in remote.values() for a in items}
    for before, after in zip(plan.segments, plan.segments[1:], strict=False):
        if before.countries == after.countries and "ferry" not in (before.mode, after.mode):
            continue
        for team, where in sorted(remote_at):
            if where in (before.id, after.id):
                out.append(
                    Violation(14, team, f"watches remotely at the border {after.from_.name}")
                )
    return out


def requests(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 15: a delivery request with a basis per state; an observation request per stretch."""
    delivery = {a.country: a for a in plan.authorisations if a.kind == "delivery"}
    observed = {(a.country, a.observer) for a in plan.authorisations if a.kind == "observation"}
    out = []
    for c in dict.fromkeys(plan.route.countries):
        found = delivery.get(c)
        if found is None:
            out.append(Violation(15, c, "no delivery authorisation to request"))
        elif not found.basis:
            out.append(Violation(15, c, "the delivery authorisation names no legal basis"))
    countries = {t.id: t.country for t in plan.teams}
    seg = {s.id: s for s in plan.segments}
    for a in plan.assignments:
        if a.foreign and a.segment in seg:
            key = (seg[a.segment].country, countries.get(a.team))
            if key not in observed:
                out.append(
                    Violation(15, a.team, f"no observation request to {key[0]} for {key[1]}")
                )
                observed.add(key)  # once per pair
    return out
