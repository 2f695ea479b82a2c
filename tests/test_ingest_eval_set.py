"""The labelled ingest evaluation set (tests/data/ingest_eval/): every file valid, every gold event
consistent with the gazetteer, the taxonomy, its own excerpt and its report's date."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest

from bordermap.ingest_eval import claimant_matches, load_eval_set
from bordermap.model import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "tests" / "data" / "ingest_eval"
REPORTS = sorted((SET / "reports").glob("*.json"))
GAZETTEER = {p["id"]: p for p in json.loads((ROOT / "geo" / "gazetteer.json").read_text("utf-8"))["places"]}
VALIDATOR = jsonschema.Draft202012Validator(json.loads((SET / "report.schema.json").read_text("utf-8")))
SPAN_DAYS = {"day": 1, "week": 6, "month": 30, "year": 365}


def _latest(report_date: str) -> date:
    """The last day a report's events can fall on: its date, or the end of its month."""
    if len(report_date) == 10:
        return date.fromisoformat(report_date)
    first = date.fromisoformat(report_date + "-01")
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def problems(report: dict, stem: str) -> list[str]:
    """Every problem of one labelled report, one sentence each (empty when it is sound)."""
    out = [f"{stem}: {e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(report)]
    if out:
        return out
    if report["id"] != stem:
        out.append(f"{stem}: id {report['id']!r} is not the file's name")
    if report["excerpt"].count("\n") > 8:
        out.append(f"{stem}: excerpt has more than 9 lines; keep only the labelled sentences")
    latest = _latest(report["date"])
    ids = [g["id"] for g in report["gold"]]
    if len(set(ids)) != len(ids):
        out.append(f"{stem}: gold event ids repeat")
    for g in report["gold"]:
        where = f"{stem}: {g['id']}"
        place = GAZETTEER.get(g["place_id"])
        if place is None:
            out.append(f"{where}: place_id {g['place_id']!r} is not in geo/gazetteer.json")
        elif (g["lon"], g["lat"], g["country"]) != (place["lon"], place["lat"], place["country"]):
            out.append(f"{where}: lon/lat/country differ from the gazetteer's {g['place_id']}")
        if g["sub_event_type"] not in EVENT_TYPES.get(g["event_type"], ()):
            out.append(f"{where}: {g['event_type']!r} / {g['sub_event_type']!r} is not an ACLED type and sub-type")
        d0, d1 = date.fromisoformat(g["date_start"]), date.fromisoformat(g["date_end"])
        if d0 > d1:
            out.append(f"{where}: date_start after date_end")
        elif (d1 - d0).days > SPAN_DAYS[g["date_precision"]]:
            out.append(f"{where}: {(d1 - d0).days + 1} days is too long a span for precision {g['date_precision']!r}")
        if d1 > latest:
            out.append(f"{where}: ends {d1} after the report's date {report['date']}")
        for q in g["evidence"]:
            if q not in report["excerpt"]:
                out.append(f"{where}: evidence {q[:40]!r}… is not in the excerpt")
        sources = [c["source"] for c in g["fatalities"]]
        if len(set(sources)) != len(sources):
            out.append(f"{where}: two claims from one source")
        for c in g["fatalities"]:
            if "breakdown" in c and sum(c["breakdown"].values()) != c["figure"]:
                out.append(f"{where}: {c['source']}'s breakdown does not add up to {c['figure']}")
            if not claimant_matches(c["source"], c["claimant_keys"]):
                out.append(f"{where}: {c['source']!r} is not named by its own claimant_keys")
            if c["scope"] == "partial" and "counts" not in c:
                out.append(f"{where}: {c['source']}'s partial claim does not say what it counts")
    return out


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_report_is_sound(path):
    assert problems(json.loads(path.read_text("utf-8")), path.stem) == []


def test_the_set_is_big_and_varied_enough():
    reports = load_eval_set(SET / "reports")
    assert len(reports) >= 15
    outlets = {re.split(r" \(|, ", r["outlet"])[0] for r in reports}
    assert len(outlets) >= 8
    cases = {c for r in reports for c in r["cases"]}
    assert {"ambiguous-place", "both-banks", "relative-date", "disputed-toll", "vague-quantity"} <= cases


def test_readme_lists_every_report_with_its_counts():
    readme = (SET / "README.md").read_text("utf-8")
    reports = load_eval_set(SET / "reports")
    for r in reports:
        claims = sum(len(g["fatalities"]) for g in r["gold"])
        assert re.search(rf"^\| `{re.escape(r['id'])}` \| [^|]+ \| {re.escape(r['date'])} \| {len(r['gold'])} \| {claims} \|",
                         readme, re.M), r["id"]
    events = sum(len(r["gold"]) for r in reports)
    claims = sum(len(g["fatalities"]) for r in reports for g in r["gold"])
    assert f"{len(reports)} short public" in readme and f"{events} gold events, {claims} fatality claims" in readme


@pytest.mark.parametrize("broken, message", [
    (lambda r: r["gold"][0].update(place_id="nowhere"), "is not in geo/gazetteer.json"),
    (lambda r: r["gold"][0].update(lat=37.0), "differ from the gazetteer"),
    (lambda r: r["gold"][0].update(sub_event_type="Grenade"), "is not an ACLED type"),
    (lambda r: r["gold"][0].update(date_end="2011-01-09"), "after the report's date"),
    (lambda r: r["gold"][0].update(date_start="2010-12-01"), "too long a span"),
    (lambda r: r["gold"][0]["evidence"].append("words not in it"), "is not in the excerpt"),
    (lambda r: r["gold"][0]["fatalities"][0].update(figure=6), "does not add up"),
    (lambda r: r.update(excerpt=r["excerpt"] * 3), "is too long"),
    (lambda r: r["gold"][0]["fatalities"][0].update(claimant_keys=["bbc"]), "not named by its own"),
    (lambda r: r.pop("url"), "'url' is a required property"),
])
def test_problems_are_found(broken, message):
    report = json.loads((SET / "reports" / "rferl-2011-01-03-shuroobod-bogh.json").read_text("utf-8"))
    broken(report)
    found = problems(report, "rferl-2011-01-03-shuroobod-bogh")
    assert any(message in p for p in found), found
