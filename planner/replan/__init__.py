"""The replan room: new plan versions after events reported during an operation.

It sits on top of the pipeline (scenario -> resolve -> model -> solve -> check -> assemble ->
export) rather than inside it. :mod:`~planner.replan.kinds` parses the events (delay, deviation,
team lost, crossing closed); :mod:`~planner.replan.progress` finds where the consignment is by
the previous version; :mod:`~planner.replan.events` writes the scenario for the rest of the
operation; :mod:`~planner.replan.stability` matches the previous version's teams to the new
segments by geography and lists what changed; :mod:`~planner.replan.version` plans the new version
through :func:`planner.engine.plan`.

It may import anything in :mod:`planner` and :mod:`geodata`; nothing in the engine imports it
(``tests/architecture`` checks this): the engine takes the previous watchers as a plain function.
"""
