"""The robustness room: how likely a plan is to hold in the world it has to survive.

It sits on top of the pipeline, as the replan room does: a plan and its scenario in, figures out.
:mod:`~planner.robust.world` holds every distribution the world is drawn from, with the reason
for each number; :mod:`~planner.robust.skeleton` lays the plan over the convoy's clock (the same
atoms, pauses and waits the engine timed); :mod:`~planner.robust.sampling` draws one world per
sample from a generator seeded by (seed, sample index); :mod:`~planner.robust.replay` walks the
route on that world; :mod:`~planner.robust.judge` says whether every team can still do its part;
:mod:`~planner.robust.several` joins the movements of an operation of several, each replayed
on its own timeline; :mod:`~planner.robust.tasks` runs samples where the geodata is loaded once;
:mod:`~planner.robust.cluster` runs tasks on Dask; :mod:`~planner.robust.report` adds the
samples up; :mod:`~planner.robust.target` searches the ETA margin that holds often enough.

Nothing in the engine imports it.
"""
