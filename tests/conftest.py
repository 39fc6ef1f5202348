"""Shared fixtures: the real bundled geodata, loaded once per test session."""

from __future__ import annotations

import pytest

from geodata import Geodata, load


@pytest.fixture(scope="session")
def geo() -> Geodata:
    return load()
