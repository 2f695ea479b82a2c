"""Projects: a ``project.toml`` naming the datasets, reference layers, region and sides, titles,
credits and storylines, so that nothing about one conflict is hard-coded.

The file is TOML (comments, no quoting of keys), checked against a JSON Schema shipped in the
package (``schemas/project.schema.json``) and by the rules below, one line per problem, like
events files. Every path in it is relative to the file. Format: ``docs/projects.md``. The
bundled Khorog project (``project.toml`` at the repository root) is the default.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bordermap.validate import Region


from bordermap.errors import DataFileError, Problem, UnreadableFileError
from bordermap.io.files import max_input_bytes
from bordermap.mapping.style import SHAPE_TO_MARK, dataset_marks
from bordermap.textsafe import terminal_safe

__all__ = ["Project", "DatasetSpec", "load_project", "validate_project", "is_project", "DEFAULT_PROJECT",
           "project_for_events", "DEFAULT_TITLE", "DEFAULT_SIDE_NAMES", "DEFAULT_CENTER", "DEFAULT_ZOOM"]

DEFAULT_PROJECT = Path("project.toml")
DEFAULT_TITLE = "bordermap"
DEFAULT_SIDE_NAMES = {"TJK": "Tajik side", "AFG": "Afghan side", "both": "Across the border"}
#: Where the map opens when a project does not say: the Panj between Badakhshan and GBAO.
DEFAULT_CENTER: tuple[float, float] = (37.75, 70.9)
DEFAULT_ZOOM = 7


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    path: Path
    title: str
    credit: str = ""
    #: the mark at the centre of its markers (project.toml ``mark``, or the deprecated ``shape``);
    #: None: the first one no other dataset has (:attr:`Project.dataset_marks`)
    mark: str | None = None
    visible: bool = True


@dataclass(frozen=True)
class Project:
    """A project as read (paths resolved against the project file's folder)."""

    path: Path | None
    title: str
    datasets: tuple[DatasetSpec, ...]
    layers: Path
    subtitle: str = ""
    description: str = ""
    credit: str = ""
    bbox: tuple[float, float, float, float] | None = None
    sides: tuple[str, str] = ("TJK", "AFG")
    side_names: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SIDE_NAMES))
    storylines: tuple[tuple[str, Path], ...] = ()
    links: Path | None = None
    #: the review page's folder of proposals files (``[review] proposals``)
    proposals: Path | None = None
    #: the dataset accepted proposals join (``[review] into``; None: the first GeoJSON one)
    review_into: str | None = None
    center: tuple[float, float] = DEFAULT_CENTER
    zoom: int = DEFAULT_ZOOM
    #: what the check found that does not stop the project from opening (deprecated keys ...)
    warnings: tuple[Problem, ...] = ()

    @property
    def region(self) -> "Region":
        """The box events are expected in (``region.bbox``; the validator's default without one)."""
        from bordermap.validate import DEFAULT_REGION, Region

        if self.bbox is None:
            return DEFAULT_REGION
        w, s, e, n = self.bbox
        return Region(west=w, south=s, east=e, north=n)

    @property
    def dataset_marks(self) -> dict[str, str]:
        """Dataset name -> the mark that tells its markers apart (see :func:`~bordermap.mapping.style.dataset_marks`)."""
        return dataset_marks([d.name for d in self.datasets], {d.name: d.mark for d in self.datasets if d.mark})

    def dataset(self, name: str) -> DatasetSpec | None:
        return next((d for d in self.datasets if d.name == name), None)

    def side_label(self, side: str) -> str:
        return self.side_names.get(side, DEFAULT_SIDE_NAMES.get(side, side))

    @property
    def review_target(self) -> DatasetSpec | None:
        """The dataset the review page accepts proposals into: ``[review] into``, else the
        first GeoJSON dataset (None when the project has none: GeoParquet is not written)."""
        geojson = [d for d in self.datasets if d.path.suffix.lower() in (".geojson", ".json")]
        if self.review_into is not None:
            return next((d for d in geojson if d.name == self.review_into), None)
        return geojson[0] if geojson else None

    @property
    def storyline(self) -> Path | None:
        """The first storyline (briefing mode's default)."""
        return self.storylines[0][1] if self.storylines else None


def is_project(path: str | Path) -> bool:
    return str(path).lower().endswith(".toml")


@lru_cache(maxsize=1)
def load_project_schema() -> dict[str, Any]:
    return json.loads(resources.files("bordermap").joinpath("schemas/project.schema.json").read_text("utf-8"))


