"""``bordermap export``: options become the app's EventFilter; errors are one sentence and an exit code."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from bordermap.cli import build_parser, main
from bordermap.export_cli import filter_from_args
from bordermap.io.acled import ACLED_COLUMNS
from bordermap.synthetic import synthetic_collection

ROOT = Path(__file__).resolve().parents[1]
GEO = str(ROOT / "geo")


@pytest.fixture(scope="module")
def events_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("data") / "events.geojson"
    path.write_text(json.dumps(synthetic_collection(60, seed=3)), "utf-8")
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["export", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def args(*argv: str):
    return build_parser().parse_args(["export", "csv", "-o", "x.csv", *argv])


def test_options_build_the_apps_filter():
    flt = filter_from_args(args("--from", "2012-07-20", "--to", "2012-07-31", "--type", "battles",
                                "--type", "Explosions/Remote violence", "--confidence", "confirmed",
                                "--side", "tjk", "--actor", "Tolib Ayombekov"))
    assert (flt.window.start, flt.window.end) == (date(2012, 7, 20), date(2012, 7, 31))
    assert flt.event_types == {"Battles", "Explosions/Remote violence"}
    assert (flt.confidence, flt.sides, flt.actor) == ({"confirmed"}, {"TJK"}, "Tolib Ayombekov")
    open_end = filter_from_args(args("--from", "2012-07-20"), date(1992, 1, 1), date(2012, 12, 31))
    assert (open_end.window.start, open_end.window.end) == (date(2012, 7, 20), date(2012, 12, 31))
    assert filter_from_args(args()).window is None


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "html"])
def test_writes_each_text_format(capsys, tmp_path, events_file, fmt):
    out = tmp_path / f"export.{fmt}"
    code, stdout, _ = run(capsys, fmt, "-o", str(out), "--events", events_file, "--geo", GEO,
                          "--from", "2010-03-01", "--to", "2010-06-30")
    assert code == 0 and out.exists()
    assert stdout.startswith(f"{out}: ") and "of 60 events (2010-03-01 to 2010-06-30)" in stdout
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
        assert list(rows[0]) == list(ACLED_COLUMNS)
        assert all("2010-02-01" <= r["event_date"] <= "2010-06-30" for r in rows)


def test_refuses_to_overwrite_unless_forced(capsys, tmp_path, events_file):
    out = tmp_path / "e.csv"
    out.write_text("keep me")
    code, _, err = run(capsys, "csv", "-o", str(out), "--events", events_file, "--geo", GEO)
    assert code == 1
    assert err.strip() == f"error: {out}: already exists; not overwriting it (use --force to replace it)"
    assert out.read_text() == "keep me"
    code, _, _ = run(capsys, "csv", "-o", str(out), "--events", events_file, "--geo", GEO, "--force")
    assert code == 0 and out.read_text("utf-8").startswith("event_id_cnty,")


@pytest.mark.parametrize("extra, message", [
    (["--from", "2012-13-01"], "error: --from '2012-13-01' is not a date; expected YYYY-MM-DD, e.g. 2012-07-24"),
    (["--to", "24/07/2012"], "error: --to '24/07/2012' is not a date; expected YYYY-MM-DD, e.g. 2012-07-24"),
    (["--from", "2012-08-01", "--to", "2012-07-01"], "error: --from 2012-08-01 is after --to 2012-07-01"),
    (["--type", "Skirmish"], "error: --type 'Skirmish' is not one of: Battles, Protests, Riots, "
                             "Explosions/Remote violence, Violence against civilians, Strategic developments"),
    (["--confidence", "sure"], "error: --confidence 'sure' is not one of: confirmed, reported, disputed, unconfirmed"),
    (["--side", "UZB"], "error: --side 'UZB' is not one of: TJK, AFG, both"),
    (["--size", "big"], "error: --size 'big' is not WIDTHxHEIGHT with 100 to 10000 pixels a side, e.g. 1600x1000"),
])
def test_bad_options_are_one_sentence_and_exit_2(capsys, tmp_path, events_file, extra, message):
    out = tmp_path / "never.csv"
    code, _, err = run(capsys, "csv", "-o", str(out), "--events", events_file, "--geo", GEO, *extra)
    assert (code, err.strip()) == (2, message)
    assert not out.exists()


def test_unreadable_and_invalid_data(capsys, tmp_path):
    code, _, err = run(capsys, "csv", "-o", str(tmp_path / "a.csv"), "--events", str(tmp_path / "nope.geojson"))
    assert (code, err.strip()) == (2, f"error: {tmp_path / 'nope.geojson'}: file not found")
    bad = ROOT / "tests" / "data" / "bad" / "many-problems.geojson"
    code, _, err = run(capsys, "csv", "-o", str(tmp_path / "b.csv"), "--events", str(bad), "--geo", GEO)
    lines = err.splitlines()
    assert code == 1 and not (tmp_path / "b.csv").exists()
    # one line per problem, as `bordermap validate` prints them, then the count (as a presentation does)
    assert lines[0].startswith(f"{bad}: feature 0") and len(lines) == len(set(lines)) > 2
    assert lines[-1] == f"error: {bad}: {len(lines) - 1} problem(s); nothing was written"


def test_output_that_is_a_folder(capsys, tmp_path, events_file):
    code, _, err = run(capsys, "csv", "-o", str(tmp_path), "--events", events_file, "--geo", GEO)
    assert code == 2 and "is a folder; give a file name" in err


def test_empty_selection_warns_but_writes(capsys, tmp_path, events_file):
    out = tmp_path / "none.csv"
    code, _, err = run(capsys, "csv", "-o", str(out), "--events", events_file, "--geo", GEO, "--actor", "Nobody")
    assert code == 0 and "warning: no event matches the filters (actor: Nobody)" in err
    assert out.read_text("utf-8").strip() == ",".join(ACLED_COLUMNS)


def test_missing_geo_layers_are_a_warning(capsys, tmp_path, events_file):
    out = tmp_path / "x.geojson"
    code, _, err = run(capsys, "geojson", "-o", str(out), "--events", events_file, "--geo", str(tmp_path / "nogeo"))
    assert code == 0 and err.startswith("warning: ") and out.exists()


def test_help_lists_the_formats(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    assert "{html,png,geojson,csv,kml,presentation}" in text and "--force" in text and "--online-tiles" in text


# --bbox and --view: where the html and png maps open


@pytest.mark.parametrize("fmt", ["html", "png"])
@pytest.mark.parametrize("extra, lines", [
    (["--bbox", "80,10,70,95"], ["error: --bbox: north 95 is outside -90 to 90",
                                 "error: --bbox: west 80 is not less than east 70 (a box across the antimeridian "
                                 "is not supported)"]),
    (["--bbox", "71,38,72,37"], ["error: --bbox: south 38 is not less than north 37"]),
    (["--bbox=-200,x,70,50"], ["error: --bbox: south 'x' is not a number", "error: --bbox: west -200 is outside -180 to 180"]),
    (["--bbox", "1,2,3"], ["error: --bbox '1,2,3' is not 4 numbers W,S,E,N, e.g. 68.5,36.5,72.5,39.5"]),
    (["--view", "37.5,71.5,20"], ["error: --view: zoom 20 is outside 4 to 14"]),
    (["--view", "north,71.5,inf"], ["error: --view: latitude 'north' is not a number",
                                    "error: --view: zoom inf is not a finite number"]),
])
def test_bad_frames_are_one_line_each_exit_2_nothing_written(capsys, tmp_path, events_file, fmt, extra, lines):
    out = tmp_path / f"never.{fmt}"
    code, stdout, err = run(capsys, fmt, "-o", str(out), "--events", events_file, "--geo", GEO, *extra)
    assert (code, err.splitlines(), stdout) == (2, lines, "")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bbox_and_view_together_are_refused(capsys, tmp_path, events_file):
    out = tmp_path / "never.html"
    with pytest.raises(SystemExit) as exc:
        main(["export", "html", "-o", str(out), "--events", events_file, "--bbox", "71,37,72,38", "--view", "37,71,8"])
    assert exc.value.code == 2 and "argument --view: not allowed with argument --bbox" in capsys.readouterr().err
    assert not out.exists()


def _map_frame(html: str) -> str:
    start = html.index("frame = {")
    return "".join(html[start:html.index("};", start)].split())


def test_bbox_and_view_reach_the_map(capsys, tmp_path, events_file):
    out = tmp_path / "bbox.html"
    code, _, err = run(capsys, "html", "-o", str(out), "--events", events_file, "--geo", GEO, "--bbox", "71,37,72.5,38")
    assert code == 0 and err == ""
    assert '"bounds":[[37.0,71.0,],[38.0,72.5,],],"maxZoom":14' in _map_frame(out.read_text("utf-8"))
    out = tmp_path / "view.html"
    code, _, _ = run(capsys, "html", "-o", str(out), "--events", events_file, "--geo", GEO, "--view", "37.49,71.55,9.5")
    assert code == 0 and '"center":[37.49,71.55,],"zoom":9.5' in _map_frame(out.read_text("utf-8"))
    out = tmp_path / "events.html"
    assert run(capsys, "html", "-o", str(out), "--events", events_file, "--geo", GEO)[0] == 0
    assert '"maxZoom":10' in _map_frame(out.read_text("utf-8"))  # by default: the events' box


def test_a_frame_elsewhere_warns_and_tables_ignore_it(capsys, tmp_path, events_file):
    code, _, err = run(capsys, "html", "-o", str(tmp_path / "far.html"), "--events", events_file, "--geo", GEO,
                       "--bbox", "10,10,20,20")
    assert code == 0 and err.strip() == "warning: none of the 60 exported events is inside --bbox 10,10,20,20"
    code, _, err = run(capsys, "csv", "-o", str(tmp_path / "t.csv"), "--events", events_file, "--geo", GEO,
                       "--view", "37,71,8")
    assert code == 0 and err.strip() == "warning: --view not used: only html and png exports are maps"


def test_help_documents_bbox_and_view(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--bbox W,S,E,N" in text and "--view LAT,LON,ZOOM" in text
    assert "at most zoom 10" in text and "(4 to 14" in text
