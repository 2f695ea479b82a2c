"""The review page (``?mode=review``): an ingested report's proposals beside its text.

Composition only: every decision is :mod:`bordermap.ingest.review`'s (edits, validation,
rejection, acceptance, duplicates), every piece of HTML is rendered there or by the map
builder. Left, the report with the selected proposal's evidence marked; right, the proposals,
a small map of the place candidates (click one to choose it), the fields in one form and the
decisions. Nothing enters the dataset until *Accept*; a likely duplicate needs a second,
explicit *Accept anyway*. The file, the proposal and the reviewer live in the URL and the
session; every write is atomic and the main map reads the changed events file on its next run.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from bordermap.dataset import Dataset
from bordermap.errors import BordermapError
from bordermap.ingest import review as rv
from bordermap.mapping.candidates import candidate_map, nearest_candidate
from bordermap.model import CONFIDENCE_LEVELS, DATE_PRECISIONS, EVENT_TYPES
from bordermap.project import Project
from bordermap.ui.links import analyst_name
from bordermap.ui.publish import published
from bordermap.ui.style import REVIEW_CSS, escape_markdown

__all__ = ["review_page"]

_PRECISIONS = {1: "1 · the town itself", 2: "2 · near a town, a district", 3: "3 · a province only"}
_TYPES = [(t, s) for t, subs in EVENT_TYPES.items() for s in subs]
_CLAIM_COLUMNS = ["source", "total", "low", "high", "approximate"]


def _flash(kind: str, text: str) -> None:
    st.session_state["rv_flash"] = (kind, text)


def _show_flash() -> None:
    kind, text = st.session_state.pop("rv_flash", (None, None))
    if kind == "success":
        st.success(escape_markdown(text), icon=":material/check_circle:")
    elif kind == "error":
        st.error(escape_markdown(text))


def _problems(exc: BordermapError) -> str:
    items = getattr(exc, "problems", None) or getattr(exc, "reasons", None) or [str(exc)]
    return "Nothing was saved: " + " · ".join(items)


def _reviewer() -> str:
    return (st.session_state.get("rv_reviewer") or "").strip() or analyst_name()


def _label(feature: dict) -> str:
    p = feature.get("properties") or {}
    status = rv.proposal_of(feature).get("status")
    mark = "" if status == "proposed" else "✕ rejected · "
    return f"{mark}{p.get('date_start', '?')} · {p.get('title', p.get('id', '?'))}"[:120]


# ---- the bar: back to the map, which file, who reviews, ingest a report --------------------
@st.dialog("Ingest a report", width="medium")
def _ingest_form(project: Project, geo_dir: Path) -> None:
    st.caption("Its events are proposed offline (a few seconds) into a new proposals file in "
               + escape_markdown(str(project.proposals)) + "; nothing joins the dataset until you accept it.")
    with st.form("rv-ingest", clear_on_submit=True, border=False):
        upload = st.file_uploader("A report: plain text or a saved HTML page", type=["txt", "html", "htm"],
                                  key="rv-upload")
        source = st.text_input("Published by", placeholder="e.g. Asia-Plus", key="rv-source")
        url = st.text_input("Its address (optional)", placeholder="https://…", key="rv-url")
        when = st.date_input("Its date (default: the dateline or the page's date)", value=None, key="rv-date")
        go = st.form_submit_button("Propose its events", type="primary")
    if not go:
        return
    if upload is None:
        st.error("Choose a report file first.")
        return
    with st.status(f"Reading {upload.name}…", expanded=True) as status:
        bar = st.progress(0.0)
        try:
            out = rv.ingest_into(project.proposals, upload.getvalue(), upload.name, source=source, url=url,
                                 report_date=when, geo_dir=geo_dir,
                                 progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
        except (BordermapError, ValueError) as exc:
            status.update(label="The report could not be read", state="error")
            st.error(escape_markdown(_problems(exc) if isinstance(exc, BordermapError) else str(exc)))
            return
        status.update(label=f"Proposed: {out.name}", state="complete")
    # The file selector is drawn already: the new file is taken on the next run, before it.
    st.session_state["rv_next_file"] = out.name
    st.session_state.pop("rv_pid", None)
    st.rerun()


def _bar(project: Project, files: list[Path], geo_dir: Path) -> Path | None:
    bar = st.container(horizontal=True, vertical_alignment="center", key="rv-bar", gap="small")
    bar.link_button("◀ Map", "./", help="Back to the map (accepted events are on it)")
    with bar.container(key="rv-head", gap=None):
        st.markdown("**Review proposed events**")
        target = project.review_target
        st.caption(escape_markdown(f"Accepted events join {target.title} ({target.path.name})" if target
                                   else "No GeoJSON dataset to accept into: add one to the project"))
    chosen = None
    if files:
        names = [f.name for f in files]
        if st.session_state.get("rv_next_file") in names:
            st.session_state["rv_file"] = st.session_state.pop("rv_next_file")
        if st.session_state.get("rv_file") not in names:
            asked = st.query_params.get("file")
            st.session_state["rv_file"] = asked if asked in names else names[0]
        with bar:
            name = st.selectbox("Proposals file", names, key="rv_file", label_visibility="collapsed",
                                help=f"Proposals files in {project.proposals}")
        chosen = project.proposals / name
        if st.query_params.get("file") != name:
            st.query_params["file"] = name
    if "rv_reviewer" not in st.session_state:
        st.session_state["rv_reviewer"] = analyst_name()
    with bar:
        st.text_input("Reviewer", key="rv_reviewer", label_visibility="collapsed", placeholder="Your name",
                      help="Who accepts or rejects: kept with each decision")
    if bar.button("Ingest a report…", help="Propose the events of a new report (offline; a few seconds)"):
        _ingest_form(project, geo_dir)
    return chosen


# ---- the decisions ---------------------------------------------------------------------
def _save(path: Path, collection: dict) -> None:
    rv.write_proposals(path, collection)


def _changes(pid: str, props: dict) -> dict[str, Any]:
    """The form's values as edits (the core keeps only what differs)."""
    s = st.session_state
    event_type, sub = s[f"rv-type-{pid}"]
    claims = s.get(f"rv-claims-value-{pid}")
    out: dict[str, Any] = {
        "place": s.get(f"rv-place-{pid}") or (props.get("place_ids") or [None])[0],
        "location": s[f"rv-location-{pid}"], "geo_precision": s[f"rv-precision-{pid}"],
        "date_start": _iso(s[f"rv-start-{pid}"]), "date_end": _iso(s[f"rv-end-{pid}"]),
        "date_precision": s[f"rv-dprec-{pid}"], "event_type": event_type, "sub_event_type": sub,
        "confidence": s[f"rv-conf-{pid}"], "title": s[f"rv-title-{pid}"], "summary": s[f"rv-summary-{pid}"],
    }
    if out["place"] is None:
        del out["place"]
    if claims is not None:
        out["fatalities"] = claims
    return out


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _apply(path: Path, collection: dict, pid: str, props: dict) -> dict | None:
    try:
        edited = rv.edit_proposal(collection, pid, _changes(pid, props), reviewer=_reviewer())
    except BordermapError as exc:
        _flash("error", _problems(exc))
        return None
    if edited is not collection and edited != collection:
        _save(path, edited)
    return edited


