"""The standalone export's map payload kept in the cache: the same bytes as building it, keyed by
the dataset's content, the rows carried and the code, and only ever a speed-up."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bordermap.dataset import load_dataset
from bordermap.export import export_html
from bordermap.mapping import event_layer
from bordermap.synthetic import synthetic_collection
from bordermap.timeline import EventFilter

ROOT = Path(__file__).resolve().parents[1]
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERMAP_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _dataset(tmp_path, seed=1, n=300):
    path = tmp_path / f"events{seed}.geojson"
    path.write_text(json.dumps(synthetic_collection(n, seed=seed)))
    return load_dataset(path, ROOT / "geo")


def _count_builds(monkeypatch) -> list[int]:
    built = []
    real = event_layer.inline_source

    def counting(*args, **kw):
        built.append(1)
        return real(*args, **kw)
    monkeypatch.setattr(event_layer, "inline_source", counting)
    return built


def test_a_second_export_reads_the_payload_and_writes_the_same_page(own_cache, tmp_path, monkeypatch):
    ds = _dataset(tmp_path)
    built = _count_builds(monkeypatch)
    first = export_html(ds, generated_at=WHEN)
    assert built == [1] and len(list((own_cache / "payloads").glob("*.bin"))) == 1
    second = export_html(load_dataset(tmp_path / "events1.geojson", ROOT / "geo"), generated_at=WHEN)
    assert built == [1]  # from the cache
    assert second == first
    monkeypatch.setenv("BORDERMAP_CACHE", str(tmp_path / "empty"))
    assert export_html(ds, generated_at=WHEN) == first  # built again: the very same page
    assert built == [1, 1]


def test_other_rows_other_data_or_other_code_give_another_payload(own_cache, tmp_path, monkeypatch):
    ds = _dataset(tmp_path)
    built = _count_builds(monkeypatch)
    export_html(ds, generated_at=WHEN)
    some = EventFilter(event_types=frozenset({"Battles"}))
    filtered = export_html(ds, some, generated_at=WHEN)
    assert built == [1, 1]
    other = export_html(_dataset(tmp_path, seed=2), generated_at=WHEN)
    assert built == [1, 1, 1]
    assert len(list((own_cache / "payloads").glob("*.bin"))) == 3
    assert filtered != other
    # An edit to the code that lays the payload out gives new keys.
    event_layer._payload_code_digest.cache_clear()
    monkeypatch.setattr(event_layer, "_payload_code_digest", lambda: "another bordermap")
    export_html(ds, generated_at=WHEN)
    assert built == [1, 1, 1, 1]


def test_a_damaged_entry_is_built_again_and_replaced(own_cache, tmp_path, monkeypatch):
    ds = _dataset(tmp_path)
    first = export_html(ds, generated_at=WHEN)
    (entry,) = (own_cache / "payloads").glob("*.bin")
    for damage in (b"", b"{not json", b'{"bin": 1}', b"[]"):
        entry.write_bytes(damage)
        assert export_html(ds, generated_at=WHEN) == first
        assert entry.read_bytes().startswith(b'{"bin":')


def test_an_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    ds = _dataset(tmp_path)
    first = export_html(ds, generated_at=WHEN)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("BORDERMAP_CACHE", str(blocked))
    assert export_html(ds, generated_at=WHEN) == first


def test_a_dataset_without_a_content_key_is_never_cached(own_cache, tmp_path):
    collection = synthetic_collection(50, seed=3)
    export_html(collection, generated_at=WHEN)  # a dict: no file, no key
    assert not (own_cache / "payloads").exists() or not list((own_cache / "payloads").glob("*.bin"))


def test_the_cache_keeps_the_most_recently_used(own_cache, tmp_path, monkeypatch):
    from bordermap.core import cache

    for seed in range(1, cache.KEEP + 3):
        export_html(_dataset(tmp_path, seed=seed, n=20), generated_at=WHEN)
    assert len(list((own_cache / "payloads").glob("*.bin"))) == cache.KEEP
    assert not [p for p in (own_cache / "payloads").iterdir() if p.name.startswith(".")]
