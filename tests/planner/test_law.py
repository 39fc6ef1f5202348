"""The law between states: legal bases per pair, content modes along the route, technical
coverage, lead agencies, and what the plan asks for. Each answer worked out by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from planner.law.bases import delivery_basis, is_drugs, observation_basis
from tests.planner.scenarios import scenario, variant

ALL = ["live", "partial", "substituted"]


def test_observation_bases_between_pairs_of_states() -> None:
    on = date(2026, 12, 3)
    # Schengen since 2024-03-31 for Bulgaria and Romania: CISA art. 40.
    found = observation_basis("ROU", "BGR", on)
    assert found is not None and found.label == "CISA art. 40" and found.urgent_hours == 5
    # Before that, the Council of Europe protocol bound them (both parties).
    earlier = observation_basis("ROU", "BGR", date(2024, 1, 10))
    assert earlier is not None and earlier.id == "ets182-art17"
    # Türkiye and Greece: no treaty lets either state's officers observe in the other.
    assert observation_basis("GRC", "TUR", on) is None
    assert observation_basis("TUR", "GRC", on) is None
    # The Southeast Europe convention needs an implementing agreement: Austria-Montenegro has
    # one, Serbia-North Macedonia none in the data.
    aut_mne = observation_basis("MNE", "AUT", on)
    assert aut_mne is not None and aut_mne.label.startswith("bilateral:")
    assert observation_basis("MKD", "SRB", on) is None


def test_delivery_bases_prefer_the_specific_instrument() -> None:
    on = date(2026, 12, 3)
    assert is_drugs("heroin") and is_drugs("Acetic anhydride") and not is_drugs("cash")
    assert delivery_basis("ROU", "BGR", on, drugs=True).label == "CISA art. 73"  # type: ignore[union-attr]
    assert delivery_basis("BGR", "TUR", on, drugs=True).label == "ETS 182 art. 18"  # type: ignore[union-attr]
    assert delivery_basis("GRC", "TUR", on, drugs=True).label == "Vienna 1988 art. 11"  # type: ignore[union-attr]
    # Cash is not a drug: the organised-crime convention, not the drug one.
    assert delivery_basis("GRC", "TUR", on, drugs=False).label == "UNTOC art. 20"  # type: ignore[union-attr]


def _istanbul_thessaloniki(**legal: Any) -> dict[str, Any]:
    return variant(
        route={"origin": "TUR-istanbul", "destination": "GRC-thessaloniki", "alternatives": 1},
        agencies=[
            {"id": "TR", "country": "TUR", "name": "TNP", "kind": "police"},
            {"id": "GR", "country": "GRC", "name": "HP", "kind": "police"},
        ],
        teams=[
            {"id": "TR-1", "agency": "TR", "base": "TUR-istanbul", "capabilities": ["road"]},
            {"id": "TR-2", "agency": "TR", "base": "TUR-kesan", "capabilities": ["road"]},
            {"id": "GR-1", "agency": "GR", "base": "GRC-alexandroupoli", "capabilities": ["road"]},
            {"id": "GR-2", "agency": "GR", "base": "GRC-kavala", "capabilities": ["road"]},
        ],
        legal=[
            {"country": "TUR", "authorised": True, "deliveries": ALL},
            {"country": "GRC", "authorised": True, "deliveries": ALL, **legal},
        ],
    )


def test_foreign_observation_without_a_legal_basis_is_invalid(geo: Geodata) -> None:
    data = _istanbul_thessaloniki(
        foreign_observation=[{"from": "TUR", "max_km": 30, "max_hours": 5}]
    )
    result = plan(scenario(data), geo)
    assert result.status == "invalid"
    (reason,) = result.reasons
    assert (reason.code, reason.subject) == ("no_legal_basis", "legal[1].foreign_observation[0]")
    assert "TUR" in reason.message and "GRC" in reason.message


def _ruse_bucharest(**changes: Any) -> dict[str, Any]:
    return variant(
        route={"origin": "BGR-ruse", "destination": "ROU-bucharest", "alternatives": 1},
        agencies=[
            {"id": "BG", "country": "BGR", "name": "GDBOP", "kind": "police"},
            {"id": "RO", "country": "ROU", "name": "DCCO", "kind": "police"},
        ],
        teams=[
            {"id": "BG-1", "agency": "BG", "base": "BGR-ruse", "capabilities": ["road"]},
            # Based in Bucharest and free only from an hour after departure: it cannot be at
            # Giurgiu when the consignment crosses.
            {
                "id": "RO-1",
                "agency": "RO",
                "base": "ROU-bucharest",
                "capabilities": ["road"],
                "available": [
                    {"from": "2026-12-03T06:15:00+02:00", "to": "2026-12-05T00:00:00+02:00"}
                ],
            },
        ],
        legal=[
            {"country": "BGR", "authorised": True, "deliveries": ALL},
            {
                "country": "ROU",
                "authorised": True,
                "deliveries": ALL,
                "foreign_observation": [{"from": "BGR", "max_km": 40, "max_hours": 5}],
            },
        ],
        **changes,
    )


def test_schengen_observation_is_planned_with_its_basis_and_request(geo: Geodata) -> None:
    sc = scenario(_ruse_bucharest())
    result = plan(sc, geo)
    assert result.status == "optimal", result.reasons
    assert any(a.foreign and a.team == "BG-1" for a in result.assignments)
    (obs,) = [a for a in result.authorisations if a.kind == "observation"]
    assert (obs.country, obs.observer, obs.basis) == ("ROU", "BGR", "CISA art. 40")
    deliveries = {a.country: a.basis for a in result.authorisations if a.kind == "delivery"}
    assert deliveries["ROU"] == "CISA art. 73" and deliveries["BGR"].startswith("domestic")
    assert check(sc, result, geo) == []


def test_live_through_a_state_that_accepts_only_substituted(geo: Geodata) -> None:
    # Sofia - Kulata - Thessaloniki: Greece accepts substituted goods only.
    legal = [
        {"country": "BGR", "authorised": True, "deliveries": ALL},
        {"country": "GRC", "authorised": True, "deliveries": ["substituted"]},
    ]
    refused = plan(scenario(variant(legal=legal)), geo)
    assert refused.status == "infeasible"
    reason = next(r for r in refused.reasons if r.code == "delivery_not_accepted")
    # The reason proposes a substitution point before the Greek border.
    assert "consignment.changes" in reason.message and "BGR-GRC-" in reason.message
    crossing = reason.message.split("at: ")[1].split(",")[0]
    data = variant(legal=legal)
    data["operation"]["consignment"]["changes"] = [{"at": crossing, "delivery": "substituted"}]
    sc = scenario(data)
    result = plan(sc, geo)
    assert result.status == "optimal", result.reasons
    (task,) = result.substitutions
    assert (task.place.id, task.delivery) == (crossing, "substituted")
    modes = {a.country: a.delivery for a in result.authorisations if a.kind == "delivery"}
    assert modes == {"BGR": "live, substituted", "GRC": "substituted"}
    assert check(sc, result, geo) == []


def _port_dwell(coverage: dict[str, Any] | None) -> dict[str, Any]:
    data = variant(
        route={"origin": "GEO-batumi-city", "destination": "GEO-poti", "alternatives": 1},
        agencies=[{"id": "GE", "country": "GEO", "name": "MIA", "kind": "police"}],
        teams=[
            {"id": f"GE-{i}", "agency": "GE", "base": "GEO-poti-city", "capabilities": caps}
            for i, caps in enumerate([["road"], ["road"], ["road"], ["road", "technical"]])
        ],
        legal=[{"country": "GEO", "authorised": True, "deliveries": ALL}],
        movement={"stops": [{"at": "GEO-poti", "minutes": 48 * 60}], "driver_rules": "none"},
        rules={"handover_overlap_minutes": 30, "max_follow_hours": 4, "min_teams": 1},
    )
    if coverage is not None:
        data["rules"]["technical_coverage"] = coverage
    return data


def test_a_48_hour_port_dwell_is_watched_remotely_where_allowed(geo: Geodata) -> None:
    sc = scenario(_port_dwell({"stop": True, "road": False, "max_hours": 12}))
    result = plan(sc, geo)
    assert result.status == "optimal", result.reasons
    stops = {s.id for s in result.segments if s.mode == "stop"}
    remote = [a for a in result.assignments if a.remote and a.segment in stops]
    assert remote and {a.team for a in remote} == {"GE-3"}
    assert check(sc, result, geo) == []


def test_a_48_hour_port_dwell_is_watched_in_shifts_where_not(geo: Geodata) -> None:
    sc = scenario(_port_dwell(None))
    result = plan(sc, geo)
    assert result.status == "optimal", result.reasons
    stops = [s for s in result.segments if s.mode == "stop"]
    assert len(stops) == 12  # 48 h in shifts of 4 h at the same place
    assert not any(a.remote for a in result.assignments)
    watchers = {a.team for a in result.assignments if a.segment in {s.id for s in stops}}
    assert len(watchers) >= 3  # 12 h duties, 8 h rests: three teams at least
    assert check(sc, result, geo) == []


def test_a_lead_agency_is_preferred(geo: Geodata) -> None:
    # Two Bulgarian agencies with equal teams: naming the customs agency as the lead makes it
    # watch the whole Bulgarian stretch.
    data = variant(
        agencies=[
            {"id": "BG-POL", "country": "BGR", "name": "GDBOP", "kind": "police"},
            {"id": "BG-CUS", "country": "BGR", "name": "Customs Agency", "kind": "customs"},
            {"id": "GR-HP", "country": "GRC", "name": "Hellenic Police", "kind": "police"},
        ],
        teams=[
            {"id": "P-1", "agency": "BG-POL", "base": "BGR-sofia", "capabilities": ["road"]},
            {"id": "C-1", "agency": "BG-CUS", "base": "BGR-sofia", "capabilities": ["road"]},
            {"id": "C-2", "agency": "BG-CUS", "base": "BGR-blagoevgrad", "capabilities": ["road"]},
            {"id": "G-1", "agency": "GR-HP", "base": "GRC-serres", "capabilities": ["road"]},
        ],
        legal=[
            {"country": "BGR", "authorised": True, "deliveries": ALL, "lead_agency": "BG-CUS"},
            {"country": "GRC", "authorised": True, "deliveries": ALL},
        ],
    )
    result = plan(scenario(data), geo)
    assert result.status == "optimal", result.reasons
    bulgarian = {a.agency for a in result.assignments if a.agency.startswith("BG")}
    assert bulgarian == {"BG-CUS"}


def test_every_border_handover_lists_both_sides_agencies(geo: Geodata) -> None:
    data = variant()
    data["contacts"] = [{"agency": "BG-GDBOP", "role": "24/7 contact point", "channel": "SIENA"}]
    result = plan(scenario(data), geo)
    (coordination,) = result.coordination
    sides = {s.country: s for s in coordination.sides}
    assert sides["BGR"].customs == "Customs Agency"
    assert sides["BGR"].contacts == ["BG-GDBOP: 24/7 contact point via SIENA"]
    assert sides["GRC"].contacts[0].startswith("24/7 contact point: to be confirmed")
