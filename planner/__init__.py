"""The planning engine: a route scenario in, the best plan it can prove (or why there is none) out.

The pipeline is scenario -> resolve -> model -> solve -> check -> assemble -> export, one room
(sub-package or module) per step:

- :mod:`planner.scenario` and :mod:`planner.io`: the strict input model and reading it;
- :mod:`planner.resolve`: the scenario against the geodata (routes, segments, team reach);
- :mod:`planner.model`: candidate blocks, the CP-SAT model, solving and explanations;
- :mod:`planner.check`: the solver-free checker of the rules in ``docs/rules.md``;
- :mod:`planner.assemble` and :mod:`planner.plan`: the plan document;
- :mod:`planner.exports`: map, timeline, briefing, GeoJSON and KML;
- :mod:`planner.replan`: new plan versions after events during an operation.

:mod:`planner.engine` runs the steps in order. The package knows nothing of HTTP: it imports only
:mod:`geodata` of the project's packages.
"""
