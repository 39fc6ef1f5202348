"""Plan outputs for coordinators: offline map, timeline, briefing, GeoJSON and KML.

Renderers take a plan (and the public geodata for base layers), never solver objects, and are
deterministic: the same plan gives the same files.
"""
