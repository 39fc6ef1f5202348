"""The resolve room: a scenario against the geodata, giving the planning problem.

In the pipeline (scenario -> resolve -> model -> solve -> check -> assemble -> export) it is the
only step that reads geography. :mod:`~planner.resolve.authorisation` says which states have
authorised the delivery; :mod:`~planner.resolve.routes` finds the route (a fixed itinerary,
checked, or the best lawful candidates); :mod:`~planner.resolve.segments` cuts each route into
watch segments with their ETA windows; :mod:`~planner.resolve.teams` works out how long each team
needs from its base to every segment boundary and when it is free;
:mod:`~planner.resolve.resolver` puts it all into a :class:`planner.model.problem.Problem`. Bad
input or an impossible route stops here with a :class:`planner.reasons.PlanningError`.

It may import :mod:`geodata`, :mod:`planner.scenario`, :mod:`planner.reasons`,
:mod:`planner.constants` and the problem types of :mod:`planner.model.problem`; nothing later in
the pipeline and nothing of :mod:`planner.replan`.
"""
