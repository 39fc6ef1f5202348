"""The briefing: the operation order a coordinator hands out, as a printable HTML page.

One template serves the whole plan and each agency's need-to-know extract
(:mod:`planner.exports.scope`), in every language of :mod:`planner.exports.i18n`. The page has no
scripts; its print style gives every page the handling code at the top and the bottom, the
operation's name and "page N of M" (see :mod:`planner.exports.pdf`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from geodata.layers import Geodata
from planner.exports import labels
from planner.exports.i18n import DEFAULT, Reader, reader, translations
from planner.exports.map import agency_colours
from planner.exports.scope import HIDDEN, Content, Contingency, for_agency, whole
from planner.exports.sketch import sketch
from planner.plan import PlacePoint, Plan, PlanSegment

# Static stretches the "where the consignment stands" table lists (queues are in the handovers).
STANDING_MODES = ("stop", "break", "rest", "wait")


@cache
def _env(lang: str) -> Environment:
    """The template environment of one language (gettext installed, autoescaping on)."""
    env = Environment(
        loader=PackageLoader("planner.exports", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element.

    Anything but letters, digits and a few marks is written as a CSS escape, so no quote, no
    backslash and no ``</style>`` can end the string or the element.
    """
    safe = " .,:;-_()·/#"
    body = "".join(ch if ch.isalnum() or ch in safe else f"\\{ord(ch):06x}" for ch in text)
    return Markup(f'"{body}"')


def page_counter(r: Reader) -> Markup:
    """The CSS ``content`` of "page N of M" in the reader's language."""
    text = r.gettext("page %(page)s of %(pages)s")
    parts: list[str] = []
    rest = text
    while rest:
        at = min(
            (i for i in (rest.find("%(page)s"), rest.find("%(pages)s")) if i >= 0),
            default=-1,
        )
        if at < 0:
            parts.append(css_string(rest))
            break
        if at:
            parts.append(css_string(rest[:at]))
        if rest.startswith("%(pages)s", at):
            parts.append("counter(pages)")
            rest = rest[at + len("%(pages)s") :]
        else:
            parts.append("counter(page)")
            rest = rest[at + len("%(page)s") :]
    return Markup(" ".join(parts))


def marking(plan: Plan, r: Reader) -> str:
    """The handling code as every page shows it, with EXERCISE for training data."""
    code = r.gettext("HANDLING CODE") + " " + plan.operation.handling_code
    return r.gettext("EXERCISE") + " · " + code if plan.operation.exercise else code


class _View:
    """The helpers the template calls, bound to one plan, one reader and the geodata."""

    def __init__(self, content: Content, geo: Geodata, r: Reader) -> None:
        self.c, self.geo, self.r = content, geo, r
        self.segments = {s.id: s for s in content.plan.segments}
        self.country_of_agency = {t.agency: t.country for t in content.plan.teams}

    def t(self, table: dict[str, str], code: str | None) -> str:
        return self.r.gettext(labels.word(table, code))

    def zone(self, country: str) -> str | None:
        facts = self.geo.countries.get(country)
        return facts.timezone if facts else None

    def agency_zone(self, agency: str) -> str | None:
        return self.zone(self.country_of_agency.get(agency, ""))

    def place(self, p: PlacePoint) -> str:
        """The geodata name, with the local-script name where the data has one."""
        city = self.geo.cities.get(p.id)
        local = city.name_local if city else ""
        return f"{p.name} ({local})" if local and local != p.name else p.name

    def side(self, team: str, agency: str) -> str:
        return f"{team} ({agency})" if team != HIDDEN else agency

    def standing_label(self, s: PlanSegment) -> str:
        what = self.r.gettext(labels.WAITS.get(s.kind or "", labels.word(labels.STANDING, s.mode)))
        return f"{what} ({s.shift})" if s.shift else what

    def stretch(self, segment: str) -> str:
        """A segment's places: "A → B" on the move, "A (what)" where the consignment stands."""
        s = self.segments.get(segment)
        if s is None:
            return segment
        if s.mode in labels.STANDING:
            return f"{self.place(s.from_)} ({self.standing_label(s)})"
        return f"{self.place(s.from_)} → {self.place(s.to)}"

    def modes(self, text: str) -> str:
        return ", ".join(self.t(labels.DELIVERY, m.strip()) for m in text.split(","))

    def contingency_note(self, x: Contingency) -> str:
        return self.r.gettext(labels.CONTINGENCY[x.kind]) % {"area": x.area}

    def reason_text(self, code: str) -> str:
        return self.r.gettext(labels.REASON[code]) if code in labels.REASON else code

    def figure(self, x: float | None) -> str:
        return "—" if x is None else self.r.number(x, 2)


def _context(content: Content, geo: Geodata, r: Reader) -> dict[str, Any]:
    plan, op = content.plan, content.plan.operation
    view = _View(content, geo, r)
    moving = [s for s in content.segments if s.mode not in labels.STANDING]
    ends = [p for s in content.segments for p in (s.from_, s.to)]
    crossings = [view.place(p) for p in ends if p.kind == "crossing"]
    mark = marking(plan, r)
    return {
        "r": r,
        "c": content,
        "plan": plan,
        "op": op,
        "labels": labels,
        "marking": mark,
        "created": op.planned_at.isoformat(),
        "css": {
            "marking": css_string(mark),
            "name": css_string(f"{op.name} ({op.id})"),
            "page": page_counter(r),
        },
        "w": {
            "status": view.t(labels.STATUS, plan.status.value),
            "consignment": view.t(labels.CONSIGNMENT, op.consignment),
            "delivery": view.t(labels.DELIVERY, op.delivery),
        },
        "standing": [s for s in content.segments if s.mode in STANDING_MODES],
        "stretch_km": sum(s.km for s in moving),
        "stretch_crossings": list(dict.fromkeys(crossings)),
        "sketch": Markup(sketch(content, geo, agency_colours(plan))),
        **{
            name: getattr(view, name)
            for name in (
                "t", "zone", "agency_zone", "place", "side", "standing_label", "stretch",
                "modes", "contingency_note", "reason_text", "figure",
            )
        },
    }  # fmt: skip


def render_content(content: Content, geo: Geodata, lang: str = DEFAULT) -> str:
    """The briefing page of ``content`` (a whole plan or an extract) in ``lang``."""
    r = reader(lang)
    return _env(r.lang).get_template("briefing.html").render(**_context(content, geo, r))


def render_briefing(
    plan: Plan, geo: Geodata, lang: str = DEFAULT, agency: str | None = None
) -> str:
    """The briefing as one printable HTML page (no scripts), marked with the handling code.

    Args:
        plan: the plan.
        geo: the geodata (time zones, local-script names, the sketch map's ground).
        lang: the reader's language (see :data:`planner.exports.i18n.LANGUAGES`).
        agency: an agency's need-to-know extract instead of the whole plan.

    Raises:
        UnknownLanguageError: ``lang`` has no catalog.
        UnknownAgencyError: ``agency`` has no team on the plan.
    """
    content = whole(plan, geo) if agency is None else for_agency(plan, geo, agency)
    return render_content(content, geo, lang)
