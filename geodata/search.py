"""Finding places by name over every layer: cities and towns, junctions, truck parks and service
areas, ports and crossings.

Names compare after folding (case, diacritics, local scripts; see :mod:`geodata.translit`), so
``Constanța``, ``Constanta`` and ``Constantsa`` find the same places, and so do ``Kapıkule`` and
``Kapikule``; exonyms (``Kishinev``, ``Tiflis``) are aliases in the cities files.

Kinds as search returns them (the ``kind`` filter takes the same words):

- ``city``: capitals, cities and towns;
- ``port``, ``crossing``, ``junction``;
- ``truck_park``: truck parks *and* motorway service areas, both being places where a lorry can
  stop for a rest or a relief (the node's own kind stays ``service_area`` in the network).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict

from geodata.layers import Geodata
from geodata.translit import fold, sound_key

SearchKind = Literal["city", "port", "crossing", "junction", "truck_park"]
KINDS: dict[str, SearchKind] = {
    "capital": "city",
    "city": "city",
    "town": "city",
    "junction": "junction",
    "truck_park": "truck_park",
    "service_area": "truck_park",
    "port": "port",
    "crossing": "crossing",
}
# Within one score, bigger places first: a user typing "Varna" most likely means the city.
_KIND_ORDER = {"capital": 0, "city": 1, "port": 2, "crossing": 3, "town": 4}
# Below this similarity a candidate is noise rather than a possible spelling of the text.
MIN_SCORE = 0.6
_ID_TAIL = re.compile(r"^[A-Z]{3}(?:-[A-Z]{3})?-")


class Match(TypedDict):
    """One search result."""

    id: str
    kind: SearchKind
    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class _Entry:
    match: Match
    countries: tuple[str, ...]
    order: int
    keys: tuple[tuple[str, str], ...]  # (folded, sound key) of every name of the place


_INDEX: dict[int, tuple[Geodata, list[_Entry]]] = {}


def _keys(names: Sequence[str]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for name in names:
        for part in [name, *re.split(r"[()/;]", name)]:
            folded = fold(part)
            if folded and folded not in seen:
                seen[folded] = sound_key(part)
    return tuple(seen.items())


def _entries(geo: Geodata) -> list[_Entry]:
    cached = _INDEX.get(id(geo))
    if cached is not None and cached[0] is geo:
        return cached[1]
    out: list[_Entry] = []
    for node in geo.network.nodes.values():
        names = [node.name, node.id, _ID_TAIL.sub("", node.id).replace("-", " ")]
        city = geo.cities.get(node.id)
        if city is not None:
            names += [a for a in city.aliases.split(";") if a.strip()]
            names += [city.name_local] if city.name_local else []
        crossing = geo.crossings.get(node.id)
        if crossing is not None:
            names += [crossing.name_a, crossing.name_b]
        match: Match = {
            "id": node.id,
            "kind": KINDS[node.kind],
            "name": node.name,
            "country": node.country,
            "lat": node.lat,
            "lon": node.lon,
        }
        out.append(_Entry(match, node.countries, _KIND_ORDER.get(node.kind, 5), _keys(names)))
    _INDEX[id(geo)] = (geo, out)
    return out


def _score(query: str, query_key: str, keys: tuple[tuple[str, str], ...]) -> float:
    best = 0.0
    for folded, key in keys:
        if query in (folded, key) or query_key == key:
            return 1.0
        if len(query) >= 3 and (folded.startswith(query) or key.startswith(query_key)):
            best = max(best, 0.9)
        elif len(query) >= 3 and any(w.startswith(query) for w in folded.split()):
            best = max(best, 0.85)
        else:
            best = max(best, 0.9 * difflib.SequenceMatcher(None, query_key, key).ratio())
    return best


def search_places(
    geo: Geodata,
    text: str,
    *,
    country: str | None = None,
    kind: SearchKind | None = None,
    limit: int = 10,
) -> list[Match]:
    """The places whose name (or alias, or local-script name) best matches ``text``.

    Args:
        geo: the loaded geodata.
        text: what the user typed: a name in any usual spelling, with or without diacritics,
            in Latin or the local script; a node id works too.
        country: keep only places of this ISO3 country (a crossing belongs to both of its).
        kind: keep only ``city``, ``port``, ``crossing``, ``junction`` or ``truck_park``.
        limit: at most this many results.

    Returns:
        Matches, best first, as ``{id, kind, name, country, lat, lon}``. An empty list when
        nothing is close enough.
    """
    query = fold(text)
    if not query:
        return []
    query_key = sound_key(text)
    scored: list[tuple[float, int, str, Match]] = []
    for entry in _entries(geo):
        if country is not None and country.upper() not in entry.countries:
            continue
        if kind is not None and entry.match["kind"] != kind:
            continue
        score = _score(query, query_key, entry.keys)
        if score >= MIN_SCORE:
            scored.append((-score, entry.order, entry.match["id"], entry.match))
    scored.sort(key=lambda s: s[:3])
    return [dict(m) for *_, m in scored[:limit]]  # type: ignore[misc]


def closest_ids(geo: Geodata, text: str, n: int = 3) -> list[str]:
    """Node ids that ``text`` was probably meant to be, best first ("did you mean ...?").

    Compares ``text`` with the ids themselves (``BGR-sofiya`` gives ``BGR-sofia``) and, through
    :func:`search_places`, with the place names (``Sofiya`` gives ``BGR-sofia`` too).
    """
    ids = list(geo.network.nodes)
    by_fold = {fold(i): i for i in ids}
    near = difflib.get_close_matches(fold(text), list(by_fold), n=n, cutoff=0.75)
    out = [by_fold[k] for k in near]
    prefix = _ID_TAIL.match(text.upper())
    name = text[prefix.end() :] if prefix else text
    country = prefix.group(0)[:3] if prefix else None
    for match in search_places(geo, name.replace("-", " "), country=country, limit=n):
        if match["id"] not in out:
            out.append(match["id"])
    return out[:n]
