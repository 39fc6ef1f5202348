"""JSON bodies as the routes that parse them themselves receive them, and their errors.

A body is parsed once, here: too deep a nesting and text that is not text (an unpaired surrogate,
which cannot even be written back as UTF-8) are 422s naming where they are, before any model
sees the data. Errors are then cleaned of anything the client sent: a location names positions
and schema fields only (an unknown key becomes ``*``), and a message never quotes a submitted
string.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from planner.exercises.trainee import TraineePlan
from planner.replan.kinds import Event
from planner.scenario import Scenario

# Scenarios and events are a few levels deep; anything far deeper is not one of them.
MAX_DEPTH = 32
# Submitted strings shorter than this are not looked for in messages (they would match words).
MIN_SCRUBBED = 3
_INDEX = re.compile(r"^\d{1,4}$")


class BodyError(ValueError):
    """A body that cannot be read as JSON data: where, and what is wrong."""

    def __init__(self, code: str, loc: str, msg: str) -> None:
        super().__init__(msg)
        self.code, self.loc, self.msg = code, loc, msg


def parse(raw: bytes, root: str = "") -> tuple[Any, str]:
    """The JSON data of a body and the SHA-256 of its canonical form (for Idempotency-Key).

    Args:
        raw: the body.
        root: the name errors give the top of the body ("" for a scenario, "event").

    Raises:
        BodyError: not JSON, nested deeper than ``MAX_DEPTH``, or text that is not text.
    """
    try:
        data = json.loads(raw)
    except RecursionError:
        raise BodyError(
            "json_too_deep", root or "body", f"nested deeper than {MAX_DEPTH}"
        ) from None
    except (ValueError, UnicodeDecodeError):
        raise BodyError("json_invalid", "body", "the body is not valid JSON") from None
    _walk(data, root)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return data, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def _walk(data: Any, root: str) -> None:
    """Depth and text checks, without recursion (the data may be deep)."""
    stack: list[tuple[Any, str, int]] = [(data, root, 0)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            # Named by the field the nesting hangs from, not by 32 list indices.
            parts = path.split(".")
            while parts and (parts[-1] == "*" or _INDEX.match(parts[-1])):
                parts.pop()
            where = ".".join(parts) or root or "body"
            raise BodyError("json_too_deep", where, f"nested deeper than {MAX_DEPTH}")
        if isinstance(node, str) and not _is_text(node):
            raise BodyError("text_invalid", path or "body", "an unpaired surrogate is not text")
        if isinstance(node, dict):
            for key, value in node.items():
                if not _is_text(key):
                    raise BodyError(
                        "text_invalid", path or "body", "a key here is an unpaired surrogate"
                    )
                stack.append((value, _join(path, key if key in vocabulary() else "*"), depth + 1))
        elif isinstance(node, list):
            stack.extend((v, _join(path, str(i)), depth + 1) for i, v in enumerate(node))


def _is_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@cache
def vocabulary() -> frozenset[str]:
    """Every field name and allowed word of the scenario, event and trainee's plan schemas: the
    words an error may repeat, since they are the schema's and not the client's."""
    words: set[str] = set()
    schemas = [
        Scenario.model_json_schema(by_alias=True),
        TypeAdapter(Event).json_schema(),
        TraineePlan.model_json_schema(),
    ]
    stack: list[Any] = list(schemas)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            words.update(k for k in node.get("properties", {}) if isinstance(k, str))
            for key in ("enum", "const"):
                value = node.get(key)
                values = value if isinstance(value, list) else [value]
                words.update(v for v in values if isinstance(v, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    words.update({"scenario", "event", "plan", "body", "*"})
    return frozenset(words)


_INDEXED = re.compile(r"^([^\[]*)((?:\[\d+\])*)$")


def _keep(part: str) -> str:
    """A location part as it may be repeated: a schema word (with its ``[i]``), an index, or *."""
    if part in vocabulary() or _INDEX.match(part):
        return part
    found = _INDEXED.match(part)
    if found and found.group(1) in vocabulary():
        return part
    return "*"


def scrub(errors: list[dict[str, str]], data: Any) -> list[dict[str, str]]:
    """``errors`` with every submitted string removed from their messages, and every location
    part that is neither a schema field nor a list index replaced by ``*``."""
    submitted = sorted(_strings(data) - vocabulary(), key=len, reverse=True)
    out = []
    for err in errors:
        loc = ".".join(_keep(p) for p in err["loc"].split("."))
        msg = err["msg"]
        for text in submitted:
            msg = msg.replace(text, "…")
        out.append({**err, "loc": loc, "msg": msg})
    return out


def _strings(data: Any) -> set[str]:
    found: set[str] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if len(node) >= MIN_SCRUBBED:
                found.add(node)
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
