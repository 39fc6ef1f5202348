"""The check room: a plan re-checked against the rules of ``docs/rules.md``, without the solver.

In the pipeline (scenario -> resolve -> model -> solve -> check -> assemble -> export) the engine
calls :func:`planner.check.checker.check` on every assembled plan: a plan that fails it is a bug
and is never handed out as a plan. The checker takes only the scenario and the plan, so it also
judges a plan made by hand (a trainee's).

It may import :mod:`geodata` (public reference data: countries, crossings, restricted areas, team
bases), :mod:`planner.scenario`, :mod:`planner.plan` and :mod:`planner.constants`; never the
model, the resolver or anything else that holds the engine's own reasoning.
"""
