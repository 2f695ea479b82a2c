"""An analyst's decisions on links, kept across re-imports, and their plain JSON form.

A decision names its two events by id. Imported events take their ids from the datasets' own
stable ids (ACLED's ``event_id_cnty`` -> ``acled-…``, UCDP's ``id`` -> ``ucdp-…``), which stay
the same when a record is revised, so a decision still applies after a newer export is
imported. :func:`apply_decisions` keeps every confirmed link, even one the rules no longer
propose (its evidence measured as the rules measure it), and drops every rejected one.

The project file stores decisions as :func:`decisions_to_json` writes them; reading them back
(:func:`decisions_from_json`) reports every fault as a :class:`~bordermap.errors.Problem`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bordermap.errors import Problem
from bordermap.links.match import missing_links, pair_links
from bordermap.links.results import Link, Links

__all__ = ["LinkDecision", "DECISION_STATUSES", "decide", "apply_decisions", "decisions_to_json",
           "decisions_from_json"]

DECISION_STATUSES = ("confirmed", "rejected")
_ITEM = "link decision"
_REQUIRED = ("a_id", "b_id", "status", "by", "at")
_OPTIONAL = ("note", "a_dataset", "b_dataset")


@dataclass(frozen=True)
class LinkDecision:
    """An analyst's word on one link: the two events' ids, ``confirmed`` or ``rejected``, who
    decided and when (ISO 8601), why; and the datasets' names as the link named them (used only
    to show a confirmed link whose event has since left its dataset)."""

    a_id: str
    b_id: str
    status: str
    by: str
    at: str
    note: str = ""
    a_dataset: str = ""
    b_dataset: str = ""

    @property
    def pair(self) -> frozenset[str]:
        """The two ids, either way round."""
        return frozenset((self.a_id, self.b_id))


def decide(link: Link, status: str, by: str, *, note: str = "", at: str | None = None) -> LinkDecision:
    """A decision on ``link`` (``at`` defaults to now, UTC, to the second)."""
    if status not in DECISION_STATUSES:
        raise ValueError(f"status: expected one of {', '.join(DECISION_STATUSES)}; found {status!r}")
    when = at or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return LinkDecision(link.a_id, link.b_id, status, by, when, note, link.a_dataset, link.b_dataset)


def _pair_keys(first: pa.ChunkedArray | pa.Array, second: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(first, second, "\x1f")


def apply_decisions(links: Links, decisions: Iterable[LinkDecision]) -> Links:
    """``links`` with the analysts' decisions: rejected links removed, confirmed ones marked
    (status ``confirmed``, who, when, why) and added where the rules do not propose them.

    A later decision on the same pair overrides an earlier one. A decision on events that are
    not both in ``links.a`` and ``links.b`` concerns other datasets and is left out, except a
    confirmed one whose dataset names are this pair's: it is shown as a link to an event that is
    no longer there. Ranks are recomputed, confirmed links first.
    """
    latest = list({d.pair: d for d in decisions}.values())
    if not latest:
        return links
    keys = pa.array([f"{d.a_id}\x1f{d.b_id}" for d in latest] + [f"{d.b_id}\x1f{d.a_id}" for d in latest])
    found = pc.index_in(_pair_keys(links.table["a_id"], links.table["b_id"]), value_set=keys)
    found = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    which = np.where(found >= 0, found % len(latest), -1)  # the decision on each link, -1 for none
    status = np.array([d.status for d in latest] + [""], dtype=object)[which]
    kept = links.filter(status != "rejected")
    chosen = which[status != "rejected"]
    marked = _mark(kept.table, chosen, latest)
    seen = set(which[which >= 0].tolist())
    extra = [d for i, d in enumerate(latest) if i not in seen and d.status == "confirmed"]
    return Links(marked, links.a, links.b, links.a_name, links.b_name, links.rules).with_rows(
        _confirmed_elsewhere(links, extra))


def _mark(table: pa.Table, chosen: np.ndarray, decisions: Sequence[LinkDecision]) -> pa.Table:
    """The table with the decision ``chosen[i]`` (-1: none) written on row i."""
    decided = chosen >= 0
    if not decided.any():
        return table
    for name, value in (("status", "status"), ("decided_by", "by"), ("decided_at", "at"), ("note", "note")):
        values = pa.array([getattr(d, value) or None for d in decisions] + [None], pa.string())
        given = values.take(pa.array(np.where(decided, chosen, len(decisions))))
        column = pc.if_else(pa.array(decided), given, table[name])
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table


def _confirmed_elsewhere(links: Links, decisions: Sequence[LinkDecision]) -> pa.Table:
    """Rows for confirmed decisions the links do not hold: measured where both events are
    there, marked as gone where one is not."""
    def rows(ids: list[str], table) -> np.ndarray:
        found = pc.index_in(pa.array(ids, pa.string()), value_set=table.table["id"])
        return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)

    ids_a, ids_b = [d.a_id for d in decisions], [d.b_id for d in decisions]
    a_of_a, b_of_b = rows(ids_a, links.a), rows(ids_b, links.b)
    a_of_b, b_of_a = rows(ids_b, links.a), rows(ids_a, links.b)
    pairs, gone = [], []
    for i, d in enumerate(decisions):
        if a_of_a[i] >= 0 and b_of_b[i] >= 0:
            pairs.append((i, a_of_a[i], b_of_b[i]))
        elif a_of_b[i] >= 0 and b_of_a[i] >= 0:
            pairs.append((i, a_of_b[i], b_of_a[i]))
        elif (d.a_dataset, d.b_dataset) == (links.a_name, links.b_name):
            gone.append((i, d.a_id, d.b_id, a_of_a[i], b_of_b[i]))
        elif (d.b_dataset, d.a_dataset) == (links.a_name, links.b_name):
            gone.append((i, d.b_id, d.a_id, a_of_b[i], b_of_a[i]))
    measured = pair_links(links, [p[1] for p in pairs], [p[2] for p in pairs])
    missing = missing_links([g[1] for g in gone], [g[2] for g in gone], [g[3] for g in gone], [g[4] for g in gone])
    chosen = np.array([p[0] for p in pairs] + [g[0] for g in gone], dtype=np.int64)
    return _mark(pa.concat_tables([measured, missing]), chosen, decisions)


# ---- the project file's form --------------------------------------------------------------------

def decisions_to_json(decisions: Iterable[LinkDecision]) -> list[dict[str, str]]:
    """Decisions as a list of plain objects (empty optional fields left out)."""
    out = []
    for d in decisions:
        record = asdict(d)
        out.append({k: v for k, v in record.items() if k in _REQUIRED or v})
    return out


def decisions_from_json(data: Any, file: str = "project") -> tuple[list[LinkDecision], list[Problem]]:
    """Decisions from their JSON form, and a Problem for every fault (the decision with an error
    is left out; the others are kept). A second decision on the same pair is an error: which one
    holds would be a guess."""
    if not isinstance(data, list):
        return [], [Problem(file, None, None, "links", f"expected a list of link decisions; found "
                                                      f"{type(data).__name__}", "error", _ITEM)]
    out: list[LinkDecision] = []
    problems: list[Problem] = []
    first_of: dict[frozenset[str], int] = {}
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(Problem(file, i, None, "", "expected an object with a_id, b_id, status, by, at; "
                                                       f"found {type(item).__name__}", "error", _ITEM))
            continue
        fid = item.get("a_id") if isinstance(item.get("a_id"), str) else None
        errors = [Problem(file, i, fid, k, message, "error", _ITEM) for k, message in _faults(item)]
        problems += [Problem(file, i, fid, k, "unknown field; ignored", "warning", _ITEM)
                     for k in item if k not in _REQUIRED + _OPTIONAL]
        if errors:
            problems += errors
            continue
        decision = LinkDecision(**{k: item[k] for k in _REQUIRED + _OPTIONAL if k in item})
        if decision.pair in first_of:
            problems.append(Problem(file, i, fid, "b_id", f"the same pair as {_ITEM} {first_of[decision.pair]}; "
                                                          "keep one decision per pair", "error", _ITEM))
            continue
        first_of[decision.pair] = i
        out.append(decision)
    return out, problems


def _faults(item: dict[str, Any]) -> list[tuple[str, str]]:
    faults = []
    for k in _REQUIRED:
        v = item.get(k)
        if k not in item:
            faults.append((k, "is required"))
        elif not isinstance(v, str) or not v.strip():
            faults.append((k, f"expected a non-empty string; found {v!r}"[:200]))
    for k in _OPTIONAL:
        if k in item and not isinstance(item[k], str):
            faults.append((k, f"expected a string; found {item[k]!r}"[:200]))
    if isinstance(item.get("status"), str) and item["status"] and item["status"] not in DECISION_STATUSES:
        faults.append(("status", f"expected one of {', '.join(DECISION_STATUSES)}; found {item['status']!r}"[:200]))
    if isinstance(item.get("at"), str) and item["at"].strip():
        try:
            datetime.fromisoformat(item["at"])
        except ValueError:
            faults.append(("at", f"expected an ISO 8601 date and time such as 2026-12-02T10:15:00+00:00; "
                                 f"found {item['at']!r}"[:200]))
    if isinstance(item.get("a_id"), str) and item.get("a_id") == item.get("b_id"):
        faults.append(("b_id", "is the same event as a_id; a link joins two events"))
    return faults
