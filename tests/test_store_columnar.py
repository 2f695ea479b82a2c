"""The store read column by column (store/columnar.py) gives exactly the table the per-event
path gives (records.read_features + model_columns): every column, claims, sources and actors in
their order, nulls and empty strings, unicode and hostile text, precise and imprecise dates and
places, imported ACLED and UCDP records with their original columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from bordermap.cli import main
from bordermap.core.table import model_columns
from bordermap.dataset import load_project_dataset
from bordermap.io.geoparquet import write_events_parquet
from bordermap.project import load_project, project_for_events
from bordermap.store import StoreError, connect, load_project_into
from bordermap.store.columnar import read_model_columns
from bordermap.store.records import read_features
from bordermap.synthetic import rich_table

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = ROOT / "tests" / "data" / "import"


def _both_ways(url: str, dataset: str):
    with connect(url) as conn:
        features, geoms, _ = read_features(conn, dataset=dataset, geometry=False)
        per_event = model_columns(features, geoms)
        columnar, cgeoms = read_model_columns(conn, dataset)
    return per_event, geoms, columnar, cgeoms


def _assert_same(per_event, geoms, columnar, cgeoms):
    assert columnar.schema == per_event.schema
    for name in per_event.column_names:
        assert columnar[name].combine_chunks().equals(per_event[name].combine_chunks()), name
    assert columnar.equals(per_event)
    assert len(cgeoms) == len(geoms) and all(shapely.equals_exact(a, b, 0) for a, b in zip(cgeoms, geoms))


@pytest.mark.parametrize("events", ["data/events.geojson", "tests/data/hostile.geojson", "tests/data/good-minimal.geojson"])
def test_a_file_loaded_into_the_store_reads_back_the_same_both_ways(store, events):
    load_project_into(store, project_for_events(ROOT / events, ROOT / "geo"))
    with connect(store) as conn:
        [name] = [r[0] for r in conn.execute("SELECT name FROM datasets")]
    per_event, geoms, columnar, cgeoms = _both_ways(store, name)
    assert per_event.num_rows > 0
    _assert_same(per_event, geoms, columnar, cgeoms)


def test_imported_acled_and_ucdp_and_rich_synthetic_events_read_the_same_both_ways(store, tmp_path):
    assert main(["import", "acled", str(IMPORTS / "acled_current.csv"), "-o", str(tmp_path / "acled.geojson")]) == 0
    assert main(["import", "ucdp", str(IMPORTS / "ged231.csv"), "-o", str(tmp_path / "ucdp.parquet")]) == 0
    article = load_project_dataset(load_project(ROOT / "project.toml"))
    write_events_parquet(rich_table(500, article.table, seed=3), article.article, tmp_path / "rich.parquet")
    toml = tmp_path / "team.toml"
    toml.write_text(f'title = "Team"\nlayers = "{ROOT / "geo"}"\n'
                    '[[datasets]]\nname = "acled"\npath = "acled.geojson"\ntitle = "ACLED"\n'
                    '[[datasets]]\nname = "ucdp"\npath = "ucdp.parquet"\ntitle = "UCDP GED"\n'
                    '[[datasets]]\nname = "rich"\npath = "rich.parquet"\ntitle = "Rich"\n', "utf-8")
    load_project_into(store, load_project(toml))
    for name in ("acled", "ucdp", "rich"):
        per_event, geoms, columnar, cgeoms = _both_ways(store, name)
        assert per_event.num_rows > 0, name
        _assert_same(per_event, geoms, columnar, cgeoms)
    # the imprecise and the empty: month/year dates, approximate places, no claims
    rich = _both_ways(store, "rich")[2]
    assert len(set(rich["date_precision"].to_pylist())) > 1 and len(set(rich["geo_precision"].to_pylist())) > 1
    assert 0 in rich["fatalities"].combine_chunks().value_lengths().to_pylist()


def test_an_empty_dataset_reads_as_an_empty_table(store):
    load_project_into(store, project_for_events(ROOT / "tests/data/good-minimal.geojson", ROOT / "geo"))
    with connect(store) as conn:
        table, geoms = read_model_columns(conn, "no-such-dataset")
        assert table.num_rows == 0 and len(geoms) == 0
        assert table.schema == model_columns([], np.zeros(0, object)).schema


def test_a_value_of_the_wrong_shape_put_in_by_hand_is_one_sentence(store, capsys, tmp_path):
    import psycopg

    load_project_into(store, project_for_events(ROOT / "data/events.geojson", ROOT / "geo"))
    with psycopg.connect(store, autocommit=True) as conn:
        conn.execute("""UPDATE events SET corrections = '"not a list"' WHERE id = '2012-07-21-nazarov-killed'""")
    with connect(store) as conn:
        with pytest.raises(StoreError, match=r"^the store's events\.corrections holds a value that is not") as exc:
            read_model_columns(conn, "events")
    assert len(str(exc.value).splitlines()) == 1
    assert main(["export", "geojson", "--store", store, "-o", str(tmp_path / "x.geojson")]) != 0
    err = capsys.readouterr().err
    assert not (tmp_path / "x.geojson").exists()
    assert "events.corrections holds a value" in err and "Traceback" not in err


def test_the_whole_dataset_opened_both_ways_is_the_same(store, tmp_path, monkeypatch):
    """load_store_dataset with the columnar read and with the per-event read: the same EventTable
    (derived fields included), source order, warnings and key."""
    from bordermap.store import dataset as store_dataset
    from bordermap.store import load_store_dataset

    monkeypatch.setenv("BORDERMAP_CACHE", str(tmp_path / "cache"))
    load_project_into(store, project_for_events(ROOT / "data/events.geojson", ROOT / "geo"))
    columnar = load_store_dataset(store, layers=ROOT / "geo")

    def per_event(conn, dataset):
        features, geoms, _ = read_features(conn, dataset=dataset, geometry=False)
        return model_columns(features, geoms), geoms
    monkeypatch.setattr(store_dataset, "read_model_columns", per_event)
    monkeypatch.setenv("BORDERMAP_CACHE", str(tmp_path / "cache2"))
    old = load_store_dataset(store, layers=ROOT / "geo")
    assert columnar.table.table.equals(old.table.table)
    assert (columnar.table.source_index == old.table.source_index).all()
    assert columnar.warnings == old.warnings and columnar.key == old.key and columnar.article == old.article