def _read(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableFileError(str(path), "no such project file") from None
    except OSError as exc:
        raise UnreadableFileError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    if not path.is_file():
        raise UnreadableFileError(str(path), "is not a file; give the project's .toml file")
    if size > min(max_input_bytes(path), 1 << 20):
        raise UnreadableFileError(str(path), f"is {size:,} bytes: too large for a project file")
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(str(path), f"byte {exc.start + 1} is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UnreadableFileError(str(path), f"not valid TOML: {exc}") from None


def _field(parts: list[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def validate_project(obj: Any, file: str, base: Path | None = None) -> list[Problem]:
    """Every problem with a parsed project: the schema, then names, paths and the region."""
    problems: list[Problem] = []
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_project_schema())
    for err in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        where = _field(list(err.absolute_path))
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            msg = f"unknown key(s) {', '.join(map(repr, extra))}; expected " + ", ".join(err.schema.get("properties", {}))
        elif err.validator == "required":
            msg = err.message.replace("is a required property", "is required")
        else:
            msg = err.message
        problems.append(Problem(file, None, None, where, terminal_safe(msg)))
    if not isinstance(obj, dict):
        return problems
    base = base or Path(".")
    seen: dict[str, int] = {}
    datasets, storylines = obj.get("datasets"), obj.get("storylines")
    for i, d in enumerate(datasets if isinstance(datasets, list) else []):
        if not isinstance(d, dict):
            continue
        name = d.get("name")
        if isinstance(name, str):
            if name in seen:
                problems.append(Problem(file, None, None, f"datasets[{i}].name",
                                        f"{name!r} is also the name of datasets[{seen[name]}]; names must be unique"))
            seen.setdefault(name, i)
        if d.get("shape") in SHAPE_TO_MARK:
            read_as = "'mark' beside it is used" if "mark" in d else f"read as mark = \"{SHAPE_TO_MARK[d['shape']]}\""
            problems.append(Problem(file, None, None, f"datasets[{i}].shape",
                                    "'shape' is deprecated: a marker's shape now shows the event type; write mark = "
                                    f"\"none\", \"dot\", \"bar\" or \"ring\" to tell this dataset apart ({read_as})",
                                    "warning"))
        p = d.get("path")
        if isinstance(p, str) and not (base / p).is_file():
            problems.append(Problem(file, None, None, f"datasets[{i}].path",
                                    f"{p!r}: no such events file (paths are relative to the project file)"))
    for i, s in enumerate(storylines if isinstance(storylines, list) else []):
        if isinstance(s, dict) and isinstance(s.get("path"), str) and not (base / s["path"]).is_file():
            problems.append(Problem(file, None, None, f"storylines[{i}].path", f"{s['path']!r}: no such storyline file"))
    layers = obj.get("layers")
    if isinstance(layers, str) and not (base / layers).is_dir():
        problems.append(Problem(file, None, None, "layers", f"{layers!r}: no such folder; the map is drawn without "
                                                            "reference layers", "warning"))
    region = obj.get("region")
    bbox = region.get("bbox") if isinstance(region, dict) else None
    if isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, (int, float)) for v in bbox):
        w, s, e, n = bbox
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            problems.append(Problem(file, None, None, "region.bbox",
                                    f"{bbox} is not west, south, east, north with west < east and south < north"))
    links = obj.get("links")
    center = region.get("center") if isinstance(region, dict) else None
    if isinstance(center, list) and len(center) == 2 and all(isinstance(v, (int, float)) for v in center):
        if not (-90 <= center[0] <= 90 and -180 <= center[1] <= 180):
            problems.append(Problem(file, None, None, "region.center", f"{center} is not latitude, longitude"))
    if isinstance(links, str) and not (base / links).parent.is_dir():
        problems.append(Problem(file, None, None, "links", f"{links!r}: its folder does not exist"))
    review = obj.get("review")
    into = review.get("into") if isinstance(review, dict) else None
    if isinstance(into, str) and isinstance(datasets, list):
        named = next((d for d in datasets if isinstance(d, dict) and d.get("name") == into), None)
        if named is None:
            problems.append(Problem(file, None, None, "review.into", f"{into!r} is not the name of a dataset"))
        elif not str(named.get("path", "")).lower().endswith((".geojson", ".json")):
            problems.append(Problem(file, None, None, "review.into",
                                    f"{into!r} is not a GeoJSON dataset; accepted proposals are written to GeoJSON"))
    return problems


def load_project(path: str | Path) -> Project:
    """Read and check a project file. Raises :class:`DataFileError` with every problem, or
    :class:`UnreadableFileError` when it is not TOML."""
    p = Path(path)
    obj = _read(p)
    base = p.resolve().parent
    problems = validate_project(obj, str(p), base)
    errors = [x for x in problems if x.severity == "error"]
    if errors:
        raise DataFileError(str(p), errors)
    region = obj.get("region") or {}
    specs = tuple(DatasetSpec(name=d["name"], path=base / d["path"], title=d.get("title", d["name"]),
                              credit=d.get("credit", ""), mark=d.get("mark") or SHAPE_TO_MARK.get(d.get("shape")),
                              visible=d.get("visible", True)) for d in obj["datasets"])
    return Project(
        warnings=tuple(x for x in problems if x.severity != "error"),
        path=p, title=obj["title"], subtitle=obj.get("subtitle", ""), description=obj.get("description", ""),
        credit=obj.get("credit", ""), datasets=specs, layers=base / obj.get("layers", "geo"),
        bbox=tuple(region["bbox"]) if "bbox" in region else None,
        sides=tuple(region.get("sides", ("TJK", "AFG"))),
        side_names={**DEFAULT_SIDE_NAMES, **region.get("side_names", {})},
        storylines=tuple((s.get("name", Path(s["path"]).stem), base / s["path"]) for s in obj.get("storylines", [])),
        links=base / obj["links"] if "links" in obj else None,
        proposals=base / (obj.get("review") or {}).get("proposals", "proposals"),
        review_into=(obj.get("review") or {}).get("into"),
        center=tuple(region.get("center", DEFAULT_CENTER)), zoom=region.get("zoom", DEFAULT_ZOOM),
    )


def project_for_events(events: str | Path, layers: str | Path, title: str | None = None) -> Project:
    """A one-dataset project for a plain events file (``BORDERMAP_EVENTS``, ``--events``)."""
    e = Path(events)
    return Project(path=None, title=title or DEFAULT_TITLE, layers=Path(layers), proposals=e.parent / "proposals",
                   datasets=(DatasetSpec(name="events", path=e, title=e.name),))
