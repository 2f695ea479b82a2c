"""bordermap.presentation without a browser: one self-contained file, the app's card, safe text, the CLI."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bordermap.mapping.payload import decode_inline, inline_source_of

from bordermap.caption import caption_context, render_caption
from bordermap.cli import main
from bordermap.dataset import Dataset, prepare_events
from bordermap.errors import DataFileError
from bordermap.geo import load_reference_layers
from bordermap.mapping.payload import to_script_json
from bordermap.mapping.storyline_player import StorylinePlayer
from bordermap.presentation import card_blocks, export_presentation, presentation_steps
from bordermap.storyline import Step, Storyline
from bordermap.synthetic import synthetic_collection

ROOT = Path(__file__).resolve().parents[1]
GEO = str(ROOT / "geo")
STORYLINE = ROOT / "data" / "storylines" / "khorog-2012.json"
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
HOSTILE = "</script><img src=x onerror=alert(1)> {{ 7*7 }} {% raw %} it's & \u2028"


@pytest.fixture(scope="module")
def page(ds):
    return export_presentation(ds, STORYLINE, generated_at=WHEN)


@pytest.fixture(scope="module")
def small():
    """Synthetic events over the real reference layers, with an article block."""
    layers = load_reference_layers(ROOT / "geo")
    fc = synthetic_collection(40, seed=11)
    article = {"title": "A report", "author": "A. Author", "publisher": "Some Network", "date": "2012-07",
               "url": "https://example.org/report", "paragraphs": 10}
    return Dataset(table=prepare_events(fc["features"], layers), article=article, layers=layers)


def markup_only(html: str) -> str:
    """The page without the contents of its <script> and <style> elements."""
    return re.sub(r"(<(script|style)[^>]*>).*?(</\2>)", r"\1\3", html, flags=re.S)


# ---- the file ------------------------------------------------------------------------------------


def test_presentation_is_one_self_contained_offline_file(page, story):
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+stylesheet", page)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", markup_only(page), re.I)
    assert "cdn." not in page and "unpkg" not in page
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    assert "default-src 'none'" in csp and "https:" not in csp and "connect-src" not in csp
    assert page.count("<title>") == 1 and f"<title>{story.title}</title>" in page
    assert "L.Icon.Default.mergeOptions" in page and page.count("<style>") >= 3


def test_every_step_caption_and_title_is_in_the_file_escaped(page, story):
    for step in story.steps:
        assert to_script_json(step.caption) in page
        if step.title:
            assert to_script_json(step.title) in page
    assert "'special operation'" not in page  # quotes in captions are \u0027 inside the script


def test_footer_and_credits(page, ds):
    assert "Exported 2025-01-02 03:04 UTC by bordermap" in page
    assert f"9 steps over {len(ds)} events" in page
    assert "\\u00a9 OpenStreetMap contributors" in page  # a JS string (the layers are gzipped)
    assert json.dumps(ds.article["title"])[1:-1] in page and "Events: Thomas Ruttig (2012)" in page


def test_is_deterministic(ds, page):
    assert export_presentation(ds, STORYLINE, generated_at=WHEN) == page


def test_carries_every_event(ds, page):
    _, _, rows = decode_inline(inline_source_of(page))
    assert [r[0] for r in rows] == list(ds.table.ids)


# ---- the steps -----------------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_cards_say_what_the_apps_card_says(story, ds):
    by_id = ds.by_id()
    steps = presentation_steps(story, ds)
    assert len(steps) == len(story.steps)
    for i, (step, item) in enumerate(zip(story.steps, steps)):
        event = by_id.get(step.event) if step.event else None
        parser = _Text()
        parser.feed(render_caption(story, i, event))
        app_text = _words(" ".join(parser.parts))
        ours = _words(" ".join(" ".join(x for x in (b.get("label"), b["text"]) if x) for b in item["card"]))
        assert ours == app_text, f"step {i + 1}"
        classes = [b["cls"] for b in item["card"]]
        assert classes[:2] == ["bm-card-step", "bm-card-title"] and "bm-card-caption" in classes
        if step.event:
            assert (item["event"], item["zoom"]) == (ds.table.row_of(step.event), step.zoom or 9)
            assert "view" not in item
        else:
            assert item["view"] == {"center": list(step.center), "zoom": step.zoom}
            assert "event" not in item


def test_card_blocks_leave_out_what_a_view_step_lacks(story):
    blocks = card_blocks(caption_context(story, 0, None))
    assert [b["cls"] for b in blocks] == ["bm-card-step", "bm-card-title", "bm-card-caption"]
    assert blocks[0]["text"] == f"{story.title} · step 1 of {len(story.steps)}"


def test_title_replaces_the_storylines(ds, story):
    page = export_presentation(ds, story, title="Briefing for the board", generated_at=WHEN)
    assert "<title>Briefing for the board</title>" in page
    assert to_script_json("Briefing for the board · step 1 of 9")[1:-1] in page


def test_hostile_text_is_inert(small, tmp_path):
    event = small.events[0]["properties"]["id"]
    path = tmp_path / "story.json"
    path.write_text(json.dumps({"title": "T </title><b>x</b>", "steps": [
        {"event": event, "title": HOSTILE, "caption": HOSTILE}]}), "utf-8")
    page = export_presentation(small, path, generated_at=WHEN)
    assert to_script_json(HOSTILE) in page
    assert "<img src=x" not in page and "{{ 7*7 }}" not in page and "{% raw %}" not in page
    assert "<title>T &lt;/title&gt;&lt;b&gt;x&lt;/b&gt;</title>" in page


def test_unknown_events_are_the_validators_lines(small, tmp_path):
    story = Storyline("Mine", "", (Step("first", event=small.events[0]["properties"]["id"]),
                                   Step("second", event="no-such-event")))
    with pytest.raises(DataFileError, match=r"storyline 'Mine': step 2: field 'event': "
                                            r"no event with id 'no-such-event' in the events file"):
        export_presentation(small, story)
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"title": "Mine", "steps": [{"event": "gone", "caption": "x"}]}), "utf-8")
    with pytest.raises(DataFileError, match=re.escape(f"{path}: step 1: field 'event': no event with id 'gone'")):
        export_presentation(small, path)


def test_a_player_needs_steps():
    with pytest.raises(ValueError, match="at least one step"):
        StorylinePlayer([], label="x")


# ---- the CLI -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory) -> tuple[str, str, list[str]]:
    folder = tmp_path_factory.mktemp("cli")
    fc = synthetic_collection(30, seed=4)
    events = folder / "events.geojson"
    events.write_text(json.dumps(fc), "utf-8")
    ids = [f["properties"]["id"] for f in fc["features"]][:3]
    storyline = folder / "story.json"
    storyline.write_text(json.dumps({"title": "Three events", "steps": [
        {"view": {"center": [37.7, 70.9], "zoom": 7}, "caption": "The region."},
        *({"event": i, "caption": f"Caption for {i}.", "zoom": 9} for i in ids)]}), "utf-8")
    return str(events), str(storyline), ids


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["export", "presentation", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_cli_writes_a_presentation(capsys, tmp_path, cli_files):
    events, storyline, ids = cli_files
    out = tmp_path / "deck.html"
    code, stdout, err = run(capsys, "-o", str(out), "--events", events, "--geo", GEO, "--storyline", storyline,
                            "--title", "Deck")
    assert (code, err) == (0, "")
    assert stdout.startswith(f"{out}: 4 steps of {storyline} over 30 events, ")
    page = out.read_text("utf-8")
    assert "<title>Deck</title>" in page and all(to_script_json(f"Caption for {i}.") in page for i in ids)


def test_cli_refuses_to_overwrite_unless_forced(capsys, tmp_path, cli_files):
    events, storyline, _ = cli_files
    out = tmp_path / "deck.html"
    out.write_text("keep me")
    code, _, err = run(capsys, "-o", str(out), "--events", events, "--geo", GEO, "--storyline", storyline)
    assert code == 1
    assert err.strip() == f"error: {out}: already exists; not overwriting it (use --force to replace it)"
    assert out.read_text() == "keep me"
    code, _, _ = run(capsys, "-o", str(out), "--events", events, "--geo", GEO, "--storyline", storyline,
                     "--force")
    assert code == 0 and out.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_cli_bad_storyline_is_the_validators_lines_and_exit_1(capsys, tmp_path, cli_files):
    events, _, ids = cli_files
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"title": "Bad", "steps": [{"event": ids[0], "caption": "ok"},
                                                         {"event": "2012-07-24-khorog", "caption": "x"}]}), "utf-8")
    out = tmp_path / "never.html"
    code, stdout, err = run(capsys, "-o", str(out), "--events", events, "--geo", GEO, "--storyline", str(bad))
    assert code == 1 and stdout == "" and not out.exists()
    assert err.splitlines() == [
        f"{bad}: step 2: field 'event': no event with id '2012-07-24-khorog' in the events file",
        f"error: {bad}: 1 problem(s); nothing was written"]


def test_cli_missing_storyline_and_unused_filters(capsys, tmp_path, cli_files):
    events, storyline, _ = cli_files
    code, _, err = run(capsys, "-o", str(tmp_path / "a.html"), "--events", events, "--geo", GEO,
                       "--storyline", str(tmp_path / "nope.json"))
    assert (code, err.strip()) == (2, f"error: {tmp_path / 'nope.json'}: file not found")
    code, _, err = run(capsys, "-o", str(tmp_path / "b.html"), "--events", events, "--geo", GEO,
                       "--storyline", storyline, "--from", "2010-01-01", "--type", "Battles")
    assert code == 0 and err.strip() == ("warning: --from, --type not used: a presentation shows every event "
                                         "and its storyline picks the steps")
    code, _, err = run(capsys, "-o", str(tmp_path), "--events", events, "--geo", GEO, "--storyline", storyline)
    assert code == 2 and "is a folder; give a file name" in err
