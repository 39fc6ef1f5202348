"""The law between states, and the plan's legal side.

Legal bases per pair of states are data with a source and a date per row (``data/``); from them
the plan gets its requests, their bases, the substitution tasks and the border contacts. It may
import the model (blocks, problem) and the plan models; only the engine imports it.
"""