def _accept(path: Path, collection: dict, pid: str, events_path: Path, force: bool) -> None:
    try:
        result = rv.accept_into(path, pid, events_path, reviewer=_reviewer(), force=force, collection=collection)
    except BordermapError as exc:
        _flash("error", _problems(exc))
        return
    st.session_state.pop("rv_dups", None)
    st.session_state.pop("rv_pid", None)
    note = f" (kept although it may duplicate {', '.join(o for _, o in result.duplicates)})" if result.duplicates else ""
    _flash("success", f"Accepted {pid} into {events_path.name}{note}: it is on the map now.")


def _on_save(path: Path, collection: dict, pid: str, props: dict) -> None:
    if _apply(path, collection, pid, props) is not None:
        _flash("success", f"Saved the changes to {pid} in {path.name}.")


def _on_accept(path: Path, collection: dict, pid: str, props: dict, events_path: Path, events: list[dict]) -> None:
    edited = _apply(path, collection, pid, props)
    if edited is None:
        return
    warnings = rv.duplicate_warnings(edited, pid, events)
    if warnings:  # flagged before anything is written to the events file; the reviewer decides
        st.session_state["rv_dups"] = {"pid": pid, "warnings": warnings}
        return
    _accept(path, edited, pid, events_path, force=False)


def _on_reject(path: Path, collection: dict, pid: str) -> None:
    try:
        out = rv.reject_proposal(collection, pid, st.session_state.get(f"rv-reason-{pid}", ""), reviewer=_reviewer())
    except BordermapError as exc:
        _flash("error", _problems(exc))
        return
    _save(path, out)
    st.session_state.pop("rv_pid", None)
    _flash("success", f"Rejected {pid}; the proposal and the reason stay in {path.name}.")


