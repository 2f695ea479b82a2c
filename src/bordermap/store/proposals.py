"""Proposals in the team store: ``bordermap ingest --store`` keeps a report's proposed events in
the ``proposals`` table, ``bordermap accept --store`` moves the accepted ones into a dataset.

Acceptance follows the same rules as for files (:func:`bordermap.ingest.accept_proposals`: the
provenance kept, the evidence left behind, a duplicate refused unless ``force``), checked
against the store's events: the events whose dates overlap a proposal's and whose place is
within the widest radius of the duplicate rule (a bounded query on the day and GiST indexes,
never the whole store). One transaction inserts the events (revision 1, an ``insert`` row each
in history), marks the proposals accepted and writes their reviews.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import psycopg
from psycopg.types.json import Json

from bordermap.core.table import geometries_of
from bordermap.ingest.accept import AcceptResult, accept_proposals
from bordermap.links.rules import RADIUS_KM
from bordermap.project import DatasetSpec
from bordermap.store.connection import StoreError, connect, store_name
from bordermap.store.edit import record_change
from bordermap.store.migrate import require_current
from bordermap.store.records import copy_events, read_features
from bordermap.textsafe import ID_LIMIT, terminal_safe

__all__ = ["store_proposals", "open_proposals", "accept_into_store"]

#: The widest radius at which two events may be duplicates (a province-level place's).
_WIDEST_KM = max(RADIUS_KM.values())


def _ids(features: Sequence[dict]) -> list[str]:
    return [str((f.get("properties") or {}).get("id")) for f in features]


def store_proposals(url: str, proposals: dict) -> list[str]:
    """Every proposed event of ``proposals`` (what :func:`bordermap.ingest.ingest_report`
    returns) as an open proposal in the store, all or nothing. Refuses ids that are an event
    or an open proposal already; returns the ids stored."""
    features = [f for f in proposals.get("features", []) if isinstance(f, dict)]
    ids = _ids(features)
    label = store_name(url)
    with connect(url) as conn:
        require_current(conn, label)
        with conn.transaction():
            taken = [r[0] for r in conn.execute("SELECT id FROM events WHERE id = ANY(%s) UNION "
                                                "SELECT event_id FROM proposals WHERE status = 'open' AND event_id = ANY(%s)",
                                                (ids, ids))]
            if taken:
                shown = ", ".join(terminal_safe(t, ID_LIMIT) for t in sorted(taken))
                raise StoreError(f"{label}: the store has an event or an open proposal with the id(s) {shown} already; "
                                 "nothing was stored (accept or reject those first)")
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO proposals (event_id, kind, payload) VALUES (%s, 'new', %s)",
                                [(pid, Json(f)) for pid, f in zip(ids, features)])
    return ids


def open_proposals(conn: psycopg.Connection, ids: Sequence[str] | None = None, *, lock: bool = False) -> dict:
    """The store's open proposals (all, or those of ``ids``) as a proposals FeatureCollection."""
    where, params = ("AND event_id = ANY(%s)", [list(ids)]) if ids is not None else ("", [])
    rows = conn.execute(f"SELECT payload FROM proposals WHERE status = 'open' {where} ORDER BY id"
                        + (" FOR UPDATE" if lock else ""), params).fetchall()
    return {"type": "FeatureCollection", "features": [r[0] for r in rows]}


def _near(conn: psycopg.Connection, proposals: Sequence[dict]) -> list[str]:
    """Ids of the store's events that may duplicate one of ``proposals``, or have its id: dates
    overlapping and within the widest duplicate radius, or sharing a gazetteer place."""
    found: set[str] = set(r[0] for r in conn.execute("SELECT id FROM events WHERE id = ANY(%s)", (_ids(proposals),)))
    for feature, geom in zip(proposals, geometries_of(proposals)):
        props = feature.get("properties") or {}
        if geom is None or not props.get("date_start") or not props.get("date_end"):
            continue
        x, y = geom.centroid.x, geom.centroid.y
        dlat = _WIDEST_KM / 110.57
        dlon = _WIDEST_KM / (111.32 * max(math.cos(math.radians(min(abs(y) + dlat, 89.0))), 0.01))
        rows = conn.execute(
            "SELECT id FROM events WHERE date_start <= %s AND date_end >= %s AND "
            "(geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326) OR place_ids && %s::text[])",
            (props["date_end"], props["date_start"], x - dlon, y - dlat, x + dlon, y + dlat,
             list(props.get("place_ids") or []))).fetchall()
        found.update(r[0] for r in rows)
    return sorted(found)


def accept_into_store(url: str, ids: Sequence[str], dataset: str, *, proposals: dict | None = None,
                      reviewer: str | None = None, force: bool = False, now: datetime | None = None) -> AcceptResult:
    """Accept the proposals ``ids`` into the store's ``dataset`` (created when missing), in one
    transaction; from ``proposals`` (a proposals file as read) or, when None, from the store's
    open proposals (which are then marked accepted, with a review each).

    Raises ``AcceptRefusal`` with every reason (an unknown id, an id taken, a duplicate of a
    store event without ``force``, an invalid event), and the store's errors (a reader's
    connection: not allowed; nothing is written)."""
    label = store_name(url)
    with connect(url) as conn:
        require_current(conn, label)
        with conn.transaction():
            user = conn.execute("SELECT current_user").fetchone()[0]
            source = open_proposals(conn, ids, lock=True) if proposals is None else proposals
            chosen = [f for f in source.get("features", []) if isinstance(f, dict) and _ids([f])[0] in set(ids)]
            near = read_features(conn, ids=_near(conn, chosen))[0]
            result = accept_proposals(source, list(ids), {"type": "FeatureCollection", "features": near},
                                      reviewer=reviewer, now=now, force=force, file=f"the store {label}")
            accepted = result.events["features"][len(near):]
            row = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM events WHERE dataset = %s",
                               (dataset,)).fetchone()
            if not conn.execute("SELECT 1 FROM datasets WHERE name = %s FOR UPDATE", (dataset,)).fetchone():
                _create_dataset(conn, dataset)
            base = row[0]
            copy_events(conn, accepted, geometries_of(accepted), range(base, base + len(accepted)), dataset, user)
            stored, _, _ = read_features(conn, ids=result.accepted)
            by_id = {f["properties"]["id"]: f for f in stored}
            for pid in result.accepted:
                record_change(conn, pid, dataset, "insert", 1, user, None, by_id[pid])
            if proposals is None:
                conn.execute("INSERT INTO reviews (proposal_id, decision, note) SELECT id, 'accept', %s FROM proposals "
                             "WHERE status = 'open' AND event_id = ANY(%s)", (reviewer, result.accepted))
                conn.execute("UPDATE proposals SET status = 'accepted' WHERE status = 'open' AND event_id = ANY(%s)",
                             (result.accepted,))
    return result


def _create_dataset(conn: psycopg.Connection, name: str) -> None:
    from bordermap.store.transfer import dataset_row

    position = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM datasets").fetchone()[0]
    dataset_row(conn, DatasetSpec(name=name, path=Path(f"{name}.geojson"), title=name), position, None, None)
