"""The whole path of issue 13 on a real PostgreSQL/PostGIS, beside the same path on files: init,
import ACLED and UCDP, ingest a report, accept a proposal, edit an event, export, dump and load
again. Every step's result on the store is the files' result."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

from bordermap.cli import main
from bordermap.dataset import load_project_dataset
from bordermap.export import export_geojson
from bordermap.project import Project, load_project
from bordermap.store import connect, dump_store, load_store_dataset, read_for_edit, save_event

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ROOT / "tests" / "data" / "import"
REPORT = ROOT / "tests" / "data" / "ingest" / "relative-dates.txt"
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
EDITED = "acled-tjk100002"


def _same_minute(text: str) -> str:
    """The time of acceptance is the only difference two runs may have."""
    return re.sub(r'"accepted_at":\s*"[^"]+"', '"accepted_at":"T"', text)


def _but_timestamp(csv_file: Path) -> list[str]:
    """An exported CSV's lines without the last column (ACLED's timestamp: the second it was written)."""
    return [line.rsplit(",", 1)[0] for line in csv_file.read_text("utf-8").splitlines()]


def _files_path(tmp: Path) -> Path:
    tmp.mkdir()
    assert main(["import", "acled", str(IMPORTS / "acled_current.csv"), "-o", str(tmp / "acled.geojson")]) == 0
    assert main(["import", "ucdp", str(IMPORTS / "ged231.csv"), "-o", str(tmp / "ucdp.parquet")]) == 0
    assert main(["ingest", str(REPORT), "-o", str(tmp / "proposals.geojson"), "--source", "RFE/RL"]) == 0
    pid = json.loads((tmp / "proposals.geojson").read_text("utf-8"))["features"][0]["properties"]["id"]
    assert main(["accept", str(tmp / "proposals.geojson"), pid, "--into", str(tmp / "ingested.geojson"),
                 "--reviewer", "Ana"]) == 0
    fc = json.loads((tmp / "acled.geojson").read_text("utf-8"))
    [event] = [f for f in fc["features"] if f["properties"]["id"] == EDITED]
    event["properties"]["title"] = "Checked against two local sources"
    (tmp / "acled.geojson").write_text(json.dumps(fc, ensure_ascii=False), "utf-8")
    toml = tmp / "team.toml"
    toml.write_text(f'title = "bordermap"\nlayers = "{ROOT / "geo"}"\n' + "".join(
        f'[[datasets]]\nname = "{n}"\npath = "{p}"\ntitle = "{t}"\n' for n, p, t in (
            ("acled", "acled.geojson", "ACLED"), ("ucdp", "ucdp.parquet", "UCDP GED"),
            ("ingested", "ingested.geojson", "ingested"))), "utf-8")
    return toml


def _store_path(url: str) -> None:
    assert main(["db", "init", url]) == 0
    assert main(["import", "acled", str(IMPORTS / "acled_current.csv"), "--store", url]) == 0
    assert main(["import", "ucdp", str(IMPORTS / "ged231.csv"), "--store", url]) == 0
    assert main(["ingest", str(REPORT), "--store", url, "--source", "RFE/RL"]) == 0
    with connect(url) as conn:
        pid = conn.execute("SELECT event_id FROM proposals ORDER BY id LIMIT 1").fetchone()[0]
    assert main(["accept", pid, "--store", url, "--into", "ingested", "--reviewer", "Ana"]) == 0
    with connect(url) as conn:
        event, revision = read_for_edit(conn, EDITED)
        event["properties"]["title"] = "Checked against two local sources"
        assert save_event(conn, event, revision, "ana") == revision + 1


def test_the_whole_path_on_the_store_matches_the_files(pg_server, tmp_path, capsys):
    toml = _files_path(tmp_path / "files")
    url = pg_server.create_database("workflow", template="tmpl_postgis")
    _store_path(url)
    files = load_project_dataset(load_project(toml))
    stored = load_store_dataset(url, layers=ROOT / "geo")
    assert len(stored) == len(files) == 15
    assert _same_minute(export_geojson(stored, generated_at=WHEN)) == _same_minute(export_geojson(files, generated_at=WHEN))
    # the CLI's exports, a filter included
    for source, out in ((["--store", url], "s.csv"), (["--project", str(toml)], "f.csv")):
        assert main(["export", "csv", *source, "-o", str(tmp_path / out), "--from", "2018-01-01"]) == 0
    assert _but_timestamp(tmp_path / "s.csv") == _but_timestamp(tmp_path / "f.csv")
    # dump, each dataset as `export geojson` writes its file (the store has no project settings:
    # its datasets were imported and accepted, never loaded from a project.toml)
    with connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM project").fetchone()[0] == 0
    dumped = dump_store(url, tmp_path / "dump", generated_at=WHEN)
    assert [p.name for p in dumped] == ["acled.geojson", "ucdp.geojson", "ingested.geojson"]
    for path, spec in zip(dumped, load_project(toml).datasets):
        one = load_project_dataset(Project(path=None, title="bordermap", datasets=(spec,), layers=ROOT / "geo"))
        assert _same_minute(path.read_text("utf-8")) == _same_minute(export_geojson(one, generated_at=WHEN))
    # and load the dump into a new store: the same dump again
    again = pg_server.create_database("workflow_again", template="tmpl_store")
    (tmp_path / "dump" / "team.toml").write_text(f'title = "bordermap"\nlayers = "{ROOT / "geo"}"\n' + "".join(
        f'[[datasets]]\nname = "{p.stem}"\npath = "{p.name}"\ntitle = "{p.stem}"\n' for p in dumped), "utf-8")
    assert main(["db", "load", again, "--project", str(tmp_path / "dump" / "team.toml")]) == 0
    for path, redumped in zip(dumped, dump_store(again, tmp_path / "dump2", generated_at=WHEN)):
        assert redumped.read_text("utf-8") == path.read_text("utf-8")