def _on_reopen(path: Path, collection: dict, pid: str) -> None:
    try:
        _save(path, rv.reopen_proposal(collection, pid, reviewer=_reviewer()))
    except BordermapError as exc:
        _flash("error", _problems(exc))


def _on_map_click(pid: str, candidates: list[dict]) -> None:
    clicked = (st.session_state.get(f"rv-map-{pid}") or {}).get("last_object_clicked") or {}
    found = nearest_candidate(candidates, clicked.get("lat"), clicked.get("lng"))
    if found:
        st.session_state[f"rv-place-{pid}"] = found


# ---- the selected proposal -------------------------------------------------------------
def _claims_editor(pid: str, props: dict) -> None:
    rows = [{k: c.get(k) for k in _CLAIM_COLUMNS} for c in props.get("fatalities") or []]
    frame = pd.DataFrame(rows, columns=_CLAIM_COLUMNS).astype({"source": "string", "total": "Int64", "low": "Int64",
                                                               "high": "Int64", "approximate": "boolean"})
    edited = st.data_editor(
        frame, key=f"rv-claims-{pid}", num_rows="dynamic", hide_index=True, width="stretch",
        column_config={"source": st.column_config.TextColumn("Claimant", required=True, max_chars=120),
                       "total": st.column_config.NumberColumn("Killed", min_value=0, step=1),
                       "low": st.column_config.NumberColumn("Low", min_value=0, step=1),
                       "high": st.column_config.NumberColumn("High", min_value=0, step=1),
                       "approximate": st.column_config.CheckboxColumn("≈")})
    st.session_state[f"rv-claims-value-{pid}"] = [
        {k: (None if pd.isna(v) else (int(v) if k in ("total", "low", "high") else v)) for k, v in row.items()}
        for row in edited.to_dict("records")]


