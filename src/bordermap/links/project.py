"""A project's links: candidate links between every pair of its datasets, with the analysts'
decisions from the project's links file applied, and saving a decision to that file.

The decisions file (``links = "data/links.json"`` in project.toml) is a JSON list of
:func:`~bordermap.links.decisions_to_json` records, keyed by the events' stable ids so that it
survives re-imports. It is written atomically; a save re-reads it first and replaces an earlier
decision on the same pair, so two people deciding different pairs do not undo each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bordermap.errors import DataFileError, Problem
from bordermap.io.files import read_json, write_json_atomic
from bordermap.links.decisions import LinkDecision, apply_decisions, decisions_from_json, decisions_to_json
from bordermap.links.match import candidate_links
from bordermap.links.results import Links

__all__ = ["ProjectLinks", "project_links", "load_decisions", "save_decision"]


@dataclass(frozen=True)
class ProjectLinks:
    """Every dataset pair's links (decisions applied), and the problems of the decisions file."""

    pairs: tuple[Links, ...]
    problems: tuple[Problem, ...] = ()

    def of_event(self, event_id: str) -> list[Links]:
        """For each dataset pair, the event's links (best first); pairs without any left out."""
        out = []
        for links in self.pairs:
            sub = links.of_event(event_id)
            if len(sub):
                out.append(sub)
        return out

    def __len__(self) -> int:
        return sum(len(p) for p in self.pairs)


def load_decisions(path: Path | None) -> tuple[list[LinkDecision], list[Problem]]:
    """The decisions saved in ``path`` ([] when there is no file yet)."""
    if path is None or not Path(path).exists():
        return [], []
    return decisions_from_json(read_json(path), str(path))


def save_decision(path: Path, decision: LinkDecision) -> list[LinkDecision]:
    """Add ``decision`` to the file (replacing one on the same pair of events); the decisions
    now saved. Raises :class:`DataFileError` when the file has errors (it is left as it is)."""
    decisions, problems = load_decisions(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataFileError(str(path), errors)
    kept = [d for d in decisions if d.pair != decision.pair] + [decision]
    write_json_atomic(path, decisions_to_json(kept), force=True)
    return kept


def project_links(ds: Any) -> ProjectLinks:
    """Candidate links between each pair of the project's datasets (in project order), with the
    saved decisions applied. ``ds`` is a :class:`~bordermap.dataset.Dataset` opened through a
    project; a project of one dataset has no links."""
    project = ds.project
    if project is None or len(project.datasets) < 2:
        return ProjectLinks(())
    decisions, problems = load_decisions(project.links)
    tables = {}
    for spec in project.datasets:
        rows = np.flatnonzero(ds.table.rows_in_datasets([spec.name]))
        tables[spec.name] = ds.table.take(rows)
    pairs = []
    specs = project.datasets
    for i, a in enumerate(specs):
        for b in specs[i + 1:]:
            if not len(tables[a.name]) or not len(tables[b.name]):
                continue
            links = candidate_links(tables[a.name], tables[b.name], a_name=a.title, b_name=b.title)
            pairs.append(apply_decisions(links, decisions))
    return ProjectLinks(tuple(pairs), tuple(problems))
