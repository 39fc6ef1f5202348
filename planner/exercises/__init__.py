"""Exercises for trainers: briefs, trainees' plans and their judging, generated exercises, packs.

A room above the engine: it plans, checks and compares, and nothing below it imports it.
"""
