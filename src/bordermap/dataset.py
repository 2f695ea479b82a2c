"""Load what the map shows: validated events with their derived fields, and the reference layers.

This composes the readers, the validator and the geo analytics; the app, the CLI exports and the
benchmarks all load data through :func:`load_dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bordermap.errors import DataFileError, Problem
from bordermap.geo import GeoLayerError, ReferenceLayers, annotate_events, load_reference_layers
from bordermap.io.files import read_json
from bordermap.model import derive_properties
from bordermap.validate import validate_collection

__all__ = ["Dataset", "load_events", "prepare_events", "load_dataset", "DEFAULT_EVENTS", "DEFAULT_GEO"]

DEFAULT_EVENTS = Path("data/events.geojson")
DEFAULT_GEO = Path("geo")


@dataclass(frozen=True)
class Dataset:
    """Events (GeoJSON Feature dicts with derived fields) and the reference layers."""

    events: list[dict[str, Any]]
    article: dict[str, Any] | None
    layers: ReferenceLayers | None
    warnings: list[str] = field(default_factory=list)

    @property
    def reference(self) -> dict[str, dict[str, Any] | None]:
        """Layer name -> FeatureCollection dict (None when missing), for drawing."""
        raw = self.layers.raw if self.layers else {}
        return {name: raw.get(name) for name in ("countries", "border", "bridges", "places")}

    @cached_property
    def _index(self) -> dict[str, dict[str, Any]]:
        return {f["properties"]["id"]: f for f in self.events}

    def crossing_names(self) -> dict[str, str]:
        """Bridge id -> name, for saying which crossing is nearest."""
        fc = self.reference.get("bridges") or {}
        return {f["properties"]["id"]: f["properties"].get("name", f["properties"]["id"])
                for f in fc.get("features", [])}

    def by_id(self) -> dict[str, dict[str, Any]]:
        """Event id -> Feature; built once per dataset (the app asks on every rerun)."""
        return self._index


def load_events(path: str | Path) -> tuple[dict[str, Any], list[Problem]]:
    """Read and validate an events file. Raises :class:`DataFileError` with every problem if it
    is invalid (warnings are returned, not raised) and ``UnreadableFileError`` if unparsable."""
    fc = read_json(path)
    problems = validate_collection(fc, str(path))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataFileError(str(path), errors)
    return fc, [p for p in problems if p.severity != "error"]


def prepare_events(features: list[dict[str, Any]], layers: ReferenceLayers | None) -> list[dict[str, Any]]:
    """New Feature dicts with every derived field: fatality range, side, border distance,
    nearest crossing (the geographic ones only when the border layer is loaded)."""
    out = [{**f, "properties": derive_properties(f["properties"])} for f in features]
    if layers is not None and layers.border is not None:
        out = annotate_events(out, layers)
    return out


def load_dataset(events_path: str | Path = DEFAULT_EVENTS, geo_dir: str | Path = DEFAULT_GEO) -> Dataset:
    """Load events and reference layers.

    Raises ``DataFileError``/``UnreadableFileError`` for a bad events file. A missing or broken
    geo layer does not stop loading: the map is drawn without it and ``warnings`` says so.
    """
    fc, problems = load_events(events_path)
    warnings = [str(p) for p in problems]
    try:
        layers: ReferenceLayers | None = load_reference_layers(Path(geo_dir))
    except GeoLayerError as exc:
        layers = None
        warnings.append(f"{exc} — the map is drawn without reference layers, and sides and "
                        "border distances are not computed")
    else:
        warnings.extend(layers.missing)
    events = prepare_events(fc["features"], layers)
    return Dataset(events=events, article=fc.get("article"), layers=layers, warnings=warnings)