def _form(pid: str, props: dict, proposal: dict, candidates: list[dict], report_day: date | None) -> tuple[bool, bool]:
    s = st.session_state
    ids = [c.get("id") for c in candidates if c.get("id")]
    current = (props.get("place_ids") or [None])[0]
    if ids and s.get(f"rv-place-{pid}") not in ids:
        s[f"rv-place-{pid}"] = current if current in ids else ids[0]
    names = {c.get("id"): f"{c.get('name')} ({c.get('country')}{', ' + c['kind'] if c.get('kind') else ''}) · "
                          f"{float(c.get('score') or 0):.2f}" for c in candidates}
    with st.form(f"rv-form-{pid}", border=False):
        if ids:
            st.selectbox("Place (or click a candidate on the map)", ids, key=f"rv-place-{pid}",
                         format_func=lambda i: names.get(i, i), help="; ".join(
                             f"{c.get('name')}: {c.get('why', '')}" for c in candidates)[:600])
        a, b = st.columns([2, 1])
        a.text_input("Location as written", value=props.get("location", ""), key=f"rv-location-{pid}", max_chars=200)
        b.selectbox("Place precision", list(_PRECISIONS), format_func=_PRECISIONS.get,
                    index=list(_PRECISIONS).index(props.get("geo_precision", 1)) if props.get("geo_precision") in _PRECISIONS else 0,
                    key=f"rv-precision-{pid}")
        c1, c2, c3 = st.columns(3)
        start, end = _date(props.get("date_start")), _date(props.get("date_end"))
        limit = max(d for d in (report_day, start, end) if d) if (report_day or start or end) else None
        c1.date_input("From", value=start, max_value=limit, key=f"rv-start-{pid}", format="YYYY-MM-DD")
        c2.date_input("To", value=end, max_value=limit, key=f"rv-end-{pid}", format="YYYY-MM-DD")
        c3.selectbox("Date precision", DATE_PRECISIONS, key=f"rv-dprec-{pid}",
                     index=DATE_PRECISIONS.index(props["date_precision"]) if props.get("date_precision") in DATE_PRECISIONS else 0)
        pair = (props.get("event_type"), props.get("sub_event_type"))
        options = _TYPES if pair in _TYPES else [pair] + _TYPES
        t1, t2 = st.columns([2, 1])
        t1.selectbox("Type › sub-type (ACLED)", options, index=options.index(pair), key=f"rv-type-{pid}",
                     format_func=lambda p: f"{p[0]} › {p[1]}")
        t2.selectbox("Confidence", CONFIDENCE_LEVELS, key=f"rv-conf-{pid}",
                     index=CONFIDENCE_LEVELS.index(props["confidence"]) if props.get("confidence") in CONFIDENCE_LEVELS else 0)
        st.caption("Deaths, one row per claimant (never averaged); injuries: "
                   + escape_markdown("; ".join(f"{i.get('source')} {i.get('total', '')}"
                                               for i in proposal.get("injuries") or []) or "none"))
        _claims_editor(pid, props)
        st.text_input("Title", value=props.get("title", ""), key=f"rv-title-{pid}", max_chars=160)
        st.text_area("Summary (our words)", value=props.get("summary", ""), key=f"rv-summary-{pid}", max_chars=2000,
                     height=90)
        left, right = st.columns(2)
        save = left.form_submit_button("Save changes", width="stretch")
        accept = right.form_submit_button("Accept ✓", type="primary", width="stretch",
                                          help="Check it, then add it to the dataset with its provenance")
    return save, accept


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _proposal_panel(root: Path, ds: Dataset, project: Project, path: Path, collection: dict, feature: dict) -> None:
    props, proposal = feature["properties"], rv.proposal_of(feature)
    pid = props["id"]
    candidates = [c for c in proposal.get("place_candidates") or [] if isinstance(c, dict)]
    status = proposal.get("status")
    if status == "rejected":
        st.warning(escape_markdown(f"Rejected by {proposal.get('reviewer', 'someone')} at "
                                   f"{proposal.get('reviewed_at', '?')}: {proposal.get('reason', '')}"))
        st.button("Reopen it", key=f"rv-reopen-{pid}", on_click=_on_reopen, args=(path, collection, pid))
        return
    if candidates:
        pub = published(ds, root / "static" / "vendor")
        m = candidate_map(candidates, st.session_state.get(f"rv-place-{pid}") or (props.get("place_ids") or [None])[0],
                          pub.layers, center=project.center)
        st_folium(m, key=f"rv-map-{pid}", height=240, use_container_width=True,
                  returned_objects=["last_object_clicked"], on_change=partial(_on_map_click, pid, candidates))
    unresolved = proposal.get("unresolved_places") or []
    if unresolved:
        st.caption(escape_markdown("Not in the gazetteer: " + "; ".join(
            f"{u.get('name')} (near {u.get('nearest_name') or '?'})" for u in unresolved if isinstance(u, dict))))
    report_day = _date((proposal.get("report") or {}).get("date"))
    save, accept = _form(pid, props, proposal, candidates, report_day)
    target = project.review_target
    events = _target_events(target.path) if target else []
    if save:
        _on_save(path, collection, pid, props)
        st.rerun()
    if accept:
        if target is None:
            _flash("error", "Nothing was saved: the project has no GeoJSON dataset to accept into.")
        else:
            _on_accept(path, collection, pid, props, target.path, events)
        st.rerun()
    dups = st.session_state.get("rv_dups")
    if dups and dups.get("pid") == pid and target is not None:
        with st.container(border=True, key="rv-dups"):
            for w in dups["warnings"]:
                st.warning(escape_markdown(w))
            st.caption("Nothing is saved to the dataset yet. Is it another event?")
            a, b = st.columns(2)
            a.button("Accept anyway", key=f"rv-force-{pid}", type="primary", width="stretch",
                     on_click=lambda: _accept(path, rv.read_proposals(path), pid, target.path, force=True))
            b.button("Cancel", key=f"rv-cancel-{pid}", width="stretch",
                     on_click=lambda: st.session_state.pop("rv_dups", None))
    with st.form(f"rv-reject-{pid}", border=False):
        st.text_input("Reason to reject (required)", key=f"rv-reason-{pid}", max_chars=rv.MAX_REASON,
                      placeholder="e.g. the same clash as yesterday's report")
        if st.form_submit_button("Reject ✕", width="stretch"):
            _on_reject(path, collection, pid)
            st.rerun()


