"""Events as GeoParquet: a lossless round trip, the same validator, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import bordermap.dataset as dataset_module
from bordermap.dataset import load_dataset, validate_path
from bordermap.errors import DataFileError, UnreadableFileError
from bordermap.io.geoparquet import read_events_parquet, write_events_parquet

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "bordermap.cli"]


@pytest.fixture
def parquet(ds, tmp_path) -> Path:
    path = tmp_path / "events.parquet"
    write_events_parquet(ds.table.table, ds.article, path)
    return path


def test_round_trip_is_lossless(ds, parquet):
    back = load_dataset(parquet, ROOT / "geo")
    assert list(back.table.features()) == list(ds.table.features())
    assert back.article == ds.article


def test_file_is_geoparquet(parquet):
    meta = pq.read_schema(parquet).metadata
    geo = json.loads(meta[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    assert set(geo["columns"]["geometry"]["geometry_types"]) >= {"Point", "LineString"}
    assert "fatalities_low" not in pq.read_schema(parquet).names  # derived fields are never written


def _rewrite(path: Path, column: str, values) -> Path:
    t = pq.read_table(path)
    i = t.schema.get_field_index(column)
    t = t.set_column(i, column, pa.array(values, t.schema.field(column).type))
    out = path.with_name("changed.parquet")
    pq.write_table(t, out)
    return out


def test_same_rules_and_words_as_geojson(parquet, monkeypatch):
    monkeypatch.setattr(dataset_module, "VALIDATE_BATCH", 10)  # rules across batches too
    t = pq.read_table(parquet)
    ids = t["id"].to_pylist()
    ids[25], ids[5] = ids[3], ids[4]
    prec = t["date_precision"].to_pylist()
    prec[7] = "fortnight"
    bad = _rewrite(_rewrite(parquet, "id", ids), "date_precision", prec)
    lines = [str(p) for p in validate_path(bad)]
    assert any("feature 25" in line and "duplicate id: feature 3 has the same id" in line for line in lines)
    assert any("feature 5" in line and "duplicate id: feature 4 has the same id" in line for line in lines)
    assert any("feature 7" in line and "field 'date_precision'" in line for line in lines)
    with pytest.raises(DataFileError):
        load_dataset(bad, ROOT / "geo")


def test_not_parquet_or_not_our_columns_is_one_sentence(tmp_path):
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet")
    with pytest.raises(UnreadableFileError, match="is not a readable Parquet file"):
        read_events_parquet(junk)
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"x": [1, 2]}), other)
    with pytest.raises(UnreadableFileError, match="column 'id' is missing"):
        read_events_parquet(other)


def test_cli_validates_parquet(parquet, tmp_path):
    ok = subprocess.run(CLI + ["validate", str(parquet)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("valid"), ok.stderr
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"x": [1]}), other)
    bad = subprocess.run(CLI + ["validate", str(other)], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "column 'id' is missing" in bad.stderr


def test_many_repeats_of_one_id_are_each_named_once(parquet, monkeypatch):
    monkeypatch.setattr(dataset_module, "VALIDATE_BATCH", 5)
    t = pq.read_table(parquet)
    same = _rewrite(parquet, "id", [t["id"][0].as_py()] * t.num_rows)
    dups = [p for p in validate_path(same) if "duplicate id" in p.message]
    assert sorted(p.feature_index for p in dups) == list(range(1, t.num_rows))
    assert all("duplicate id: feature 0 has the same id" in p.message for p in dups)
