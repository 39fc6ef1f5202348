"""Place search over every layer, "did you mean" ids, and reading places from the command line."""

from __future__ import annotations

import pytest

from geodata import (
    Geodata,
    PlaceFormatError,
    RouteRequest,
    UnknownPlaceError,
    best_routes,
    closest_ids,
    search_places,
)
from geodata.places import Coordinates, parse_place
from geodata.translit import fold, sound_key


def _first(geo: Geodata, text: str, **kw: object) -> str:
    found = search_places(geo, text, **kw)  # type: ignore[arg-type]
    assert found, text
    return found[0]["id"]


@pytest.mark.parametrize(
    ("spellings", "node_id"),
    [
        (("Constanța", "Constanta", "Constantsa", "CONSTANTA"), "ROU-constanta"),
        (("Kapıkule", "Kapikule", "kapikule"), "TUR-BGR-kapikule"),
        (("Chișinău", "Chisinau", "Kishinev", "Кишинёв"), "MDA-chisinau"),
        (("Tbilisi", "Tiflis", "თბილისი"), "GEO-tbilisi"),
        (("Kyiv", "Kiev", "Київ"), "UKR-kyiv"),
        (("Odesa", "Odessa"), "UKR-odesa"),
        (("Sofia", "София", "Sofiya"), "BGR-sofia"),
        (("Osmancık", "Osmancik"), "TUR-osmancik"),
        (("Thessaloniki", "Θεσσαλονίκη"), "GRC-thessaloniki"),
    ],
)
def test_spellings_find_the_same_place(
    geo: Geodata, spellings: tuple[str, ...], node_id: str
) -> None:
    for text in spellings:
        assert _first(geo, text) == node_id, text


def test_results_have_the_documented_shape_and_kinds(geo: Geodata) -> None:
    kinds = set()
    for text in ("Sofia", "Varna", "Kapikule", "Vakarel", "Kapikule TIR park", "Osmancik"):
        for match in search_places(geo, text, limit=5):
            assert set(match) == {"id", "kind", "name", "country", "lat", "lon"}
            kinds.add(match["kind"])
    assert kinds <= {"city", "port", "crossing", "junction", "truck_park"}
    assert {"city", "port", "crossing", "junction", "truck_park"} <= kinds
    assert _first(geo, "Kapikule TIR park") == "TUR-tp-kapikule"


def test_filters_by_kind_and_country(geo: Geodata) -> None:
    assert _first(geo, "Kapikule", kind="truck_park") == "TUR-tp-kapikule"
    crossings = search_places(geo, "Kapikule", kind="crossing")
    assert crossings and all(m["kind"] == "crossing" for m in crossings)
    # A crossing belongs to both of its countries.
    assert _first(geo, "Kapitan Andreevo", country="BGR") == "TUR-BGR-kapikule"
    assert all(m["country"] == "ROU" for m in search_places(geo, "Constanta", country="ROU"))
    assert len(search_places(geo, "a", limit=3)) <= 3
    assert search_places(geo, "   ") == []


def test_closest_ids_for_did_you_mean(geo: Geodata) -> None:
    assert closest_ids(geo, "BGR-sofiya")[0] == "BGR-sofia"
    assert "TUR-istanbul" in closest_ids(geo, "Istambul")
    assert "TUR-BGR-kapikule" in closest_ids(geo, "TUR-BGR-kapikle")
    assert len(closest_ids(geo, "Sofia", n=2)) <= 2


def test_unknown_id_error_names_the_closest_ids(geo: Geodata) -> None:
    with pytest.raises(UnknownPlaceError) as err:
        best_routes(geo, RouteRequest(origin="BGR-sofiya", destination="SRB-belgrade"))
    assert err.value.hint is not None and "did you mean BGR-sofia" in err.value.hint
    assert "BGR-sofiya" in str(err.value)


def test_unknown_place_that_looks_like_coordinates_is_not_echoed(geo: Geodata) -> None:
    with pytest.raises(UnknownPlaceError) as err:
        best_routes(geo, RouteRequest(origin="41.0123 28.9876 x", destination="SRB-belgrade"))
    assert "41.0123" not in str(err.value) and "28.9876" not in str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        "42.6977,23.3219",
        "42.6977, 23.3219",
        " 42.6977 ,23.3219 ",
        "42.6977 23.3219",
        "+42.6977,23.3219",
    ],
)
def test_parse_place_reads_coordinates_with_spaces(text: str) -> None:
    assert parse_place(text) == Coordinates(lat=42.6977, lon=23.3219)


def test_parse_place_reads_ids() -> None:
    assert parse_place(" BGR-sofia ") == "BGR-sofia"
    assert parse_place("TUR-BGR-kapikule") == "TUR-BGR-kapikule"


@pytest.mark.parametrize(
    "text", ["41.1234,abc", "41.12,27.55,7", "95.5,27.3", "41.7,190", "41.7,", "1,2,3"]
)
def test_parse_place_rejects_a_malformed_pair_without_echoing_it(text: str) -> None:
    with pytest.raises(PlaceFormatError) as err:
        parse_place(text, field="origin")
    assert err.value.field == "origin"
    assert err.value.hint and "lat,lon" in err.value.hint
    for number in ("41.1234", "95.5", "190", "27.55"):
        if number in text:
            assert number not in str(err.value)


def test_folding() -> None:
    assert fold("Kapıkule") == fold("Kapikule") == "kapikule"
    assert fold("Chișinău") == "chisinau"
    assert sound_key("Constanța") == sound_key("Constantsa")
    assert sound_key("Odessa") == sound_key("Odesa")
    assert sound_key("Kyiv") == sound_key("Kiev")