def _target_events(path: Path) -> list[dict]:
    from bordermap.io.files import read_json

    try:
        fc = read_json(path) if path.exists() else {}
    except BordermapError:
        return []
    return [f for f in fc.get("features", []) if isinstance(f, dict)] if isinstance(fc, dict) else []


def review_page(root: Path, ds: Dataset, project: Project, geo_dir: Path) -> None:
    """Draw the review page for ``project``'s proposals folder."""
    st.html(REVIEW_CSS)
    if project.proposals is None:
        st.error("The review page works on a project's files; this dataset has no proposals folder.")
        return
    files = rv.proposals_files(project.proposals)
    path = _bar(project, files, geo_dir)
    _show_flash()
    if path is None:
        st.info(escape_markdown(f"No proposals yet in {project.proposals}. Ingest a report (the button above), or "
                                f"run `bordermap ingest REPORT -o {project.proposals}/NAME.geojson`."))
        return
    try:
        collection = rv.read_proposals(path)
    except BordermapError as exc:
        st.error(escape_markdown(f"{path.name} cannot be reviewed: {exc}"))
        return
    features = [f for f in collection["features"] if isinstance(f, dict) and rv.proposal_of(f)
                and isinstance((f.get("properties") or {}).get("id"), str)]
    view = rv.report_view(collection)
    text_col, side = st.columns([1.05, 1], gap="medium")
    with side:
        if not features:
            st.info(escape_markdown(f"Every proposal of {path.name} has been decided."))
            selected = None
        else:
            ids = [f["properties"]["id"] for f in features]
            if st.session_state.get("rv_pid") not in ids:
                asked = st.query_params.get("proposal")
                pending = [f["properties"]["id"] for f in rv.pending(collection)]
                st.session_state["rv_pid"] = asked if asked in ids else (pending or ids)[0]
            labels = {f["properties"]["id"]: _label(f) for f in features}
            left = len(rv.pending(collection))
            st.radio(f"Proposals · {left} of {len(features)} to decide", ids, key="rv_pid",
                     format_func=labels.get)
            selected = next(f for f in features if f["properties"]["id"] == st.session_state["rv_pid"])
            if st.query_params.get("proposal") != selected["properties"]["id"]:
                st.query_params["proposal"] = selected["properties"]["id"]
            _proposal_panel(root, ds, project, path, collection, selected)
    with text_col:
        marks = rv.evidence_marks(selected, view) if selected else []
        with st.container(key="rv-report"):
            st.html(rv.render_report(view, marks))
