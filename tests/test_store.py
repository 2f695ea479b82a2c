"""The team store on a real PostgreSQL/PostGIS (tests/pg_server.py): schema, load and dump,
the store opened as the app's Dataset, the CLI's --store, and an import that the server's
crash interrupts. Edits and concurrency: tests/test_store_edit.py."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest

from bordermap.cli import main
from bordermap.dataset import load_project_dataset
from bordermap.export import export_geojson
from bordermap.project import load_project, project_for_events
from bordermap.store import (StoreError, StoreUnavailable, connect, current_version, dump_store, init_schema,
                             load_project_into, load_store_dataset, load_store_project, redact, store_state,
                             upgrade_schema)
from bordermap.store.columns import expected_columns
from bordermap.store.migrate import migrations
from bordermap.synthetic import synthetic_collection

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ROOT / "tests" / "data" / "import"
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# ---- schema ------------------------------------------------------------------------------------

def test_schema_has_a_column_for_every_field_of_the_model(store):
    with psycopg.connect(store) as conn:
        for table, columns in expected_columns().items():
            have = dict(conn.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                     "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                                     (table,)).fetchall())
            for name, sql_type in columns.items():
                assert have.get(name) == sql_type, f"{table}.{name}: the migrations give {have.get(name)}, the model {sql_type}"
        indexes = {r[0]: r[1] for r in conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events'")}
        assert "USING gist (geom)" in indexes["events_geom"]
        assert "(day_start, day_end)" in indexes["events_days"]
        for table in ("links", "proposals", "reviews", "history", "datasets", "project"):
            assert conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] == table


def test_init_once_then_upgrade_is_a_no_op(store):
    latest = migrations()[-1].version
    with connect(store) as conn:
        assert current_version(conn) == latest
        with pytest.raises(StoreError, match=rf"already initialised \(schema version {latest}\).*db upgrade"):
            init_schema(conn)
        assert upgrade_schema(conn) == []
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == latest


def test_cli_init_upgrade_and_a_database_that_is_no_store(store_url, capsys):
    assert main(["db", "upgrade", store_url]) == 2
    assert "not a bordermap store yet; run `bordermap db init` first" in capsys.readouterr().err
    assert main(["export", "geojson", "--store", store_url, "-o", "/nonexistent-dir/x.geojson"]) == 2
    assert "not a bordermap store (no schema); run `bordermap db init` first" in capsys.readouterr().err
    assert main(["db", "init", store_url]) == 0
    assert "initialised (schema version" in capsys.readouterr().out
    assert main(["db", "init", store_url]) == 1
    assert main(["db", "upgrade", store_url]) == 0
    assert "up to date" in capsys.readouterr().out


def test_unreachable_server_is_one_line_and_no_password_is_shown(pg_server, capsys):
    url = f"postgresql://ana:s3cret@127.0.0.1:{pg_server.port + 1}/nowhere"  # nothing listens there
    assert main(["db", "init", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: postgresql://ana:***@127.0.0.1") and "cannot be reached" in err
    assert "s3cret" not in err and len(err.strip().splitlines()) == 1
    assert main(["validate", "--store", url]) == 2
    assert main(["export", "csv", "--store", url, "-o", "/tmp/never-written.csv"]) == 2
    assert "s3cret" not in capsys.readouterr().err
    assert redact("host=x password=pw dbname=y") == "host=x password=*** dbname=y"


# ---- round trip --------------------------------------------------------------------------------

def _file_export(path: Path) -> str:
    return export_geojson(load_project_dataset(project_for_events(path, ROOT / "geo")), generated_at=WHEN)


def test_bundled_project_round_trip_is_byte_identical(store, tmp_path):
    project = load_project(ROOT / "project.toml")
    report = load_project_into(store, project)
    assert report.datasets == (("article", 36),)
    from_files = load_project_dataset(project)
    from_store = load_store_dataset(store, layers=ROOT / "geo")
    assert from_store.table.table.equals(from_files.table.table)  # derived fields included
    assert from_store.article == from_files.article and from_store.info == from_files.info
    assert from_store.project.title == project.title and from_store.project.region == project.region
    assert export_geojson(from_store, generated_at=WHEN) == export_geojson(from_files, generated_at=WHEN)
    assert load_store_project(store).title == project.title
    state = store_state(store)
    assert state[1] > 0 and state[2] == 1
    [path] = dump_store(store, tmp_path / "dump", generated_at=WHEN)
    assert path.name == "article.geojson"
    assert path.read_text("utf-8") == _file_export(ROOT / "data" / "events.geojson")


def _body(path: Path) -> dict:
    """An exported collection but its description (which says the minute it was written)."""
    fc = json.loads(path.read_text("utf-8"))
    fc.pop("description")
    return fc


def _imported(tmp_path: Path) -> Path:
    """A project of the ACLED and UCDP fixtures as imported (GeoJSON and GeoParquet)."""
    assert main(["import", "acled", str(IMPORTS / "acled_current.csv"), "-o", str(tmp_path / "acled.geojson")]) == 0
    assert main(["import", "ucdp", str(IMPORTS / "ged231.csv"), "-o", str(tmp_path / "ucdp.parquet")]) == 0
    toml = tmp_path / "team.toml"
    toml.write_text(f'title = "Team"\nlayers = "{ROOT / "geo"}"\n'
                    '[[datasets]]\nname = "acled"\npath = "acled.geojson"\ntitle = "ACLED"\n'
                    '[[datasets]]\nname = "ucdp"\npath = "ucdp.parquet"\ntitle = "UCDP GED"\nshape = "square"\n',
                    "utf-8")
    return toml


def test_acled_and_ucdp_imports_round_trip(store, tmp_path, capsys):
    toml = _imported(tmp_path)
    assert main(["db", "load", store, "--project", str(toml)]) == 0
    out = capsys.readouterr().out
    assert "loaded acled (" in out and "ucdp (" in out
    project = load_project(toml)
    from_files = load_project_dataset(project)
    from_store = load_store_dataset(store, layers=ROOT / "geo")
    assert from_store.table.table.equals(from_files.table.table)
    assert from_store.infos == from_files.infos and from_store.layer_specs == from_files.layer_specs
    paths = dump_store(store, tmp_path / "dump", generated_at=WHEN)
    assert [p.name for p in paths] == ["acled.geojson", "ucdp.geojson"]
    for path, source in zip(paths, ("acled.geojson", "ucdp.parquet")):
        assert path.read_text("utf-8") == _file_export(tmp_path / source)
    # and the CLI: the dump and `export geojson` of the file are the same bytes (but the minute)
    assert main(["db", "dump", store, "-o", str(tmp_path / "cli")]) == 0
    assert main(["export", "geojson", "--events", str(tmp_path / "acled.geojson"), "-o", str(tmp_path / "a.geojson")]) == 0
    assert _body(tmp_path / "cli" / "acled.geojson") == _body(tmp_path / "a.geojson")
    assert main(["db", "dump", store, "-o", str(tmp_path / "cli")]) == 1  # exists: not overwritten
    assert "already exists" in capsys.readouterr().err


def test_load_refuses_a_dataset_twice_and_replaces_it_when_asked(store, tmp_path, capsys):
    events = ROOT / "data" / "events.geojson"
    assert main(["db", "load", store, "--events", str(events)]) == 0
    assert main(["db", "load", store, "--events", str(events)]) == 1
    assert "already has the dataset(s) events; nothing was loaded (use --replace" in capsys.readouterr().err
    assert main(["db", "load", store, "--events", str(events), "--replace"]) == 0
    assert _count(store, "events") == 36 and _count(store, "claims") > 0


def test_a_dataset_loaded_alone_dumps(store, tmp_path, capsys):
    assert main(["db", "load", store, "--events", str(ROOT / "tests" / "data" / "good-minimal.geojson")]) == 0
    with psycopg.connect(store) as conn:
        conn.execute("DELETE FROM project")  # and without the project's settings
    assert main(["db", "dump", store, "-o", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out.strip().endswith("events.geojson")
    assert _body(tmp_path / "out" / "events.geojson")["features"] == json.loads(
        (ROOT / "tests" / "data" / "good-minimal.geojson").read_text("utf-8"))["features"]


def test_an_id_taken_by_another_dataset_loads_nothing(store, tmp_path):
    load_project_into(store, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    copy = tmp_path / "copy.geojson"
    copy.write_bytes((ROOT / "data" / "events.geojson").read_bytes())
    toml = tmp_path / "p.toml"
    toml.write_text('title = "T"\n[[datasets]]\nname = "fresh"\npath = "good.geojson"\n'
                    '[[datasets]]\nname = "copy"\npath = "copy.geojson"\n', "utf-8")
    (tmp_path / "good.geojson").write_bytes((ROOT / "tests" / "data" / "good-minimal.geojson").read_bytes())
    with pytest.raises(StoreError, match=r"dataset copy: \(id\)=\(.+\) already exists; ids must be unique"):
        load_project_into(store, load_project(toml))
    with psycopg.connect(store) as conn:  # the first dataset of the failed load is gone too
        assert [r[0] for r in conn.execute("SELECT name FROM datasets")] == ["events"]
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 36


def test_validate_and_export_read_the_store(store, tmp_path, capsys):
    load_project_into(store, load_project(ROOT / "project.toml"))
    assert main(["validate", "--store", store]) == 0
    assert "valid (1 dataset(s))" in capsys.readouterr().out
    a, b = tmp_path / "store.geojson", tmp_path / "files.geojson"
    assert main(["export", "geojson", "--store", store, "-o", str(a), "--type", "Battles"]) == 0
    assert main(["export", "geojson", "--project", str(ROOT / "project.toml"), "-o", str(b), "--type", "Battles"]) == 0
    assert _body(a) == _body(b) and len(_body(a)["features"]) == 8
    with psycopg.connect(store) as conn:  # a change made behind bordermap's back is found
        conn.execute("UPDATE events SET date_end = date_start - 3 WHERE id = (SELECT min(id) FROM events)")
    capsys.readouterr()
    assert main(["validate", "--store", store]) == 1
    err = capsys.readouterr().err
    assert "(dataset article): feature" in err and "date_end" in err and "1 of 1 dataset(s) not valid" in err


# ---- faults ------------------------------------------------------------------------------------

def test_server_killed_mid_import_leaves_nothing(pg_server, store, tmp_path):
    """The server crashes (pg_ctl stop -m immediate) while the events are being copied in: the
    load fails with a sentence, and after a restart the store holds nothing of it."""
    load_project_into(store, project_for_events(ROOT / "data" / "events.geojson", ROOT / "geo"))
    big = tmp_path / "big.geojson"
    big.write_text(json.dumps(synthetic_collection(10_000, seed=3)), "utf-8")
    toml = tmp_path / "big.toml"
    toml.write_text('title = "Big"\n[[datasets]]\nname = "big"\npath = "big.geojson"\n', "utf-8")
    project = load_project(toml)
    with pg_server.crash_during(store, "COPY events") as killed:
        with pytest.raises(StoreUnavailable, match="the database cannot be reached .*nothing was changed"):
            load_project_into(store, project)
    assert killed.is_set()
    with psycopg.connect(store) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM datasets")] == ["events"]
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 36
        assert conn.execute("SELECT count(*) FROM events WHERE dataset = 'big'").fetchone()[0] == 0
    assert len(load_store_dataset(store, layers=ROOT / "geo")) == 36  # and the store works again


def test_missing_postgresql_is_a_clear_failure_not_a_silent_skip(monkeypatch, tmp_path):
    from pg_server import PgServer, PgUnavailable

    monkeypatch.setenv("BORDERMAP_PG_BIN", str(tmp_path / "no-postgres-here"))
    with pytest.raises(PgUnavailable, match="initdb failed|No such file"):
        PgServer()


def test_copy_from_columns_in_batches_writes_what_the_features_say(store):
    """db load's COPY straight from the Arrow columns (copy_table), in batches that split the
    events' lists of claims, sources and actors, writes the events as Features would."""
    from bordermap.store.records import copy_table, read_features
    from bordermap.store.transfer import dataset_row
    from bordermap.project import DatasetSpec

    ds = load_project_dataset(load_project(ROOT / "project.toml"))
    with connect(store) as conn:
        with conn.transaction():
            dataset_row(conn, DatasetSpec(name="b", path=Path("b.geojson"), title="b"), 0, None, None)
            copy_table(conn, ds.table, "b", "me", batch=5)
        features, _, meta = read_features(conn, dataset="b")
    assert sorted(features, key=lambda f: f["properties"]["id"]) == sorted(
        ds.table.features(derived=False), key=lambda f: f["properties"]["id"])
    assert sorted(m["position"] for m in meta) == sorted(ds.table.source_index.tolist())
