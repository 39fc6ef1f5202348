"""Peers: the same planning problems solved by what a user could pick instead of the engine.

A greedy dispatcher, and the engine's own block model as a MIP for HiGHS and SCIP, each checked
by the solver-free checker like every engine plan. ``cdplan bench --peers`` runs them side by side.
"""
