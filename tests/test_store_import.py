"""``bordermap import ... --store URL`` (bordermap.store.imports) on a real PostgreSQL/PostGIS:
the store holds what the file import writes, all or nothing, updates event by event with
history, and a server killed mid-import leaves nothing behind."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import psycopg
import pytest

from bordermap.cli import main
from bordermap.dataset import load_project_dataset
from bordermap.project import load_project
from bordermap.store import StoreError, load_store_dataset, read_for_edit, save_event, connect
from bordermap.store.imports import import_into_store
from bordermap.synthetic_exports import ACLED_COLUMNS, acled_rows

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "import"


def _file_project(tmp_path: Path, datasets: list[tuple[str, str, str]]) -> Path:
    """A project of files already imported: (name, file, title) each."""
    toml = tmp_path / "files.toml"
    toml.write_text(f'title = "bordermap"\nlayers = "{ROOT / "geo"}"\n' + "".join(
        f'[[datasets]]\nname = "{n}"\npath = "{p}"\ntitle = "{t}"\n' for n, p, t in datasets), "utf-8")
    return toml


def _history(url: str) -> list[tuple[str, str | None]]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT action, event_id FROM history ORDER BY id").fetchall()


def test_acled_and_ucdp_into_the_store_match_the_file_imports(store, tmp_path, capsys):
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "--store", store]) == 0
    assert main(["import", "ucdp", str(DATA / "ged231.csv"), "--store", store]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("postgresql://postgres@127.0.0.1") and "(dataset acled): " in out[0]
    assert " events from " in out[0] and "(dataset ucdp): " in out[1]
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "-o", str(tmp_path / "acled.geojson")]) == 0
    assert main(["import", "ucdp", str(DATA / "ged231.csv"), "-o", str(tmp_path / "ucdp.parquet")]) == 0
    files = load_project_dataset(load_project(_file_project(tmp_path, [("acled", "acled.geojson", "ACLED"),
                                                                       ("ucdp", "ucdp.parquet", "UCDP GED")])))
    stored = load_store_dataset(store, layers=ROOT / "geo")
    assert stored.table.table.equals(files.table.table)
    assert stored.infos == files.infos
    assert [a for a, _ in _history(store)] == ["load", "load"]
    assert main(["validate", "--store", store]) == 0


def test_a_dataset_there_already_is_refused_then_replaced_with_force(store, capsys):
    import_into_store("acled", DATA / "acled_current.csv", store)
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "--store", store]) == 1
    err = capsys.readouterr().err
    assert "already has the dataset acled; nothing was imported (--update" in err and len(err.splitlines()) == 1
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "--store", store, "--force"]) == 0
    assert main(["import", "ucdp", str(DATA / "ged231.csv"), "--store", store, "--dataset", "acled", "--update"]) == 1
    assert "is ACLED, not an import of UCDP GED" in capsys.readouterr().err


def test_usage_one_destination(store, capsys):
    assert main(["import", "acled", str(DATA / "acled_current.csv")]) == 2
    assert "give -o OUTPUT (an events file) or --store URL" in capsys.readouterr().err
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "-o", "x.geojson", "--store", store]) == 2
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "-o", "x.geojson", "--dataset", "a"]) == 2
    assert "--dataset names a dataset of a team store" in capsys.readouterr().err


def test_invalid_records_write_nothing(store, capsys):
    assert main(["import", "acled", str(DATA / "acled_bad_rows.csv"), "--store", store]) == 1
    assert "problem(s); nothing was written" in capsys.readouterr().err
    with psycopg.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM datasets").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM history").fetchone()[0] == 0


def test_update_changes_event_by_event_keeps_edits_and_matches_the_file(store, tmp_path):
    import_into_store("acled", DATA / "acled_update_v1.csv", store)
    kept_id = "acled-" + next(csv.DictReader(open(DATA / "acled_update_v1.csv", encoding="utf-8")))["event_id_cnty"].lower()
    with connect(store) as conn:  # an analyst's edit of an event ACLED does not change
        event, rev = read_for_edit(conn, kept_id)
        event["properties"]["confidence"] = "confirmed"
        save_event(conn, event, rev, "ana")
    report = import_into_store("acled", DATA / "acled_update_v2.csv", store, update=True)
    assert (report.added, report.changed, len(report.removed), report.unchanged) == (1, 1, 1, 3)
    assert report.summary().endswith("(dataset acled): 1 added, 1 changed, 1 removed, 3 unchanged")
    actions = [a for a, _ in _history(store)]
    assert actions == ["load", "update", "update", "delete", "insert"]
    with psycopg.connect(store) as conn:
        assert conn.execute("SELECT confidence, revision FROM events WHERE id = %s", (kept_id,)).fetchone() == ("confirmed", 2)
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 5
    # the file import of the same two exports, the same edit: the same events
    out = tmp_path / "acled.geojson"
    assert main(["import", "acled", str(DATA / "acled_update_v1.csv"), "-o", str(out)]) == 0
    fc = json.loads(out.read_text("utf-8"))
    for f in fc["features"]:
        if f["properties"]["id"] == kept_id:
            f["properties"]["confidence"] = "confirmed"
    out.write_text(json.dumps(fc), "utf-8")
    assert main(["import", "acled", str(DATA / "acled_update_v2.csv"), "-o", str(out), "--update"]) == 0
    files = load_project_dataset(load_project(_file_project(tmp_path, [("acled", "acled.geojson", "ACLED")])))
    assert load_store_dataset(store, layers=ROOT / "geo").table.table.equals(files.table.table)
    again = import_into_store("acled", DATA / "acled_update_v2.csv", store, update=True)
    assert (again.added, again.changed, len(again.removed), again.unchanged) == (0, 0, 0, 5)
    assert len(_history(store)) == 5  # nothing changed, nothing written


def _big_acled(path: Path, n: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ACLED_COLUMNS)
        for r in acled_rows(n, seed=4):
            w.writerow([r[c] for c in ACLED_COLUMNS])
    return path


def test_server_killed_mid_import_is_one_sentence_and_leaves_nothing(pg_server, store, tmp_path, capsys):
    """`pg_ctl stop -m immediate` (the postmaster and its backends killed at once) while the
    import's events are being copied in: the import says so in one sentence, exit code 2, and
    after a restart the store has nothing of it."""
    import_into_store("ucdp", DATA / "ged231.csv", store)
    big = _big_acled(tmp_path / "big.csv", 20_000)
    with pg_server.crash_during(store, "COPY events") as killed:
        code = main(["import", "acled", str(big), "--store", store])
    assert killed.is_set()
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: postgresql://postgres@127.0.0.1") and "the database cannot be reached" in err
    assert "nothing was changed" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with psycopg.connect(store) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM datasets")] == ["ucdp"]
        assert conn.execute("SELECT count(*) FROM events WHERE dataset = 'acled'").fetchone()[0] == 0
        assert [r[0] for r in conn.execute("SELECT action FROM history")] == ["load"]
    assert main(["import", "acled", str(DATA / "acled_current.csv"), "--store", store]) == 0  # works again


def test_the_store_refused_before_the_export_is_read(store_url, tmp_path):
    with pytest.raises(StoreError, match="not a bordermap store"):
        import_into_store("acled", tmp_path / "never-read.csv", store_url)
