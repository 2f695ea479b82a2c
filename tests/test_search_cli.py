"""``bordermap search``: one escaped line per result, exit 0 found / 1 nothing / 2 bad usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bordermap.cli import main

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "data" / "events.geojson"
GEO = ROOT / "geo"


def run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = main(["search", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


@pytest.mark.parametrize("query", ["Хорог", "خروغ", "Khorog"])
def test_places_in_three_scripts(capsys, query):
    code, lines, _ = run(capsys, query, "--events", str(EVENTS), "--geo", str(GEO), "--limit", "3")
    assert code == 0 and len(lines) <= 3
    assert lines[0].startswith("place  Khorugh — TJK, GBAO") and "[71.5534, 37.4904]" in lines[0]


def test_events_by_words(capsys):
    code, lines, _ = run(capsys, "nazarov killed", "--events", str(EVENTS), "--geo", str(GEO))
    assert code == 0
    assert lines == ["event  Maj-Gen Abdullo Nazarov killed on the road from Ishkashim to Khorog — 2012-07-21  "
                     "[row 26, 2012-07-21-nazarov-killed]  0.78"]


def test_nothing_found_and_bad_limit(capsys):
    code, lines, err = run(capsys, "zzzq\x1b[2J", "--events", str(EVENTS), "--geo", str(GEO))
    assert (code, lines, err) == (1, [], "nothing found\n")
    code, _, err = run(capsys, "x", "--events", str(EVENTS), "--limit", "0")
    assert code == 2 and "--limit must be between 1 and 1000, got 0" in err


def test_data_is_escaped_and_a_missing_gazetteer_is_a_warning(capsys, tmp_path):
    fc = json.loads(EVENTS.read_text(encoding="utf-8"))
    fc["features"] = fc["features"][:1]
    fc["features"][0]["properties"]["title"] = "Nazarov\x1b[31m red \u202eevil"
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    code, lines, err = run(capsys, "nazarov", "--events", str(path), "--geo", str(tmp_path))
    assert code == 0 and len(lines) == 1 and lines[0].startswith("event  Nazarov")
    assert "\x1b" not in lines[0] and "\u202e" not in lines[0]
    assert "gazetteer.json is missing; build it with scripts/build_gazetteer.py; searching events only" in err
