"""The base of every input model: strict types, unknown fields refused, values frozen.

Strict, because lax parsing turns JSON ``false`` into a coordinate of 0.0 and ``"5"`` into 5;
unknown fields refused, because a misspelt field silently ignored is a rule silently dropped.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """A strict, closed, immutable input model."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
