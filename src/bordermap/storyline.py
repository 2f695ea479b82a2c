"""Storylines for briefing mode: an ordered list of steps, each an event (or a view) with a caption.

A storyline is a small JSON file (see ``docs/storylines.md``) that users copy to write their own;
it is validated like the events, with one line per problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from bordermap.errors import DataFileError, Problem
from bordermap.io.files import read_json

__all__ = ["Step", "Storyline", "load_storyline_schema", "validate_storyline", "load_storyline",
           "DEFAULT_STORYLINE"]

DEFAULT_STORYLINE = Path("data/storylines/khorog-2012.json")


@dataclass(frozen=True)
class Step:
    caption: str
    title: str | None = None
    event: str | None = None
    zoom: int | None = None
    center: tuple[float, float] | None = None


@dataclass(frozen=True)
class Storyline:
    title: str
    description: str
    steps: tuple[Step, ...]

    def clamp(self, index: int) -> int:
        return min(max(index, 0), len(self.steps) - 1)


@lru_cache(maxsize=1)
def load_storyline_schema() -> dict[str, Any]:
    return json.loads(resources.files("bordermap").joinpath("schemas/storyline.schema.json").read_text("utf-8"))


def validate_storyline(obj: Any, file: str, event_ids: Iterable[str]) -> list[Problem]:
    """Every problem with a storyline: schema, and steps naming events that do not exist.

    Steps are numbered from 1 in messages, as on the briefing card and in ``?step=``.
    """
    ids = set(event_ids)
    problems: list[Problem] = []
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_storyline_schema())
    for err in validator.iter_errors(obj):
        path = list(err.absolute_path)
        idx = path[1] if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int) else None
        field = ".".join(str(p) for p in (path[2:] if idx is not None else path))
        if err.validator == "required":
            field = (field + "." if field else "") + err.message.split("'")[1]
            message = "is required but missing"
        elif err.validator == "additionalProperties":
            message = err.message
        else:
            message = err.message[:200]
        problems.append(Problem(file, None if idx is None else idx + 1, None, field, message, item="step"))
    steps = obj.get("steps") if isinstance(obj, dict) else None
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            continue
        ev = step.get("event")
        if isinstance(ev, str) and ev not in ids:
            problems.append(Problem(file, i + 1, None, "event", f"no event with id {ev!r} in the events file",
                                    item="step"))
        if "event" not in step and "view" not in step:
            problems.append(Problem(file, i + 1, None, "event",
                                    "a step needs an 'event' to show or a 'view' ({center, zoom})", item="step"))
    return problems


def load_storyline(path: str | Path, event_ids: Iterable[str]) -> Storyline:
    """Read and validate a storyline; raises ``DataFileError`` listing every problem."""
    obj = read_json(path)
    problems = validate_storyline(obj, str(path), event_ids)
    if problems:
        raise DataFileError(str(path), problems)
    steps = []
    for s in obj["steps"]:
        view = s.get("view") or {}
        steps.append(Step(caption=s["caption"], title=s.get("title"), event=s.get("event"),
                          zoom=s.get("zoom", view.get("zoom")),
                          center=tuple(view["center"]) if "center" in view else None))
    return Storyline(title=obj["title"], description=obj.get("description", ""), steps=tuple(steps))
