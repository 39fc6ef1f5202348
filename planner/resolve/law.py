"""The law on a route: a legal basis for foreign observation, and the content mode per state.

Foreign observation needs a treaty in force between the two states, and each state sees only
the content modes it accepts, substitution points included.

The legal bases themselves are data (:mod:`planner.law.bases`); here they are applied to a
scenario (before any route is sought) and to each candidate route (where the substitution points
fall decides which mode each state sees).
"""

from __future__ import annotations

import json
from dataclasses import replace

from geodata import GeodataError
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.routing import Route
from planner.law.bases import observation_basis
from planner.legal import Delivery
from planner.reasons import PlanningError, Reason
from planner.resolve.atoms import Atom, static_atom
from planner.scenario import Scenario

# Removing or replacing the goods under customs supervision at a substitution point: about two
# hours when nothing else is known (a planner who knows better adds a stop there).
SUBSTITUTION_MINUTES = 120.0


def observation_reasons(scenario: Scenario) -> list[Reason]:
    """``no_legal_basis`` for every foreign observation no instrument in force allows.

    A state may only open its territory to foreign observation where a treaty binds both states
    (CISA art. 40 among Schengen states, ETS 182 art. 17, PCC SEE art. 14 with an implementing
    agreement, a bilateral treaty): the scenario is then invalid, and the reason names both
    states and what would make it lawful.
    """
    on = scenario.operation.departure.date()
    customs = {a.country for a in scenario.agencies if a.kind in ("customs", "revenue")}
    out = []
    for i, entry in enumerate(scenario.legal):
        for k, fo in enumerate(entry.foreign_observation):
            if observation_basis(entry.country, fo.from_, on, customs=fo.from_ in customs):
                continue
            out.append(
                Reason(
                    code="no_legal_basis",
                    subject=f"legal[{i}].foreign_observation[{k}]",
                    message=f"no treaty in force lets {fo.from_} officers keep observing in "
                    f"{entry.country}: CISA art. 40 binds only Schengen states, the Southeast "
                    "Europe police convention needs an implementing agreement, and neither "
                    "state is party to another that applies; hand over at the border instead "
                    "(remove this entry), or cite a bilateral agreement in force",
                )
            )
    return out


def without_unlawful_observation(scenario: Scenario) -> Scenario:
    """The scenario without the foreign observation entries no treaty allows.

    What a planner who reads the ``no_legal_basis`` reasons would do: hand over at the border
    there. ``cdplan check`` and a trainee's judge use it to look past that fault at the rest.
    """
    drop = {r.subject for r in observation_reasons(scenario)}
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for i, entry in enumerate(data["legal"]):
        entry["foreign_observation"] = [
            fo
            for k, fo in enumerate(entry.get("foreign_observation", []))
            if f"legal[{i}].foreign_observation[{k}]" not in drop
        ]
    return Scenario.model_validate_json(json.dumps(data))


def insert_changes(items: list[Atom], scenario: Scenario, geo: Geodata) -> None:
    """Mark each substitution point on the route's atoms: a stop where the goods are changed.

    A known stop at the same place becomes the substitution; otherwise a stop of
    ``SUBSTITUTION_MINUTES`` is inserted.

    Raises:
        PlanningError: ``invalid`` when a substitution point is not on the route.
    """
    for i, change in enumerate(scenario.operation.consignment.changes):
        field = f"operation.consignment.changes[{i}].at"
        try:
            key = resolve(geo, change.at, field=field).key
        except GeodataError as exc:
            raise PlanningError(
                "invalid", [Reason(code="bad_place", message=str(exc), subject=field)]
            ) from exc
        for j, atom in enumerate(items):
            if atom.mode == "stop" and atom.start.id == key:
                items[j] = _as_change(atom, change.delivery)
                break
            if atom.end.id == key or (j == 0 and atom.start.id == key):
                at = atom.end if atom.end.id == key else atom.start
                stop = static_atom(at, "stop", at.country, stop=SUBSTITUTION_MINUTES)
                items.insert(j + 1 if atom.end.id == key else 0, _as_change(stop, change.delivery))
                break
        else:
            raise PlanningError(
                "invalid",
                [
                    Reason(
                        code="change_not_on_route",
                        message="the substitution point is not on the route; give a place the "
                        "route passes, such as the last crossing before the state that needs it",
                        subject=field,
                    )
                ],
            )


def _as_change(atom: Atom, delivery: Delivery) -> Atom:
    return replace(atom, kind="substitution", note=f"substitution: {delivery.value} from here")


def route_modes(
    items: list[Atom], scenario: Scenario
) -> tuple[dict[str, set[Delivery]], dict[str, str]]:
    """The content modes on each state's stretch, and where the route enters each state.

    Walks the atoms in order: the mode changes at each substitution point (in the order of
    ``consignment.changes``); a state sees every mode the consignment has while in it.
    """
    changes = iter(scenario.operation.consignment.changes)
    mode = scenario.operation.consignment.delivery
    modes: dict[str, set[Delivery]] = {}
    entries: dict[str, str] = {}
    last_crossing: str | None = None
    for atom in items:
        if atom.kind == "substitution":
            change = next(changes, None)
            if change is not None:
                mode = change.delivery
        states = atom.ports if atom.mode == "ferry" else (atom.country or "",)
        for state in states:
            if not state:
                continue
            if state not in modes and last_crossing is not None:
                entries[state] = last_crossing
            modes.setdefault(state, set()).add(mode)
        if atom.end.crossing is not None:
            last_crossing = atom.end.crossing
        elif atom.mode == "ferry":
            last_crossing = atom.start.id
    return modes, entries


def entries_of(route: Route, geo: Geodata) -> dict[str, str]:
    """Where a route enters each state: the crossing (or port) just before its first leg there."""
    entries: dict[str, str] = {}
    last: str | None = None
    for leg in route.legs:
        if leg.country is not None and leg.country not in entries and last is not None:
            entries[leg.country] = last
        if leg.to_node in geo.crossings or leg.mode.value == "ferry":
            last = leg.to_node
    return entries
