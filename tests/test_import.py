"""The ACLED and UCDP GED importers: every layout, honest precision, nothing dropped, stable
output, updates, bad rows and wrong files (fixtures: tests/data/import/, all synthetic)."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from bordermap.cli import main
from bordermap.dataset import load_dataset, validate_path
from bordermap.errors import BordermapError, DataFileError
from bordermap.importers import acled, ucdp
from bordermap.importers.run import import_file
from bordermap.importers.source import WrongFileError
from fuzzing import examples

DATA = Path(__file__).parent / "data" / "import"
DOC = Path(__file__).resolve().parents[1] / "docs" / "importing.md"
ACLED_FILES = ["acled_current.csv", "acled_old_layout.csv", "acled_upper_case.csv", "acled_api.json"]
UCDP_FILES = ["ged231.csv", "ged201_older_order.csv", "gedevents_candidate_noheader.csv", "ucdp_api.json"]


def features(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))["features"]


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k.strip().lower(): v for k, v in r.items()} for r in csv.DictReader(fh)]


def errors_of(path: Path) -> list:
    return [p for p in validate_path(path) if p.severity == "error"]


@pytest.mark.parametrize("name", ACLED_FILES + UCDP_FILES)
@pytest.mark.parametrize("suffix", [".geojson", ".parquet"])
def test_every_layout_imports_and_validates(name, suffix, tmp_path):
    kind = "acled" if name.startswith("acled") else "ucdp"
    out = tmp_path / ("events" + suffix)
    report = import_file(kind, DATA / name, out)
    assert report.written == report.records > 0
    assert errors_of(out) == []
    ds = load_dataset(out, use_cache=False)
    assert len(ds) == report.written
    assert all(i.startswith(kind + "-") for i in ds.table.ids)


def test_every_import_is_written_in_story_order(tmp_path):
    """GeoParquet as GeoJSON: rows by start, end, id, whatever the export's own order (ACLED
    lists the newest first), so a first load has nothing to sort."""
    from bordermap.core.table import story_order
    from bordermap.io.geoparquet import read_events_parquet

    exports_out_of_order = 0
    for name in ACLED_FILES + UCDP_FILES:
        kind = "acled" if name.startswith("acled") else "ucdp"
        out = tmp_path / f"{name}.parquet"
        import_file(kind, DATA / name, out)
        model, _ = read_events_parquet(out)
        assert story_order(model).tolist() == list(range(model.num_rows)), name
        as_json = tmp_path / f"{name}.geojson"
        import_file(kind, DATA / name, as_json)
        assert [f["properties"]["id"] for f in features(as_json)] == model["id"].to_pylist(), name
        if name.endswith(".csv"):
            rows = csv_rows(DATA / name)
            starts = [r.get("event_date") or r.get("date_start") for r in rows]
            if None not in starts:  # (a layout without a header row names no column)
                exports_out_of_order += starts != sorted(starts)
    assert exports_out_of_order, "some fixture lists its events out of story order (else this proves nothing)"


@pytest.mark.parametrize("name", ["acled_current.csv", "acled_old_layout.csv", "acled_upper_case.csv",
                                  "ged231.csv", "ged201_older_order.csv"])
def test_nothing_dropped_every_cell_is_in_original(name, tmp_path):
    kind = "acled" if name.startswith("acled") else "ucdp"
    out = tmp_path / "e.geojson"
    import_file(kind, DATA / name, out)
    rows = csv_rows(DATA / name)
    rules = acled.COLUMN_RULES if kind == "acled" else ucdp.COLUMN_RULES
    assert set(rows[0]) <= set(rules), "every column of the layout has a documented rule"
    id_col = "event_id_cnty" if kind == "acled" else "id"
    by_raw = {f["properties"]["original"][id_col]: f["properties"] for f in features(out)}
    assert len(by_raw) == len(rows)
    for row in rows:
        original = by_raw[row[id_col]]["original"]
        assert original == {k: v for k, v in row.items() if v != ""}


def test_same_input_same_bytes(tmp_path):
    for suffix in (".geojson", ".parquet"):
        a, b = tmp_path / ("a" + suffix), tmp_path / ("b" + suffix)
        import_file("acled", DATA / "acled_current.csv", a)
        import_file("acled", DATA / "acled_current.csv", b)
        assert a.read_bytes() == b.read_bytes()
        c, d = tmp_path / ("c" + suffix), tmp_path / ("d" + suffix)
        import_file("ucdp", DATA / "ged231.csv", c)
        import_file("ucdp", DATA / "ged231.csv", d)
        assert c.read_bytes() == d.read_bytes()


def test_acled_mapping(tmp_path):
    out = tmp_path / "e.geojson"
    import_file("acled", DATA / "acled_current.csv", out)
    rows = {r["event_id_cnty"]: r for r in csv_rows(DATA / "acled_current.csv")}
    for f in features(out):
        p = f["properties"]
        r = rows[p["original"]["event_id_cnty"]]
        assert p["id"] == "acled-" + r["event_id_cnty"].lower()
        assert f["geometry"] == {"type": "Point", "coordinates": [float(r["longitude"]), float(r["latitude"])]}
        assert p["geo_precision"] == int(r["geo_precision"])
        assert p["event_type"] == r["event_type"] and p["sub_event_type"] == r["sub_event_type"]
        claims = p["fatalities"]
        assert len(claims) == 1 and claims[0]["source"] == "ACLED" and claims[0]["total"] == int(r["fatalities"])
        names = [s["name"] for s in p["sources"]]
        assert names[0] == "ACLED" and names[1:] == [x.strip() for x in r["source"].split(";") if x.strip()]
        day = date.fromisoformat(r["event_date"]) if "-" in r["event_date"] else date(2012, 7, 24)
        d0, d1 = date.fromisoformat(p["date_start"]), date.fromisoformat(p["date_end"])
        prec = r["time_precision"]
        if prec == "1":
            assert d0 == d1 == day and p["date_precision"] == "day"
        elif prec == "2":
            assert (d1 - d0).days == 6 and (day - d0).days == 3 and p["date_precision"] == "week"
        else:
            assert d0 == day.replace(day=1) and d1.month == day.month and (d1.replace(day=1) - d0).days == 0
            assert p["date_precision"] == "month" and d0 <= day <= d1
        actors = [(a["name"], a["role"]) for a in p["actors"]]
        assert (r["actor1"], "actor1") in actors
        for assoc in filter(None, (x.strip() for x in r["assoc_actor_1"].split(";"))):
            assert (assoc, "assoc_actor_1") in actors
    first = next(f["properties"] for f in features(out) if f["properties"]["fatalities"][0]["total"] == 42)
    assert "line break" in first["summary"] and "\n" in first["summary"]


def test_acled_old_layout_numbers_and_dates(tmp_path):
    out = tmp_path / "e.geojson"
    import_file("acled", DATA / "acled_old_layout.csv", out)
    rows = {r["event_id_cnty"]: r for r in csv_rows(DATA / "acled_old_layout.csv")}
    for f in features(out):
        p = f["properties"]
        r = rows[p["original"]["event_id_cnty"]]
        dd, mm, yyyy = r["event_date"].split("-")
        day = date(int(yyyy), int(mm), int(dd))
        assert date.fromisoformat(p["date_start"]) <= day <= date.fromisoformat(p["date_end"])
        inter1 = next(a.get("inter") for a in p["actors"] if a["role"] == "actor1")
        assert acled.ACLED_INTER_CODES[inter1] == int(r["inter1"])
        assert p["original"]["data_id"] == r["data_id"]


def test_ucdp_precision_is_honest(tmp_path):
    out = tmp_path / "e.geojson"
    import_file("ucdp", DATA / "ged231.csv", out)
    seen_where, seen_date = set(), set()
    for f in features(out):
        p, o = f["properties"], f["properties"]["original"]
        wp, dp = int(o["where_prec"]), int(o["date_prec"])
        seen_where.add(wp)
        seen_date.add(dp)
        if wp >= 4:
            assert p["geo_precision"] == 3
        assert p["geo_precision"] == {1: 1, 2: 2, 3: 2}.get(wp, 3)
        if dp >= 3:
            assert p["date_start"] != p["date_end"], "a week, month or year is never a single day"
            assert p["date_precision"] == {3: "week", 4: "month", 5: "year"}[dp]
        else:
            assert p["date_precision"] == "day"
    assert seen_where == set(range(1, 8)) and seen_date == set(range(1, 6))


def test_ucdp_claim_best_low_high_and_breakdown(tmp_path):
    out = tmp_path / "e.geojson"
    import_file("ucdp", DATA / "ged231.csv", out)
    rows = {r["id"]: r for r in csv_rows(DATA / "ged231.csv")}
    for f in features(out):
        p = f["properties"]
        r = rows[p["original"]["id"]]
        (claim,) = p["fatalities"]
        assert claim["source"] == "UCDP GED" and claim["total"] == int(r["best"])
        lo, best, hi = int(r["low"]), int(r["best"]), int(r["high"])
        assert claim["low"] == min(lo, best, hi) and claim["high"] == max(lo, best, hi)
        if not lo <= best <= hi:
            assert "not in order" in claim["note"]
        parts = sum(int(r[k]) for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
        assert sum(claim["breakdown"].values()) == parts
        assert claim["breakdown"]["civilians"] >= int(r["deaths_civilians"])
        assert [a["name"] for a in p["actors"]] == [r["side_a"], r["side_b"]]


def test_ucdp_candidate_without_header(tmp_path):
    out = tmp_path / "e.geojson"
    import_file("ucdp", DATA / "gedevents_candidate_noheader.csv", out)
    fc = json.loads(out.read_text())
    assert fc["dataset"]["kind"] == "ucdp-candidate" and "no header" in fc["dataset"]["layout"]
    assert len(fc["features"]) == 3  # the first line is a record, not a header
    assert all(f["properties"]["confidence"] == "unconfirmed" for f in fc["features"])
    assert any("Check geography" in f["properties"]["confidence_note"] for f in fc["features"])


def test_bad_rows_all_reported_nothing_written(tmp_path):
    out = tmp_path / "e.geojson"
    with pytest.raises(DataFileError) as err:
        import_file("acled", DATA / "acled_bad_rows.csv", out)
    assert not out.exists()
    got = [(p.feature_index, p.field) for p in err.value.problems if p.severity == "error"]
    assert got == [(2, "event_date"), (3, "event_type"), (4, ""), (5, "latitude"), (6, "actor1"), (7, "inter2"),
                   (9, "event_id_cnty"), (10, "fatalities")]
    text = [str(p) for p in err.value.problems]
    assert all(t.startswith(str(DATA / "acled_bad_rows.csv") + ": line ") for t in text)
    assert "'2012-02-30' is not a date" in text[0]
    assert "the same event id as line 8" in text[6]


def test_skip_invalid_writes_the_good_rows(tmp_path):
    out = tmp_path / "e.geojson"
    report = import_file("acled", DATA / "acled_bad_rows.csv", out, skip_invalid=True)
    assert report.skipped == 8 and report.written == len(features(out)) == 1
    assert errors_of(out) == []


def test_update_changes_adds_removes_and_keeps_edits(tmp_path):
    out = tmp_path / "e.geojson"
    import_file("acled", DATA / "acled_update_v1.csv", out)
    fc = json.loads(out.read_text())
    v1 = csv_rows(DATA / "acled_update_v1.csv")
    kept_id = "acled-" + v1[0]["event_id_cnty"].lower()
    for f in fc["features"]:  # an analyst's edit to an event ACLED does not change
        if f["properties"]["id"] == kept_id:
            f["properties"]["confidence"] = "confirmed"
            f["properties"]["confidence_note"] = "Checked against two local sources."
    out.write_text(json.dumps(fc))
    report = import_file("acled", DATA / "acled_update_v2.csv", out, update=True)
    assert (report.added, report.changed, len(report.removed), report.unchanged) == (1, 1, 1, 3)
    assert report.removed == ["acled-" + v1[2]["event_id_cnty"].lower()]
    assert report.replaced_edits == []  # the changed event had not been edited here
    assert report.summary().endswith("1 added, 1 changed, 1 removed, 3 unchanged")
    after = {f["properties"]["id"]: f["properties"] for f in features(out)}
    assert after[kept_id]["confidence"] == "confirmed"
    changed = after["acled-" + v1[1]["event_id_cnty"].lower()]
    assert changed["fatalities"][0]["total"] == int(v1[1]["fatalities"]) + 3
    assert "acled-tjk999999" in after
    assert errors_of(out) == []
    again = import_file("acled", DATA / "acled_update_v2.csv", out, update=True)
    assert (again.added, again.changed, len(again.removed), again.unchanged) == (0, 0, 0, 5)


def test_update_a_parquet_import(tmp_path):
    out = tmp_path / "e.parquet"
    import_file("acled", DATA / "acled_update_v1.csv", out)
    report = import_file("acled", DATA / "acled_update_v2.csv", out, update=True)
    assert (report.added, report.changed, len(report.removed), report.unchanged) == (1, 1, 1, 3)
    assert len(load_dataset(out, use_cache=False)) == 5


def test_existing_output_is_not_replaced(tmp_path):
    out = tmp_path / "e.geojson"
    out.write_text("keep me")
    with pytest.raises(BordermapError, match="already exists"):
        import_file("acled", DATA / "acled_current.csv", out)
    assert out.read_text() == "keep me"


def _wrong(tmp_path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_wrong_files_get_one_sentence(tmp_path):
    xlsx = tmp_path / "book.csv"
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    cases = {
        ("acled", DATA / "ged231.csv"): "UCDP GED file",
        ("ucdp", DATA / "acled_current.csv"): "an ACLED file",
        ("acled", xlsx): "Excel workbook",
        ("acled", _wrong(tmp_path, "error.csv", b"<!DOCTYPE html><html><body>Sign in</body></html>")): "HTML page",
        ("ucdp", _wrong(tmp_path, "empty.csv", b"")): "empty file",
        ("acled", _wrong(tmp_path, "blank.csv", b"\n \n")): "empty file",
        ("acled", _wrong(tmp_path, "u16.csv", "a,b\n".encode("utf-16"))): "UTF-16",
        ("acled", _wrong(tmp_path, "other.csv", b"name,age\nx,1\n")): "without ACLED's columns",
        ("acled", _wrong(tmp_path, "x.json", b'{"hello": 1}')): "JSON that is not an export",
    }
    for (kind, path), words in cases.items():
        with pytest.raises(WrongFileError) as err:
            import_file(kind, path, tmp_path / "out.geojson")
        assert words in str(err.value), (path, str(err.value))
        assert "\n" not in str(err.value)
    assert not (tmp_path / "out.geojson").exists()


def test_a_byte_that_is_not_utf8_is_named_with_its_line(tmp_path):
    text = (DATA / "acled_current.csv").read_bytes()
    lines = text.split(b"\n")
    lines[3] = lines[3].replace(b"Asia", b"Asi\xe9", 1) if b"Asia" in lines[3] else lines[3] + b"\xe9"
    bad = _wrong(tmp_path, "latin1.csv", b"\n".join(lines))
    with pytest.raises(BordermapError, match=r"line \d+: byte 0xe9 is not UTF-8"):
        import_file("acled", bad, tmp_path / "out.geojson")


def test_the_docs_table_is_the_code():
    doc = DOC.read_text("utf-8")
    for module, heading in ((acled, "## ACLED, column by column"), (ucdp, "## UCDP GED, column by column")):
        section = doc.split(heading, 1)[1].split("\n## ", 1)[0]
        rows = dict(re.findall(r"^\| `([a-z0-9_]+)` \| (.*) \|$", section, re.M))
        assert rows == module.COLUMN_RULES


def test_cli_import_exit_codes_and_summary(tmp_path, capsys):
    out = tmp_path / "e.parquet"
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "-o", str(out)]) == 0
    assert "6 events from 6 records" in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    assert main(["import", "acled", str(DATA / "acled_bad_rows.csv"), "-o", str(tmp_path / "b.geojson")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().endswith("8 problem(s); nothing was written")
    assert main(["import", "ucdp", str(DATA / "acled_current.csv"), "-o", str(tmp_path / "c.geojson")]) == 2
    assert "use `bordermap import acled`" in capsys.readouterr().err
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "-o", str(tmp_path / "c.txt")]) == 2
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["import", "acled", str(DATA / "acled_update_v2.csv"), "-o", str(out), "--update"]) == 0


def test_update_names_an_edit_that_a_changed_record_replaces(tmp_path):
    out = tmp_path / "e.geojson"
    import_file("acled", DATA / "acled_update_v1.csv", out)
    fc = json.loads(out.read_text())
    changed_id = "acled-" + csv_rows(DATA / "acled_update_v1.csv")[1]["event_id_cnty"].lower()
    for f in fc["features"]:
        if f["properties"]["id"] == changed_id:
            f["properties"]["title"] = "Edited by an analyst"
    out.write_text(json.dumps(fc))
    report = import_file("acled", DATA / "acled_update_v2.csv", out, update=True)
    assert report.replaced_edits == [changed_id]


@pytest.mark.parametrize("name", ["acled_current.csv", "acled_upper_case.csv"])
def test_import_then_export_csv_gives_back_the_acled_columns(name, tmp_path):
    from bordermap.export import export_csv
    from bordermap.io.acled import ACLED_COLUMNS

    out = tmp_path / "e.geojson"
    import_file("acled", DATA / name, out)
    exported = list(csv.DictReader(io.StringIO(export_csv(load_dataset(out, use_cache=False)), newline="")))
    original = {r["event_id_cnty"]: r for r in csv_rows(DATA / name)}
    assert len(exported) == len(original)
    for row in exported:
        assert list(row) == list(ACLED_COLUMNS)
        want = original[row["event_id_cnty"]]
        assert {c: row[c] for c in ACLED_COLUMNS} == {c: want[c] for c in ACLED_COLUMNS}


def test_an_edited_field_is_exported_from_the_model(tmp_path):
    from bordermap.export import export_csv

    out = tmp_path / "e.geojson"
    import_file("acled", DATA / "acled_current.csv", out)
    fc = json.loads(out.read_text())
    p = fc["features"][0]["properties"]
    p["fatalities"].append({"source": "Reuters", "total": 99})
    p["sources"].append({"name": "Reuters", "kind": "media"})
    p["geo_precision"] = 3
    out.write_text(json.dumps(fc))
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(export_csv(load_dataset(out, use_cache=False)), newline=""))}
    row = rows[p["original"]["event_id_cnty"]]
    assert row["geo_precision"] == "3" and "Reuters" in row["source"] and "Reuters: 99" in row["notes"]
    assert row["event_date"] == p["original"]["event_date"]  # the dates were not edited


def test_panel_and_exports_credit_the_dataset(tmp_path):
    from bordermap.export import export_bytes, geojson_collection
    from bordermap.panel import render_panel

    out = tmp_path / "e.parquet"
    import_file("acled", DATA / "acled_current.csv", out)
    ds = load_dataset(out, use_cache=False)
    assert ds.info["name"] == "ACLED" and ds.info["imported_from"] == "acled_current.csv"
    html = render_panel(ds.table.feature(0), ds.article, dataset=ds.info).replace("<bdi>", "").replace("</bdi>", "")
    assert "Dataset" in html and "acleddata.com" in html and "terms of use" in html
    assert "The ACLED record as exported" in html
    assert ds.table.feature(0)["properties"]["original"]["event_id_cnty"] in html
    assert geojson_collection(ds)["dataset"] == ds.info
    page = export_bytes("html", ds).decode("utf-8")
    assert "Events from ACLED (imported from acled_current.csv). Cite: Armed Conflict" in page
    again = load_dataset(out)  # and from the cache
    assert load_dataset(out).info == again.info == ds.info


def test_point_wkb_is_shapelys():
    import numpy as np
    import shapely
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bordermap.importers.columns import point_wkb

    @settings(max_examples=examples(50), deadline=None)
    @given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), max_size=20))
    def check(points):
        lon = np.array([p[0] for p in points], dtype=float)
        lat = np.array([p[1] for p in points], dtype=float)
        assert point_wkb(lon, lat).to_pylist() == list(shapely.to_wkb(shapely.points(lon, lat)))

    check()


@pytest.mark.parametrize("name", ["acled_current.csv", "ged231.csv", "acled_api.json"])
def test_the_dataset_block_names_the_exports_content(name, tmp_path):
    import hashlib

    out = tmp_path / "e.geojson"
    import_file("acled" if name.startswith("acled") else "ucdp", DATA / name, out)
    block = json.loads(out.read_text())["dataset"]
    assert block["imported_sha256"] == hashlib.sha256((DATA / name).read_bytes()).hexdigest()
    assert block["imported_from"] == name


def test_the_commands_source_names_are_the_importers():
    """`bordermap import`'s choices (bordermap.importers.SOURCE_NAMES, light to import) name
    exactly the importer modules."""
    from bordermap.importers import SOURCE_NAMES
    from bordermap.importers.run import SOURCES

    assert tuple(SOURCES) == SOURCE_NAMES
