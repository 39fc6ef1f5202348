"""The model room: from a resolved problem to the teams' assignments, or to why there are none.

In the pipeline (scenario -> resolve -> model -> solve -> check -> assemble -> export) it does
*model* and *solve*: :mod:`~planner.model.problem` is the plain-data problem that
:mod:`planner.resolve` builds; :mod:`~planner.model.rules` and :mod:`~planner.model.blocks` make
the candidate blocks (a team watching a run of consecutive segments) that keep every single-block
rule; :mod:`~planner.model.builder` builds the CP-SAT model from them, one constraint family per
module of :mod:`~planner.model.constraints` plus :mod:`~planner.model.objective`;
:mod:`~planner.model.solve` solves it and :mod:`~planner.model.explain` says why there is no plan.

Everything is in whole minutes after departure and knows no geography: this room imports only
its own modules and :mod:`planner.constants`, :mod:`planner.weights`, :mod:`planner.reasons` and
:mod:`planner.plan`, never :mod:`geodata`, :mod:`planner.resolve` or :mod:`planner.replan`
(``tests/architecture`` checks the geography part), so tests can build a problem by hand.
"""
