"""Named numbers of the planner, each with the reason for its value.

A number that shapes a plan lives here once; modules import it by name.
"""

from __future__ import annotations

# A surveillance car drives this many times faster than the loaded truck it follows: trucks are
# held to 80-90 km/h on motorways and less on mountain roads, unmarked cars are not. It sets how
# quickly a team can leap-frog ahead along the route and how long it needs from its base.
CAR_SPEEDUP = 1.25

# A relief point about every hour of driving: long legs are cut so that a relief handover can
# happen near any moment a team reaches its follow or duty limit, without making the model large
# (each cut multiplies the candidate blocks).
RELIEF_INTERVAL_MINUTES = 60.0

# A team given no availability is free this long before departure and after the latest arrival:
# in practice the whole operation, with room for travel to and from the route.
DEFAULT_AVAILABILITY_MARGIN_DAYS = 7

# Above this many candidate blocks (team x run of segments) the model no longer builds and solves
# within the service's time and memory budget on a 2-core worker: building 500,000 Booleans took
# 7.5 s and 1.5 GB, and 60,000 blocks build in about 2 s.
MAX_BLOCKS = 60_000

# Which capabilities can watch which kind of segment (a stop is watched from a car or a train).
CAPABLE: dict[str, frozenset[str]] = {
    "road": frozenset({"road"}),
    "rail": frozenset({"rail"}),
    "ferry": frozenset({"maritime", "technical"}),
    "stop": frozenset({"road", "rail"}),
    "border": frozenset({"road", "rail"}),
    "break": frozenset({"road", "rail"}),
    "rest": frozenset({"road", "rail"}),
    "wait": frozenset({"road", "rail"}),
}
# Only road and rail are physical following: an escort on board a ferry and technical tracking
# are not, nor is a static watch at a known stop (max_follow_hours does not apply to them).
FOLLOWING: frozenset[str] = frozenset({"road", "rail"})

# Where the consignment stands still: a static watch from a car or a train, never "following".
STATIC_MODES: frozenset[str] = frozenset({"stop", "border", "break", "rest", "wait"})

# A leg is cut between two network nodes only when it is this many relief intervals long: reliefs
# happen at named places (towns, junctions, truck parks), not at "62 km past" one.
UNNAMED_CUT_FACTOR = 2.0

# A static watch longer than this (an overnight rest, a long stop, a port dwell) is split into
# shifts with relief handovers at the same place, so that no team needs a duty longer than a
# working day to hold it.
STATIC_SHIFT_MINUTES = 240

# A place burned by counter-surveillance (rules.no_handover_at) rules out handovers within this
# distance: a junction or a town centre, not the whole town around it.
NO_HANDOVER_KM = 2.0

# A team's drive between two posts off one route (the checker's rule 4, and a team moving
# between two movements of one operation): straight-line distance times this detour, at this
# speed. Generous to a plan, strict enough to catch a team in two places.
TRAVEL_DETOUR = 1.2
TRAVEL_KMH = 110.0

# A car or a van queues in the car lanes at a crossing, not in the lorry queue: about a quarter
# of a truck's typical dwell (at Kapikule trucks wait hours while cars clear in under an hour),
# and never less than the formalities take.
CAR_QUEUE_SHARE = 0.25
CAR_QUEUE_MIN_MINUTES = 15.0
